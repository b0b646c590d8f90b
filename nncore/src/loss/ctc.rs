//! Connectionist temporal classification, like `F.ctc_loss` and
//! `nn.CTCLoss`: forward–backward in log space over the blank-extended
//! target, padded or concatenated targets, per-sample lengths.

use super::ctc_alignment::nll_and_jacobian;
use super::ctc_input::CtcInput;
use super::{Loss, Reduction};
use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, LongTensor, Result};

/// The options of [`ctc_loss`], PyTorch's keyword arguments.
#[derive(Clone, Copy, Debug, Default)]
pub struct CtcOptions {
    /// The blank class (default 0).
    pub blank: usize,
    /// The reduction (default mean: each loss divided by its target length,
    /// then the mean over the batch).
    pub reduction: Reduction,
    /// Replace infinite losses (impossible alignments) and their gradients
    /// by 0 (default false).
    pub zero_infinity: bool,
}

struct CtcBackward {
    /// d nll_n / d log_probs, laid out as log_probs `[T, N, C]`.
    jacobian: Vec<f64>,
    batch: usize,
    classes: usize,
    /// Per-sample factor of a reduced output; `None` for reduction none.
    weights: Option<Vec<f64>>,
}

impl<E: Element> Backward<E> for CtcBackward {
    fn name(&self) -> &'static str {
        "CtcLossBackward"
    }
    /// The Jacobian computed by the forward.
    fn saved(&self) -> Saved {
        Saved::NOTHING.buffers()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let g = self
            .jacobian
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                let n = (i / self.classes) % self.batch;
                let w = match &self.weights {
                    Some(w) => w[n] * ctx.grad_output[0].as_f64(),
                    None => ctx.grad_output[n].as_f64(),
                };
                E::of(if d == 0.0 { 0.0 } else { d * w })
            })
            .collect();
        Ok(vec![Some(g)])
    }
}

/// The CTC loss of `log_probs` (`[T, N, C]`, or `[T, C]` unbatched;
/// log-softmax outputs) against `targets` (`[N, S]` padded, or the
/// concatenation of all targets, `[Σ target_lengths]`), like
/// `F.ctc_loss`. An impossible alignment (e.g. a target longer than its
/// input) gives an infinite loss, or 0 (and a zero gradient) with
/// `zero_infinity`; its gradient is never NaN. The gradient is the true
/// derivative with respect to `log_probs` (PyTorch's backward adds
/// `exp(log_probs)` times each sample's weight, which vanishes through a
/// `log_softmax`).
///
/// ```
/// use nncore::{loss::{ctc_loss, CtcOptions}, DynTensor, LongTensor};
/// // Two steps, classes {blank, a}, uniform probabilities: the paths of "a"
/// // are "a a", "a -", "- a", so p = 3/4.
/// let lp = DynTensor::<f64>::full(&[2, 1, 2], 0.5f64.ln()).unwrap();
/// let targets = LongTensor::from_vec(vec![1], &[1, 1]).unwrap();
/// let lens = LongTensor::from_slice(&[2]);
/// let o = CtcOptions { reduction: nncore::loss::Reduction::Sum, ..Default::default() };
/// let l = ctc_loss(&lp, &targets, &lens, &LongTensor::from_slice(&[1]), o).unwrap();
/// assert!((l.item() + 0.75f64.ln()).abs() < 1e-12);
/// ```
#[nnmacro::__compiled_once]
pub fn ctc_loss<E: Element>(
    log_probs: &DynTensor<E>,
    targets: &LongTensor,
    input_lengths: &LongTensor,
    target_lengths: &LongTensor,
    options: CtcOptions,
) -> Result<DynTensor<E>> {
    let input = CtcInput::check(
        log_probs,
        targets,
        input_lengths,
        target_lengths,
        options.blank,
    )?;
    let (losses, jacobian) = nll_and_jacobian(
        &log_probs.to_vec(),
        &input,
        options.blank,
        options.zero_infinity,
    );
    let (data, shape, weights) = reduce(losses, &input, options.reduction);
    let (batch, classes) = (input.batch, input.classes);
    let data = data.into_iter().map(E::of).collect();
    Ok(DynTensor::from_op(data, shape, &[log_probs], || {
        CtcBackward {
            jacobian,
            batch,
            classes,
            weights,
        }
    }))
}

/// The per-sample losses reduced: the values, their shape, and each
/// sample's weight in the result (`None` for reduction none). Mean divides
/// each loss by its target length, then by the batch, as PyTorch does.
fn reduce(
    losses: Vec<f64>,
    input: &CtcInput,
    reduction: Reduction,
) -> (Vec<f64>, Vec<usize>, Option<Vec<f64>>) {
    let batch = input.batch;
    match reduction {
        Reduction::None => {
            let shape = if input.batched { vec![batch] } else { vec![] };
            (losses, shape, None)
        }
        Reduction::Sum => (vec![losses.iter().sum()], vec![], Some(vec![1.0; batch])),
        Reduction::Mean => {
            let w: Vec<f64> = input
                .target_lengths
                .iter()
                .map(|&l| 1.0 / (batch as f64 * l.max(1) as f64))
                .collect();
            let mean = losses.iter().zip(&w).map(|(l, w)| l * w).sum();
            (vec![mean], vec![], Some(w))
        }
    }
}

super::module_macro::loss_builder! {
    /// `nn.CTCLoss` (`blank`, `reduction`, `zero_infinity`). Sequence lengths
    /// are runtime values, so only the runtime-shaped call exists: its
    /// target is `(&targets, &input_lengths, &target_lengths)`.
    ///
    /// ```
    /// use nncore::{loss::{CTCLoss, Loss}, DynTensor, LongTensor};
    /// let lp = DynTensor::<f32>::full(&[3, 1, 2], 0.5f32.ln()).unwrap();
    /// let ctc = CTCLoss::new().zero_infinity(true);
    /// let (targets, input_lengths, target_lengths) =
    ///     (LongTensor::from_slice(&[1, 1]), LongTensor::from_slice(&[3]), LongTensor::from_slice(&[2]));
    /// let l = ctc.forward_dyn(&lp, (&targets, &input_lengths, &target_lengths)).unwrap();
    /// assert!(l.item().is_finite());
    /// ```
    #[derive(Copy)]
    CTCLoss;
    /// The blank class (default 0).
    blank: usize = 0,
    /// Whether infinite losses (impossible alignments) and their gradients
    /// become 0 (default false).
    zero_infinity: bool = false,
}

/// Log-probabilities `[T, N, C]` against `(targets, input_lengths,
/// target_lengths)` (see [`ctc_loss`] for the shapes).
impl Loss<(&LongTensor, &LongTensor, &LongTensor)> for CTCLoss {
    fn forward_dyn(
        &self,
        log_probs: &DynTensor<f32>,
        (targets, input_lengths, target_lengths): (&LongTensor, &LongTensor, &LongTensor),
    ) -> Result<DynTensor<f32>> {
        let options = CtcOptions {
            blank: self.blank,
            reduction: self.reduction,
            zero_infinity: self.zero_infinity,
        };
        ctc_loss(log_probs, targets, input_lengths, target_lengths, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    fn lp(shape: &[usize], seed: u64) -> DynTensor<f64> {
        let d = shape.len() as isize - 1;
        rand64(shape, seed)
            .mul_scalar(2.0)
            .log_softmax(d)
            .unwrap()
            .detach()
            .requires_grad_(true)
    }

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_ctc_over_options() {
        let o = GradcheckOptions::default();
        let x = lp(&[6, 3, 5], 131);
        let padded = LongTensor::from_vec(vec![1, 1, 2, 3, 4, 0, 2, 0, 0], &[3, 3]).unwrap();
        let concat = LongTensor::from_slice(&[1, 1, 2, 3, 4, 2]);
        let il = LongTensor::from_slice(&[6, 4, 5]);
        let tl = LongTensor::from_slice(&[3, 2, 1]);
        for reduction in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            for targets in [&padded, &concat] {
                let opts = CtcOptions {
                    blank: 0,
                    reduction,
                    zero_infinity: false,
                };
                gradcheck(
                    |v| ctc_loss(&v[0], targets, &il, &tl, opts),
                    std::slice::from_ref(&x),
                    o,
                )
                .unwrap();
            }
            // blank = 4, an empty target, and an infeasible sample zeroed.
            let t = LongTensor::from_vec(vec![1, 1, 2, 0, 0, 0, 3, 2, 1], &[3, 3]).unwrap();
            let il = LongTensor::from_slice(&[6, 3, 2]);
            let opts = CtcOptions {
                blank: 4,
                reduction,
                zero_infinity: true,
            };
            gradcheck(
                |v| ctc_loss(&v[0], &t, &il, &LongTensor::from_slice(&[3, 0, 3]), opts),
                std::slice::from_ref(&x),
                o,
            )
            .unwrap();
        }
        let x = lp(&[5, 4], 132);
        let opts = CtcOptions::default();
        gradcheck(
            |v| {
                ctc_loss(
                    &v[0],
                    &LongTensor::from_slice(&[1, 3]),
                    &LongTensor::from_vec(vec![5], &[]).unwrap(),
                    &LongTensor::from_vec(vec![2], &[]).unwrap(),
                    opts,
                )
            },
            &[x],
            o,
        )
        .unwrap();
    }

    #[test]
    fn impossible_alignment_is_inf_or_zero_and_never_nan() {
        let x = lp(&[2, 1, 3], 133);
        let t = LongTensor::from_vec(vec![1, 1, 2], &[1, 3]).unwrap();
        let (il, tl) = (LongTensor::from_slice(&[2]), LongTensor::from_slice(&[3]));
        let sum = CtcOptions {
            reduction: Reduction::Sum,
            ..Default::default()
        };
        let l = ctc_loss(&x, &t, &il, &tl, sum).unwrap();
        assert_eq!(l.item(), f64::INFINITY);
        l.backward().unwrap();
        assert!(x.grad().unwrap().iter().all(|g| !g.is_nan()));
        let zeroed = CtcOptions {
            zero_infinity: true,
            ..sum
        };
        assert_eq!(ctc_loss(&x, &t, &il, &tl, zeroed).unwrap().item(), 0.0);
    }

    #[test]
    fn bad_input_names_the_loss_and_the_argument() {
        let x = lp(&[4, 2, 3], 1);
        let t = LongTensor::from_vec(vec![1, 2, 1, 0], &[2, 2]).unwrap();
        let o = CtcOptions::default();
        let msg = |e: Error| e.to_string();
        let l = |v: &[i64]| LongTensor::from_slice(v);
        assert_eq!(
            msg(ctc_loss(&x, &t, &l(&[5, 4]), &l(&[2, 1]), o).unwrap_err()),
            "ctc_loss: invalid input_lengths: length 5 is longer than the input's 4 time steps"
        );
        assert_eq!(
            msg(ctc_loss(&x, &t, &l(&[-1, 4]), &l(&[2, 1]), o).unwrap_err()),
            "ctc_loss: invalid input_lengths: length -1 is negative"
        );
        assert_eq!(
            msg(ctc_loss(&x, &t, &l(&[4, 4]), &l(&[2, -2]), o).unwrap_err()),
            "ctc_loss: invalid target_lengths: length -2 is negative"
        );
        assert_eq!(
            msg(ctc_loss(&x, &t, &l(&[4, 4]), &l(&[2, 3]), o).unwrap_err()),
            "ctc_loss: invalid target_lengths: length 3 of sample 1 is longer than the targets' 2 columns"
        );
        assert_eq!(
            msg(ctc_loss(&x, &l(&[1, 2, 3]), &l(&[4, 4]), &l(&[2, 1]), o).unwrap_err()),
            "ctc_loss: target 3 is out of range [0, 3)"
        );
        assert_eq!(
            msg(ctc_loss(&x, &t, &l(&[4]), &l(&[2, 1]), o).unwrap_err()),
            "ctc_loss: shape mismatch: expected input_lengths with 2 value(s), one per sample, found [1]"
        );
        let blank = CtcOptions { blank: 3, ..o };
        assert_eq!(
            msg(ctc_loss(&x, &t, &l(&[4, 4]), &l(&[2, 1]), blank).unwrap_err()),
            "ctc_loss: invalid blank: 3 is not a class of [0, 3)"
        );
    }
}
