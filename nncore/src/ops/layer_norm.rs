//! Layer normalisation, like `F.layer_norm`: statistics over the last
//! dimensions (`normalized_shape`) of each sample.

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Error, Result};

struct LayerNormBackward<E> {
    k: usize,
    xhat: Vec<E>,
    invstd: Vec<E>,
    has_weight: bool,
    has_bias: bool,
}

impl<E: Element> Backward<E> for LayerNormBackward<E> {
    fn name(&self) -> &'static str {
        "NativeLayerNormBackward"
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
        let k = self.k;
        let kf = E::of(k as f64);
        let dy = ctx.grad_output;
        let w = self.has_weight.then(|| ctx.inputs[1].to_vec());
        let mut gx = vec![E::zero(); dy.len()];
        let mut gw = vec![E::zero(); k];
        let mut gb = vec![E::zero(); k];
        for (row, (dy, xh)) in dy.chunks(k).zip(self.xhat.chunks(k)).enumerate() {
            let mut s = E::zero();
            let mut sx = E::zero();
            for j in 0..k {
                let d = w.as_ref().map_or(dy[j], |w| dy[j] * w[j]);
                s += d;
                sx += d * xh[j];
                gw[j] += dy[j] * xh[j];
                gb[j] += dy[j];
            }
            for j in 0..k {
                let d = w.as_ref().map_or(dy[j], |w| dy[j] * w[j]);
                gx[row * k + j] = self.invstd[row] / kf * (kf * d - s - xh[j] * sx);
            }
        }
        let mut grads = vec![ctx.needs[0].then_some(gx)];
        if self.has_weight {
            grads.push(ctx.needs[1].then_some(gw));
        }
        if self.has_bias {
            grads.push(ctx.needs[grads.len()].then_some(gb));
        }
        Ok(grads)
    }
}

/// Normalises `input` over its last dimensions, which must equal
/// `normalized_shape`, like `F.layer_norm(input, normalized_shape, weight,
/// bias, eps)`: `y = (x - mean) / √(var + eps) · weight + bias` with the
/// biased variance of each sample; `weight` and `bias` have shape
/// `normalized_shape`.
///
/// ```
/// use nncore::{ops::layer_norm, DynTensor};
/// let x = DynTensor::<f64>::from_vec(vec![1.0, 3.0, 5.0, 7.0], &[2, 2]).unwrap();
/// let y = layer_norm(&x, &[2], None, None, 1e-5).unwrap();
/// assert!((y.to_vec()[0] + 1.0).abs() < 1e-4 && (y.to_vec()[3] - 1.0).abs() < 1e-4);
/// ```
#[nnmacro::__compiled_once]
pub fn layer_norm<E: Element>(
    input: &DynTensor<E>,
    normalized_shape: &[usize],
    weight: Option<&DynTensor<E>>,
    bias: Option<&DynTensor<E>>,
    eps: f64,
) -> Result<DynTensor<E>> {
    const OP: &str = "LayerNorm";
    let r = input.rank();
    let d = normalized_shape.len();
    if d == 0 || r < d || input.shape()[r - d..] != *normalized_shape {
        return Err(Error::shape(
            OP,
            format!("an input of shape [*, {}]", join(normalized_shape)),
            format!("{:?}", input.shape()),
        ));
    }
    if let Some(w) = weight {
        w.expect_shape("LayerNorm (weight)", normalized_shape)?;
    }
    if let Some(b) = bias {
        b.expect_shape("LayerNorm (bias)", normalized_shape)?;
    }
    let k: usize = normalized_shape.iter().product();
    let x = input.to_vec();
    let mut xhat = vec![E::zero(); x.len()];
    let mut invstd = Vec::with_capacity(x.len() / k.max(1));
    for (row, xh) in x.chunks(k).zip(xhat.chunks_mut(k)) {
        let mean = row.iter().map(|v| v.as_f64()).sum::<f64>() / k as f64;
        let var = row.iter().map(|v| (v.as_f64() - mean).powi(2)).sum::<f64>() / k as f64;
        let is = 1.0 / (var + eps).sqrt();
        for (o, &v) in xh.iter_mut().zip(row) {
            *o = E::of((v.as_f64() - mean) * is);
        }
        invstd.push(E::of(is));
    }
    let (w, b) = (weight.map(|w| w.to_vec()), bias.map(|b| b.to_vec()));
    let y = xhat
        .iter()
        .enumerate()
        .map(|(i, &xh)| {
            let j = i % k;
            let s = w.as_ref().map_or(xh, |w| xh * w[j]);
            b.as_ref().map_or(s, |b| s + b[j])
        })
        .collect();
    let mut inputs = vec![input];
    inputs.extend(weight);
    inputs.extend(bias);
    Ok(DynTensor::from_op(y, input.shape(), &inputs, || {
        LayerNormBackward {
            k,
            xhat,
            invstd,
            has_weight: weight.is_some(),
            has_bias: bias.is_some(),
        }
    }))
}

fn join(dims: &[usize]) -> String {
    dims.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    #[test]
    fn gradcheck_layer_norm() {
        let x = rand64(&[3, 2, 3], 1).requires_grad_(true);
        let w = rand64(&[2, 3], 2).requires_grad_(true);
        let b = rand64(&[2, 3], 3).requires_grad_(true);
        gradcheck(
            |t| layer_norm(&t[0], &[2, 3], Some(&t[1]), Some(&t[2]), 1e-5),
            &[x.clone(), w.clone(), b],
            GradcheckOptions::default(),
        )
        .unwrap();
        gradcheck(
            |t| layer_norm(&t[0], &[3], None, None, 1e-3),
            std::slice::from_ref(&x),
            GradcheckOptions::default(),
        )
        .unwrap();
        gradcheck(
            |t| layer_norm(&t[0], &[2, 3], Some(&t[1]), None, 1e-5),
            &[x, w],
            GradcheckOptions::default(),
        )
        .unwrap();
    }

    #[test]
    fn wrong_trailing_shape_is_an_error() {
        let err = layer_norm(&rand64(&[2, 5], 1), &[4], None, None, 1e-5).unwrap_err();
        assert_eq!(
            err.to_string(),
            "LayerNorm: shape mismatch: expected an input of shape [*, 4], found [2, 5]"
        );
    }
}
