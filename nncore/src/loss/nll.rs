//! Negative log-likelihood of class indices, like `F.nll_loss`; the core
//! of cross entropy.

use super::Reduction;
use crate::autograd::{Backward, BackwardContext, Saved, input_grads};
use crate::{DynTensor, Element, Error, LongTensor, Result, pool};

/// The options of [`nll_loss`] and cross entropy with class indices.
#[derive(Clone, Debug)]
pub struct ClassTargetOptions<'a, E: Element> {
    /// A manual rescaling weight per class (`[C]`).
    pub weight: Option<&'a DynTensor<E>>,
    /// A target value that is ignored and does not contribute to the mean.
    pub ignore_index: i64,
    /// How the per-sample losses are combined.
    pub reduction: Reduction,
}

impl<E: Element> Default for ClassTargetOptions<'_, E> {
    fn default() -> Self {
        ClassTargetOptions {
            weight: None,
            ignore_index: -100,
            reduction: Reduction::Mean,
        }
    }
}

/// Where each sample's target sits in the input: (flat index into the
/// input, class weight), or `None` for an ignored sample.
pub(crate) struct Picks<E> {
    pub(crate) picks: Vec<Option<(usize, E)>>,
    /// Sum of the weights of the non-ignored samples: the mean's divisor.
    pub(crate) total_weight: E,
}

/// Validates class targets against an input `[N, C, d...]` (or `[C]`) and
/// locates each target's input element.
#[nnmacro::__compiled_once]
pub(crate) fn pick_targets<E: Element>(
    op: &'static str,
    input_shape: &[usize],
    target: &LongTensor,
    weight: Option<&DynTensor<E>>,
    ignore_index: i64,
) -> Result<Picks<E>> {
    let (n, c, inner, rest): (usize, usize, usize, &[usize]) = match input_shape {
        [c] => (1, *c, 1, &[]),
        [n, c, rest @ ..] => (*n, *c, rest.iter().product(), rest),
        _ => {
            return Err(Error::shape(
                op,
                "input of shape [C], [N, C] or [N, C, d1, ...]",
                "a 0-D tensor",
            ));
        }
    };
    // The target's expected shape is [N, d1, ...] ([] for a [C] input),
    // compared without building it: the check runs every training step.
    let target_fits = match (input_shape.len(), target.shape()) {
        (1, []) => true,
        (_, [tn, trest @ ..]) => input_shape.len() > 1 && *tn == n && trest == rest,
        _ => false,
    };
    if !target_fits {
        let expected_target: Vec<usize> = match input_shape {
            [_] => vec![],
            _ => std::iter::once(n).chain(rest.iter().copied()).collect(),
        };
        return Err(Error::shape(
            op,
            format!("target of shape {expected_target:?}"),
            format!("{:?}", target.shape()),
        ));
    }
    let weight_data = match weight {
        Some(w) => {
            w.expect_shape(op, &[c])?;
            Some(w.to_vec())
        }
        None => None,
    };
    let mut picks = pool::take_empty(target.numel());
    let mut total_weight = E::zero();
    for (flat, &t) in target.data().iter().enumerate() {
        if t == ignore_index {
            picks.push(None);
            continue;
        }
        if t < 0 || t as usize >= c {
            return Err(Error::IndexOutOfRange {
                op,
                what: "target",
                index: t,
                bound: c,
            });
        }
        let (sample, position) = (flat / inner, flat % inner);
        let w = weight_data.as_ref().map_or(E::one(), |w| w[t as usize]);
        total_weight += w;
        picks.push(Some(((sample * c + t as usize) * inner + position, w)));
    }
    debug_assert_eq!(picks.len(), n * inner);
    Ok(Picks {
        picks,
        total_weight,
    })
}

struct NllBackward<E> {
    picks: Vec<Option<(usize, E)>>,
    /// Per-sample factor applied to the output gradient (1 or 1/total).
    scale: E,
    reduced: bool,
}

impl<E: Element> Backward<E> for NllBackward<E> {
    fn name(&self) -> &'static str {
        "NllLossBackward"
    }
    /// The picked targets and weights.
    fn saved(&self) -> Saved {
        Saved::NOTHING.buffers()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let mut g = pool::take_zeroed(ctx.inputs[0].numel());
        for (i, pick) in self.picks.iter().enumerate() {
            if let Some((index, w)) = pick {
                let go = if self.reduced {
                    ctx.grad_output[0]
                } else {
                    ctx.grad_output[i]
                };
                g[*index] = -*w * go * self.scale;
            }
        }
        Ok(input_grads([Some(g)]))
    }

    fn release(&mut self) -> bool {
        pool::give_back(std::mem::take(&mut self.picks));
        true
    }
}

/// The negative log-likelihood loss: `-weight[t] * input[n, t]` per
/// sample, like `F.nll_loss`. `input` holds log-probabilities `[N, C]` or
/// `[N, C, d1, ...]`; `target` class indices `[N]` or `[N, d1, ...]`.
/// The mean divides by the summed weights of the non-ignored targets (NaN
/// when every target is ignored, as in PyTorch).
///
/// ```
/// use nncore::{loss::{nll_loss, ClassTargetOptions}, DynTensor, LongTensor};
/// let logp = DynTensor::<f64>::from_vec(vec![-1.0, -2.0, -3.0, -4.0], &[2, 2]).unwrap();
/// let t = LongTensor::from_slice(&[1, 0]);
/// assert_eq!(nll_loss(&logp, &t, ClassTargetOptions::default()).unwrap().item(), 2.5);
/// ```
#[nnmacro::__compiled_once]
pub fn nll_loss<E: Element>(
    input: &DynTensor<E>,
    target: &LongTensor,
    options: ClassTargetOptions<'_, E>,
) -> Result<DynTensor<E>> {
    let Picks {
        picks,
        total_weight,
    } = pick_targets(
        "nll_loss",
        input.shape(),
        target,
        options.weight,
        options.ignore_index,
    )?;
    let x = input.data();
    let per_sample: Vec<E> = pool::take_collected(
        picks
            .iter()
            .map(|p| p.map_or(E::zero(), |(i, w)| -w * x[i])),
    );
    drop(x);
    let (data, shape, scale, reduced) = match options.reduction {
        Reduction::None => (per_sample, target.shape().to_vec(), E::one(), false),
        Reduction::Sum => {
            let s: E = per_sample.iter().copied().sum();
            pool::give_back(per_sample);
            (pool::take_filled(1, s), vec![], E::one(), true)
        }
        Reduction::Mean => {
            let s: E = per_sample.iter().copied().sum();
            pool::give_back(per_sample);
            (
                pool::take_filled(1, s / total_weight),
                vec![],
                E::one() / total_weight,
                true,
            )
        }
    };
    Ok(DynTensor::from_op(data, shape, &[input], || NllBackward {
        picks,
        scale,
        reduced,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults.
    #[test]
    fn gradcheck_nll_loss_all_reductions_with_weight_and_ignore() {
        let x = rand64(&[4, 3, 2], 1).requires_grad_(true);
        let t = LongTensor::from_vec(vec![0, 2, 1, -100, 2, 2, 0, 1], &[4, 2]).unwrap();
        let w = rand64(&[3], 2).add_scalar(2.0).detach();
        for reduction in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            let opts = ClassTargetOptions {
                weight: Some(&w),
                ignore_index: -100,
                reduction,
            };
            gradcheck(
                |v| nll_loss(&v[0], &t, opts.clone()),
                std::slice::from_ref(&x),
                GradcheckOptions::default(),
            )
            .unwrap();
        }
    }

    #[test]
    fn out_of_range_target_is_an_error() {
        let x = rand64(&[2, 3], 1);
        let t = LongTensor::from_slice(&[0, 3]);
        assert_eq!(
            nll_loss(&x, &t, ClassTargetOptions::default())
                .unwrap_err()
                .to_string(),
            "nll_loss: target 3 is out of range [0, 3)"
        );
    }
}
