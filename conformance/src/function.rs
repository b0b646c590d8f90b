//! The `function` family: `torch.nn.functional` functions.

use super::Outcome;
use super::case::Case;
use super::harness::{evaluate, float_inputs};
use crate::ops::GeluApproximate;
use nncore::loss::{cosine_similarity, pairwise_distance};

/// Performs one function case.
pub(crate) fn run(case: &Case) -> Outcome {
    match perform(case) {
        Ok(outcome) => outcome,
        Err(why) => Outcome::Fail(format!("bad case: {why}")),
    }
}

fn perform(case: &Case) -> Result<Outcome, String> {
    let input = || float_inputs(case, &["input"]);
    Ok(match case.op.as_str() {
        "softmax" => {
            let dim = case.i64_option("dim", -1) as isize;
            evaluate(case, input()?, |t| t.get("input").softmax(dim))
        }
        "log_softmax" => {
            let dim = case.i64_option("dim", -1) as isize;
            evaluate(case, input()?, |t| t.get("input").log_softmax(dim))
        }
        "relu" => evaluate(case, input()?, |t| Ok(t.get("input").relu())),
        "sigmoid" => evaluate(case, input()?, |t| Ok(t.get("input").sigmoid())),
        "tanh" => evaluate(case, input()?, |t| Ok(t.get("input").tanh())),
        "dropout" => {
            let (p, training) = (
                case.f64_option("p", 0.5),
                case.bool_option("training", true),
            );
            evaluate(case, input()?, |t| {
                crate::ops::dropout(t.get("input"), p, training)
            })
        }
        "leaky_relu" => {
            let slope = case.f64_option("negative_slope", 0.01);
            evaluate(case, input()?, |t| Ok(t.get("input").leaky_relu(slope)))
        }
        "elu" => {
            let alpha = case.f64_option("alpha", 1.0);
            evaluate(case, input()?, |t| Ok(t.get("input").elu(alpha)))
        }
        "gelu" => {
            let approximate: GeluApproximate = case
                .str_option("approximate", "none")
                .parse()
                .map_err(|e: crate::Error| e.to_string())?;
            evaluate(case, input()?, |t| Ok(t.get("input").gelu(approximate)))
        }
        "silu" => evaluate(case, input()?, |t| Ok(t.get("input").silu())),
        "softplus" => {
            let beta = case.f64_option("beta", 1.0);
            let threshold = case.f64_option("threshold", 20.0);
            evaluate(case, input()?, |t| {
                Ok(t.get("input").softplus(beta, threshold))
            })
        }
        "hardtanh" => {
            let lo = case.f64_option("min_val", -1.0);
            let hi = case.f64_option("max_val", 1.0);
            evaluate(case, input()?, |t| Ok(t.get("input").hardtanh(lo, hi)))
        }
        "cosine_similarity" => {
            let dim = case.i64_option("dim", 1) as isize;
            let eps = case.f64_option("eps", 1e-8);
            evaluate(case, float_inputs(case, &["x1", "x2"])?, |t| {
                cosine_similarity(t.get("x1"), t.get("x2"), dim, eps)
            })
        }
        "pairwise_distance" => {
            let p = case.f64_option("p", 2.0);
            let eps = case.f64_option("eps", 1e-6);
            let keepdim = case.bool_option("keepdim", false);
            evaluate(case, float_inputs(case, &["x1", "x2"])?, |t| {
                pairwise_distance(t.get("x1"), t.get("x2"), p, eps, keepdim)
            })
        }
        other => Outcome::Skip(format!("the function `{other}` is not implemented yet")),
    })
}
