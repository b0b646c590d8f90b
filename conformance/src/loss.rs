//! The `loss` family: each op name mapped to Kiln's loss function.

use super::Outcome;
use super::case::Case;
use super::harness::{evaluate, float_inputs};
use nncore::loss::{
    ClassTargetOptions, CrossEntropyOptions, GaussianNllOptions, KlDivReduction,
    MultiMarginOptions, PoissonNllOptions, Reduction, Target, TripletMarginOptions,
    binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss, cross_entropy,
    gaussian_nll_loss, hinge_embedding_loss, huber_loss, kl_div, l1_loss, margin_ranking_loss,
    mse_loss, multi_margin_loss, multilabel_margin_loss, multilabel_soft_margin_loss, nll_loss,
    poisson_nll_loss, smooth_l1_loss, soft_margin_loss, triplet_margin_loss,
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

fn perform(case: &Case) -> Result<Outcome, String> {
    if case.op == "ctc_loss" {
        return super::loss_ctc::perform(case);
    }
    if case.op == "kl_div" {
        let r: KlDivReduction = case
            .str_option("reduction", "mean")
            .parse()
            .map_err(|e: crate::Error| e.to_string())?;
        let log_target = case.bool_option("log_target", false);
        let inputs = float_inputs(case, &["input", "target"])?;
        return Ok(evaluate(case, inputs, |t| {
            kl_div(t.get("input"), t.get("target"), r, log_target)
        }));
    }
    let reduction = reduction(case)?;
    let weight = case.tensor_option("weight")?.map(|w| w.to_f64());
    let pair = || float_inputs(case, &["input", "target"]);
    let input_only = || float_inputs(case, &["input"]);
    let margin = |default: f64| case.f64_option("margin", default);
    Ok(match case.op.as_str() {
        "cross_entropy" => {
            let target = case.input("target")?;
            let options = CrossEntropyOptions {
                weight: weight.as_ref(),
                ignore_index: case.i64_option("ignore_index", -100),
                reduction,
                label_smoothing: case.f64_option("label_smoothing", 0.0),
            };
            let mut inputs = input_only()?;
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
            let options = ClassTargetOptions {
                weight: weight.as_ref(),
                ignore_index: case.i64_option("ignore_index", -100),
                reduction,
            };
            evaluate(case, input_only()?, |t| {
                nll_loss(t.get("input"), &target, options)
            })
        }
        "mse_loss" => evaluate(case, pair()?, |t| {
            mse_loss(t.get("input"), t.get("target"), reduction)
        }),
        "l1_loss" => evaluate(case, pair()?, |t| {
            l1_loss(t.get("input"), t.get("target"), reduction)
        }),
        "smooth_l1_loss" => {
            let beta = case.f64_option("beta", 1.0);
            evaluate(case, pair()?, |t| {
                smooth_l1_loss(t.get("input"), t.get("target"), reduction, beta)
            })
        }
        "huber_loss" => {
            let delta = case.f64_option("delta", 1.0);
            evaluate(case, pair()?, |t| {
                huber_loss(t.get("input"), t.get("target"), reduction, delta)
            })
        }
        "binary_cross_entropy" => evaluate(case, pair()?, |t| {
            binary_cross_entropy(t.get("input"), t.get("target"), weight.as_ref(), reduction)
        }),
        "binary_cross_entropy_with_logits" => {
            let pos_weight = case.tensor_option("pos_weight")?.map(|w| w.to_f64());
            evaluate(case, pair()?, |t| {
                binary_cross_entropy_with_logits(
                    t.get("input"),
                    t.get("target"),
                    weight.as_ref(),
                    pos_weight.as_ref(),
                    reduction,
                )
            })
        }
        "margin_ranking_loss" => {
            let m = margin(0.0);
            let inputs = float_inputs(case, &["input1", "input2", "target"])?;
            evaluate(case, inputs, |t| {
                margin_ranking_loss(
                    t.get("input1"),
                    t.get("input2"),
                    t.get("target"),
                    m,
                    reduction,
                )
            })
        }
        "hinge_embedding_loss" => {
            let m = margin(1.0);
            evaluate(case, pair()?, |t| {
                hinge_embedding_loss(t.get("input"), t.get("target"), m, reduction)
            })
        }
        "soft_margin_loss" => evaluate(case, pair()?, |t| {
            soft_margin_loss(t.get("input"), t.get("target"), reduction)
        }),
        "multilabel_soft_margin_loss" => evaluate(case, pair()?, |t| {
            multilabel_soft_margin_loss(t.get("input"), t.get("target"), weight.as_ref(), reduction)
        }),
        "multilabel_margin_loss" => {
            let target = case.input("target")?.to_long();
            evaluate(case, input_only()?, |t| {
                multilabel_margin_loss(t.get("input"), &target, reduction)
            })
        }
        "multi_margin_loss" => {
            let target = case.input("target")?.to_long();
            let options = MultiMarginOptions {
                p: case.i64_option("p", 1),
                margin: margin(1.0),
                weight: weight.as_ref(),
                reduction,
            };
            evaluate(case, input_only()?, |t| {
                multi_margin_loss(t.get("input"), &target, options)
            })
        }
        "cosine_embedding_loss" => {
            let m = margin(0.0);
            let inputs = float_inputs(case, &["input1", "input2", "target"])?;
            evaluate(case, inputs, |t| {
                cosine_embedding_loss(
                    t.get("input1"),
                    t.get("input2"),
                    t.get("target"),
                    m,
                    reduction,
                )
            })
        }
        "triplet_margin_loss" => {
            let options = TripletMarginOptions {
                margin: margin(1.0),
                p: case.f64_option("p", 2.0),
                eps: case.f64_option("eps", 1e-6),
                swap: case.bool_option("swap", false),
                reduction,
            };
            let inputs = float_inputs(case, &["anchor", "positive", "negative"])?;
            evaluate(case, inputs, |t| {
                triplet_margin_loss(
                    t.get("anchor"),
                    t.get("positive"),
                    t.get("negative"),
                    options,
                )
            })
        }
        "poisson_nll_loss" => {
            let options = PoissonNllOptions {
                log_input: case.bool_option("log_input", true),
                full: case.bool_option("full", false),
                eps: case.f64_option("eps", 1e-8),
                reduction,
            };
            evaluate(case, pair()?, |t| {
                poisson_nll_loss(t.get("input"), t.get("target"), options)
            })
        }
        "gaussian_nll_loss" => {
            let options = GaussianNllOptions {
                full: case.bool_option("full", false),
                eps: case.f64_option("eps", 1e-6),
                reduction,
            };
            let inputs = float_inputs(case, &["input", "target", "var"])?;
            evaluate(case, inputs, |t| {
                gaussian_nll_loss(t.get("input"), t.get("target"), t.get("var"), options)
            })
        }
        other => Outcome::Skip(format!("the loss `{other}` is not implemented yet")),
    })
}
