//! `ctc_loss` cases: integer targets and lengths, and PyTorch's gradient
//! convention. PyTorch's backward returns the derivative as if
//! `log_probs` came out of `log_softmax` — Kiln's true derivative plus
//! `w_n * exp(log_probs[t, n, :])` for `t < input_lengths[n]` (w_n: the
//! sample's weight in the output; 0 for samples zeroed by
//! `zero_infinity`) — so the runner adds that term before comparing.

use super::Outcome;
use super::case::Case;
use super::compare::{Tolerance, compare};
use crate::autograd::backward_with;
use nncore::loss::{CtcOptions, Reduction, ctc_loss};

pub(crate) fn perform(case: &Case) -> Result<Outcome, String> {
    let reduction: Reduction = case
        .str_option("reduction", "mean")
        .parse()
        .map_err(|e: crate::Error| e.to_string())?;
    let blank = case.i64_option("blank", 0);
    let options = CtcOptions {
        blank: usize::try_from(blank).map_err(|_| format!("blank {blank} is negative"))?,
        reduction,
        zero_infinity: case.bool_option("zero_infinity", false),
    };
    let wanted = case.requires_grad().contains(&"log_probs".to_string());
    let lp = case.input("log_probs")?.to_f64().requires_grad_(wanted);
    let targets = case.input("targets")?.to_long();
    let input_lengths = case.input("input_lengths")?.to_long();
    let target_lengths = case.input("target_lengths")?.to_long();
    let result = ctc_loss(&lp, &targets, &input_lengths, &target_lengths, options);
    let out = match (result, case.expects_error()) {
        (Err(_), true) => return Ok(Outcome::Pass),
        (Err(e), false) => return Ok(Outcome::Fail(format!("Kiln error: {e}"))),
        (Ok(out), true) => {
            return Ok(Outcome::Fail(format!(
                "PyTorch rejects this case but Kiln returned a value of shape {:?}",
                out.shape()
            )));
        }
        (Ok(out), false) => out,
    };
    let tol = Tolerance::of(case);
    let expected = case.expected_output()?;
    if let Err(why) = compare("output", out.shape(), &out.to_vec(), &expected, tol) {
        return Ok(Outcome::Fail(why));
    }
    if !wanted {
        return Ok(Outcome::Pass);
    }
    let Some(expected_grad) = case.expected_grad("log_probs")? else {
        return Ok(Outcome::Pass);
    };
    let grad_output = match case.grad_output()? {
        Some(g) => g.data,
        None => vec![1.0; out.numel()],
    };
    let losses = ctc_loss(
        &lp.detach(),
        &targets,
        &input_lengths,
        &target_lengths,
        CtcOptions {
            reduction: Reduction::None,
            zero_infinity: false,
            ..options
        },
    )
    .map_err(|e| e.to_string())?
    .to_vec();
    if let Err(e) = backward_with(&out, grad_output.clone()) {
        return Ok(Outcome::Fail(format!("backward failed: {e}")));
    }
    let shape = lp.shape().to_vec();
    let (steps, classes) = (shape[0], *shape.last().unwrap_or(&1));
    let batch = losses.len();
    let mut grad = lp.grad().unwrap_or_else(|| vec![0.0; lp.numel()]);
    let values = lp.to_vec();
    for n in 0..batch {
        if options.zero_infinity && losses[n].is_infinite() {
            continue;
        }
        let w = match reduction {
            Reduction::None => grad_output[n],
            Reduction::Sum => grad_output[0],
            Reduction::Mean => {
                let len = target_lengths.data()[n].max(1) as f64;
                grad_output[0] / (batch as f64 * len)
            }
        };
        let steps_n = (input_lengths.data()[n].max(0) as usize).min(steps);
        for t in 0..steps_n {
            for c in 0..classes {
                let i = (t * batch + n) * classes + c;
                grad[i] += w * values[i].exp();
            }
        }
    }
    Ok(
        match compare("grad of log_probs", &shape, &grad, &expected_grad, tol) {
            Ok(()) => Outcome::Pass,
            Err(why) => Outcome::Fail(why),
        },
    )
}
