//! Batch normalisation, like `F.batch_norm`: per-channel statistics over
//! the batch and spatial dimensions of `(N, C, *)`, with the running
//! statistics updated in place in training mode.

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Error, Result};

/// The options of [`batch_norm`], as `F.batch_norm` takes them.
///
/// ```
/// use nncore::ops::BatchNormOptions;
/// let o = BatchNormOptions::default();
/// assert_eq!((o.training, o.momentum, o.eps), (false, 0.1, 1e-5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchNormOptions {
    /// Normalise with the batch's statistics (and update the running ones).
    pub training: bool,
    /// The weight of the batch's statistics in the running update
    /// (`running = (1 - momentum)·running + momentum·batch`).
    pub momentum: f64,
    /// Added to the variance before the square root.
    pub eps: f64,
}

impl Default for BatchNormOptions {
    fn default() -> Self {
        BatchNormOptions {
            training: false,
            momentum: 0.1,
            eps: 1e-5,
        }
    }
}

/// The weight of a batch in the running statistics, as `nn.BatchNorm`
/// computes it after incrementing `num_batches_tracked`: `momentum`, or
/// for `momentum=None` the cumulative average `1 / num_batches_tracked`.
///
/// ```
/// use nncore::ops::batch_norm_momentum;
/// assert_eq!(batch_norm_momentum(Some(0.1), 7), 0.1);
/// assert_eq!(batch_norm_momentum(None, 4), 0.25);
/// ```
pub fn batch_norm_momentum(momentum: Option<f64>, num_batches_tracked: u64) -> f64 {
    match momentum {
        Some(m) => m,
        None => 1.0 / num_batches_tracked.max(1) as f64,
    }
}

struct BatchNormBackward<E> {
    channels: usize,
    inner: usize,
    xhat: Vec<E>,
    invstd: Vec<E>,
    batch_stats: bool,
    has_weight: bool,
    has_bias: bool,
}

impl<E: Element> Backward<E> for BatchNormBackward<E> {
    fn name(&self) -> &'static str {
        "NativeBatchNormBackward"
    }
    /// The normalised input and inverse deviations, and the weight.
    fn saved(&self) -> Saved {
        let saved = Saved::NOTHING.buffers();
        if self.has_weight {
            saved.input(1)
        } else {
            saved
        }
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let (c, inner) = (self.channels, self.inner);
        let dy = ctx.grad_output;
        let m = dy.len() / c;
        let weight = self.has_weight.then(|| ctx.inputs[1].to_vec());
        let mut sum_dy = vec![E::zero(); c];
        let mut sum_dy_xhat = vec![E::zero(); c];
        for (i, (&g, &xh)) in dy.iter().zip(&self.xhat).enumerate() {
            let ch = (i / inner) % c;
            sum_dy[ch] += g;
            sum_dy_xhat[ch] += g * xh;
        }
        let mut grads = Vec::new();
        grads.push(ctx.needs[0].then(|| {
            let mf = E::of(m as f64);
            dy.iter()
                .zip(&self.xhat)
                .enumerate()
                .map(|(i, (&g, &xh))| {
                    let ch = (i / inner) % c;
                    let scale = weight.as_ref().map_or(E::one(), |w| w[ch]) * self.invstd[ch];
                    if self.batch_stats {
                        scale / mf * (mf * g - sum_dy[ch] - xh * sum_dy_xhat[ch])
                    } else {
                        scale * g
                    }
                })
                .collect()
        }));
        if self.has_weight {
            grads.push(ctx.needs[1].then(|| sum_dy_xhat.clone()));
        }
        if self.has_bias {
            grads.push(ctx.needs[grads.len()].then(|| sum_dy.clone()));
        }
        Ok(grads)
    }
}

/// Normalises `input` `(N, C, *)` per channel, like `F.batch_norm(input,
/// running_mean, running_var, weight, bias, training, momentum, eps)`:
/// `y = (x - mean) / √(var + eps) · weight + bias`.
///
/// In training mode (or without running statistics) mean and biased
/// variance come from the batch, and the running statistics, if given,
/// are updated in place (the variance with Bessel's correction, as
/// PyTorch does). Otherwise the running statistics are used. Training mode
/// needs more than one value per channel, except that an empty batch gives
/// an empty output and leaves the running statistics alone, as in PyTorch.
///
/// ```
/// use nncore::{ops::{batch_norm, BatchNormOptions}, DynTensor};
/// let x = DynTensor::<f64>::from_vec(vec![1.0, 3.0], &[2, 1]).unwrap();
/// let (rm, rv) = (DynTensor::zeros(&[1]).unwrap(), DynTensor::ones(&[1]).unwrap());
/// let o = BatchNormOptions { training: true, ..Default::default() };
/// let y = batch_norm(&x, Some((&rm, &rv)), None, None, o).unwrap();
/// assert!((y.to_vec()[0] + 1.0).abs() < 1e-4);
/// assert!((rm.to_vec()[0] - 0.2).abs() < 1e-12); // 0.9·0 + 0.1·2
/// assert!((rv.to_vec()[0] - 1.1).abs() < 1e-12); // 0.9·1 + 0.1·2 (unbiased)
/// ```
#[nnmacro::__compiled_once]
pub fn batch_norm<E: Element>(
    input: &DynTensor<E>,
    running: Option<(&DynTensor<E>, &DynTensor<E>)>,
    weight: Option<&DynTensor<E>>,
    bias: Option<&DynTensor<E>>,
    options: BatchNormOptions,
) -> Result<DynTensor<E>> {
    const OP: &str = "BatchNorm";
    if input.rank() < 2 {
        return Err(Error::shape(
            OP,
            "an input (batch, channels, *) of at least 2 dimensions",
            format!("a {}-D tensor {:?}", input.rank(), input.shape()),
        ));
    }
    let c = input.shape()[1];
    let inner: usize = input.shape()[2..].iter().product();
    let m = input.shape()[0] * inner;
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let Some(t) = t {
            t.expect_shape(
                if name == "weight" {
                    "BatchNorm (weight)"
                } else {
                    "BatchNorm (bias)"
                },
                &[c],
            )?;
        }
    }
    if let Some((rm, rv)) = running {
        rm.expect_shape("BatchNorm (running_mean)", &[c])?;
        rv.expect_shape("BatchNorm (running_var)", &[c])?;
    }
    let batch_stats = options.training || running.is_none();
    // PyTorch refuses exactly one value per channel (`size_prods == 1`);
    // an empty batch passes through.
    if batch_stats && m == 1 {
        return Err(Error::option(
            OP,
            "input",
            format!(
                "Expected more than 1 value per channel when training, got input size {:?}",
                input.shape()
            ),
        ));
    }
    let x = input.data();
    let (mean, var) = if batch_stats {
        let mut mean = vec![0f64; c];
        let mut sq = vec![0f64; c];
        for (i, &v) in x.iter().enumerate() {
            mean[(i / inner) % c] += v.as_f64();
        }
        mean.iter_mut().for_each(|s| *s /= m as f64);
        for (i, &v) in x.iter().enumerate() {
            let ch = (i / inner) % c;
            let d = v.as_f64() - mean[ch];
            sq[ch] += d * d;
        }
        let var: Vec<f64> = sq.iter().map(|s| s / m as f64).collect();
        if let (Some((rm, rv)), true, true) = (running, options.training, m > 0) {
            let mom = options.momentum;
            let mut rm = rm.data_mut();
            let mut rv = rv.data_mut();
            for ch in 0..c {
                rm[ch] = E::of((1.0 - mom) * rm[ch].as_f64() + mom * mean[ch]);
                let unbiased = sq[ch] / (m - 1) as f64;
                rv[ch] = E::of((1.0 - mom) * rv[ch].as_f64() + mom * unbiased);
            }
        }
        (mean, var)
    } else {
        let (rm, rv) = running.expect("batch_stats is false only with running stats");
        let mean = rm.to_vec().iter().map(|v| v.as_f64()).collect();
        let var = rv.to_vec().iter().map(|v| v.as_f64()).collect();
        (mean, var)
    };
    let invstd: Vec<E> = var
        .iter()
        .map(|v| E::of(1.0 / (v + options.eps).sqrt()))
        .collect();
    let mean: Vec<E> = mean.into_iter().map(E::of).collect();
    let xhat: Vec<E> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let ch = (i / inner) % c;
            (v - mean[ch]) * invstd[ch]
        })
        .collect();
    drop(x);
    let (w, b) = (weight.map(|w| w.to_vec()), bias.map(|b| b.to_vec()));
    let y: Vec<E> = xhat
        .iter()
        .enumerate()
        .map(|(i, &xh)| {
            let ch = (i / inner) % c;
            let scaled = w.as_ref().map_or(xh, |w| xh * w[ch]);
            b.as_ref().map_or(scaled, |b| scaled + b[ch])
        })
        .collect();
    let mut inputs = vec![input];
    inputs.extend(weight);
    inputs.extend(bias);
    Ok(DynTensor::from_op(y, input.shape(), &inputs, || {
        BatchNormBackward {
            channels: c,
            inner,
            xhat,
            invstd,
            batch_stats,
            has_weight: weight.is_some(),
            has_bias: bias.is_some(),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    #[test]
    fn gradcheck_batch_norm_train_and_eval() {
        for training in [true, false] {
            let x = rand64(&[3, 2, 4], 1).requires_grad_(true);
            let w = rand64(&[2], 2).requires_grad_(true);
            let b = rand64(&[2], 3).requires_grad_(true);
            let o = BatchNormOptions {
                training,
                ..Default::default()
            };
            gradcheck(
                |t| {
                    // Fresh running stats per call: the update is not part of the function.
                    let rm = DynTensor::from_vec(vec![0.1, -0.2], &[2]).unwrap();
                    let rv = DynTensor::from_vec(vec![0.5, 2.0], &[2]).unwrap();
                    batch_norm(&t[0], Some((&rm, &rv)), Some(&t[1]), Some(&t[2]), o)
                },
                &[x, w, b],
                GradcheckOptions::default(),
            )
            .unwrap_or_else(|e| panic!("training={training}: {e}"));
        }
        let x = rand64(&[4, 3], 4).requires_grad_(true);
        gradcheck(
            |t| batch_norm(&t[0], None, None, None, BatchNormOptions::default()),
            &[x],
            GradcheckOptions::default(),
        )
        .unwrap();
    }

    #[test]
    fn one_value_per_channel_is_an_error_in_training() {
        let x = rand64(&[1, 3], 1);
        let o = BatchNormOptions {
            training: true,
            ..Default::default()
        };
        assert_eq!(
            batch_norm(&x, None, None, None, o).unwrap_err().to_string(),
            "BatchNorm: invalid input: Expected more than 1 value per channel when training, got input size [1, 3]"
        );
        let err =
            batch_norm(&rand64(&[2, 3], 1), None, Some(&rand64(&[2], 1)), None, o).unwrap_err();
        assert_eq!(
            err.to_string(),
            "BatchNorm (weight): shape mismatch: expected [3], found [2]"
        );
    }
}
