//! The `loss` family: each op name mapped to Kiln's loss function.

use super::Outcome;
use super::case::Case;
use super::harness::{evaluate, float_inputs};
use crate::loss::{
    ClassTargetOptions, CrossEntropyOptions, Reduction, Target, cross_entropy, mse_loss, nll_loss,
};

/// Performs one loss case.
pub(crate) fn run(case: &Case) -> Outcome {
    match perform(case) {
        Ok(outcome) => outcome,
        Err(why) => Outcome::Fail(format!("bad case: {why}")),
    }
}

fn reduction(case: &Case) -> Result<Reduction, String> {
    case.str_option("reduction", "mean")
        .parse()
        .map_err(|e: crate::Error| e.to_string())
}

/// The losses this runner can perform.
const SUPPORTED: &[&str] = &["cross_entropy", "nll_loss", "mse_loss"];

fn perform(case: &Case) -> Result<Outcome, String> {
    if !SUPPORTED.contains(&case.op.as_str()) {
        return Ok(Outcome::Skip(format!(
            "the loss `{}` is not implemented yet",
            case.op
        )));
    }
    let reduction = reduction(case)?;
    Ok(match case.op.as_str() {
        "cross_entropy" => {
            let target = case.input("target")?;
            let weight = case.tensor_option("weight")?.map(|w| w.to_f64());
            let options = CrossEntropyOptions {
                weight: weight.as_ref(),
                ignore_index: case.i64_option("ignore_index", -100),
                reduction,
                label_smoothing: case.f64_option("label_smoothing", 0.0),
            };
            let mut inputs = float_inputs(case, &["input"])?;
            if !target.is_integer() {
                inputs.push(("target".into(), target.clone()));
            }
            evaluate(case, inputs, |t| {
                let x = t.get("input");
                if target.is_integer() {
                    cross_entropy(x, Target::Classes(&target.to_long()), options)
                } else {
                    cross_entropy(x, Target::Probabilities(t.get("target")), options)
                }
            })
        }
        "nll_loss" => {
            let target = case.input("target")?.to_long();
            let weight = case.tensor_option("weight")?.map(|w| w.to_f64());
            let options = ClassTargetOptions {
                weight: weight.as_ref(),
                ignore_index: case.i64_option("ignore_index", -100),
                reduction,
            };
            evaluate(case, float_inputs(case, &["input"])?, |t| {
                nll_loss(t.get("input"), &target, options)
            })
        }
        "mse_loss" => evaluate(case, float_inputs(case, &["input", "target"])?, |t| {
            mse_loss(t.get("input"), t.get("target"), reduction)
        }),
        other => unreachable!("`{other}` is listed in SUPPORTED but not dispatched"),
    })
}
