//! `scaled_dot_product_attention`, like `F.scaled_dot_product_attention`
//! (PyTorch's math backend): `softmax(q·kᵀ·scale + bias)·v`, composed of
//! `bmm`, an add and a "safe" softmax whose fully masked rows are zeros
//! (PyTorch's `_safe_softmax`), so a query that may see no key gives 0, not NaN.

use super::attention_mask::AttnMask;
use crate::autograd::{Backward, BackwardContext, Saved, input_grads};
use crate::kernels::softmax::{softmax_backward, softmax_forward};
use crate::{DynTensor, Element, Error, Result, pool};

/// The keyword arguments of `F.scaled_dot_product_attention` after
/// `query, key, value`.
///
/// ```
/// use nncore::ops::SdpaOptions;
/// let o = SdpaOptions::<f32>::new().is_causal(true).scale(0.5);
/// assert!(o.is_causal && o.attn_mask.is_none());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SdpaOptions<'a, E: Element = f32> {
    /// `attn_mask`: broadcast to `(..., L, S)`; a `true` takes part.
    pub attn_mask: Option<AttnMask<'a, E>>,
    /// `dropout_p`: dropout on the attention weights (0 = none). Like
    /// PyTorch's function, it applies whenever it is above 0: pass 0 in
    /// evaluation.
    pub dropout_p: f64,
    /// `is_causal`: a query sees only the keys up to its own position.
    pub is_causal: bool,
    /// `scale`: `1/√E` when `None`.
    pub scale: Option<f64>,
}

impl<E: Element> Default for SdpaOptions<'_, E> {
    fn default() -> Self {
        SdpaOptions {
            attn_mask: None,
            dropout_p: 0.0,
            is_causal: false,
            scale: None,
        }
    }
}

impl<'a, E: Element> SdpaOptions<'a, E> {
    /// PyTorch's defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `attn_mask`.
    pub fn attn_mask(mut self, mask: impl Into<AttnMask<'a, E>>) -> Self {
        self.attn_mask = Some(mask.into());
        self
    }
    /// Sets `dropout_p`.
    pub fn dropout_p(mut self, p: f64) -> Self {
        self.dropout_p = p;
        self
    }
    /// Sets `is_causal`.
    pub fn is_causal(mut self, causal: bool) -> Self {
        self.is_causal = causal;
        self
    }
    /// Sets `scale`.
    pub fn scale(mut self, scale: f64) -> Self {
        self.scale = Some(scale);
        self
    }
}

const OP: &str = "scaled_dot_product_attention";

/// Attention of `query` `(..., L, E)` over `key` `(..., S, E)` and `value`
/// `(..., S, Ev)`, giving `(..., L, Ev)`, like
/// `F.scaled_dot_product_attention(query, key, value, attn_mask, dropout_p,
/// is_causal, scale)`. The leading dimensions of the three must agree;
/// `attn_mask` broadcasts to `(..., L, S)`.
///
/// ```
/// use nncore::ops::{scaled_dot_product_attention, BoolMask, SdpaOptions};
/// use nncore::DynTensor;
/// let q = DynTensor::<f64>::from_vec(vec![1.0, 0.0], &[2, 1])?;
/// let k = DynTensor::<f64>::from_vec(vec![1.0, -1.0], &[2, 1])?;
/// let v = DynTensor::<f64>::from_vec(vec![10.0, 20.0], &[2, 1])?;
/// // Causal: the first query sees only the first key.
/// let y = scaled_dot_product_attention(&q, &k, &v, SdpaOptions::new().is_causal(true))?;
/// assert_eq!(y.to_vec(), vec![10.0, 15.0]);
/// // A boolean mask: `true` takes part; a query that sees nothing gives 0.
/// let none = BoolMask::new(vec![false, false, true, true], &[2, 2])?;
/// let y = scaled_dot_product_attention(&q, &k, &v, SdpaOptions::new().attn_mask(&none))?;
/// assert_eq!(y.to_vec(), vec![0.0, 15.0]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[nnmacro::__compiled_once]
pub fn scaled_dot_product_attention<E: Element>(
    query: &DynTensor<E>,
    key: &DynTensor<E>,
    value: &DynTensor<E>,
    o: SdpaOptions<'_, E>,
) -> Result<DynTensor<E>> {
    let (qs, ks, vs) = (query.shape(), key.shape(), value.shape());
    if qs.len() < 2 || ks.len() < 2 || vs.len() < 2 {
        return Err(Error::shape(
            OP,
            "query, key and value of at least 2 dimensions",
            format!(
                "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: {} key.dim: {} and value.dim: {} instead.",
                qs.len(),
                ks.len(),
                vs.len()
            ),
        ));
    }
    let r = qs.len();
    let (l, e) = (qs[r - 2], qs[r - 1]);
    let (s, ev) = (ks[ks.len() - 2], vs[vs.len() - 1]);
    let lead = &qs[..r - 2];
    if ks.len() != r || vs.len() != r || ks[..r - 2] != *lead || vs[..r - 2] != *lead {
        return Err(Error::shape(
            OP,
            format!("key and value with the leading dimensions {lead:?} of query"),
            format!("query {qs:?}, key {ks:?}, value {vs:?}"),
        ));
    }
    if ks[r - 1] != e {
        return Err(Error::shape(
            OP,
            format!("a key with query's embedding size {e} in its last dimension"),
            format!("{ks:?}"),
        ));
    }
    if vs[r - 2] != s {
        return Err(Error::shape(
            OP,
            format!("a value with key's sequence length {s} in dimension -2"),
            format!("{vs:?}"),
        ));
    }
    if !(0.0..=1.0).contains(&o.dropout_p) {
        return Err(Error::option(
            OP,
            "dropout_p",
            format!(
                "dropout probability has to be between 0 and 1, but got {}",
                crate::py_float(o.dropout_p)
            ),
        ));
    }
    if o.is_causal && o.attn_mask.is_some() {
        return Err(Error::option(
            OP,
            "attn_mask",
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True",
        ));
    }
    let batch: usize = lead.iter().product();
    let scale = o.scale.unwrap_or(1.0 / (e as f64).sqrt());
    let q = query.reshaped([batch, l, e]);
    let kt = key.reshaped([batch, s, e]).transpose(1, 2)?;
    let mut scores = super::bmm(&q, &kt)?.mul_scalar(E::of(scale));
    let mut out_shape = lead.to_vec();
    out_shape.extend([l, s]);
    scores = scores.reshaped(&out_shape);
    let bias = match o.attn_mask {
        _ if o.is_causal => Some(causal_bias(l, s)),
        Some(mask) => {
            check_broadcast(mask.shape(), &out_shape)?;
            Some(mask.to_float(false))
        }
        None => None,
    };
    let scores = match bias {
        Some(b) => scores.add(&b)?,
        None => scores,
    };
    let mut weights = safe_softmax(&scores);
    if o.dropout_p > 0.0 {
        weights = super::dropout(&weights, o.dropout_p, true)?;
    }
    let y = super::bmm(
        &weights.reshaped([batch, l, s]),
        &value.reshaped([batch, s, ev]),
    )?;
    let mut y_shape = lead.to_vec();
    y_shape.extend([l, ev]);
    Ok(y.reshaped(y_shape))
}

/// PyTorch's `tril(ones(L, S))` as a bias: `-inf` where column > row
/// (for L ≠ S too).
fn causal_bias<E: Element>(l: usize, s: usize) -> DynTensor<E> {
    let data = (0..l * s)
        .map(|k| {
            E::of(if k % s <= k / s {
                0.0
            } else {
                f64::NEG_INFINITY
            })
        })
        .collect();
    DynTensor::from_vec(data, &[l, s]).expect("l·s values")
}

/// The mask must broadcast to the scores' shape (PyTorch's wording).
fn check_broadcast(mask: &[usize], scores: &[usize]) -> Result<()> {
    let fits = mask.len() <= scores.len()
        && mask
            .iter()
            .rev()
            .zip(scores.iter().rev())
            .all(|(&m, &s)| m == s || m == 1);
    if fits {
        Ok(())
    } else {
        Err(Error::shape(
            OP,
            format!("an attn_mask that broadcasts to the scores' shape {scores:?}"),
            format!("{mask:?}"),
        ))
    }
}

struct SafeSoftmaxBackward {
    rows: usize,
    n: usize,
}

impl<E: Element> Backward<E> for SafeSoftmaxBackward {
    fn name(&self) -> &'static str {
        "SafeSoftmaxBackward"
    }
    /// The output only (a fully masked row's zeros give a zero gradient).
    fn saved(&self) -> Saved {
        Saved::NOTHING.output()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let mut gx = pool::take_overwritable(ctx.output.len());
        softmax_backward(self.rows, self.n, 1, ctx.output, ctx.grad_output, &mut gx);
        Ok(input_grads([Some(gx)]))
    }
}

/// Softmax over the last dimension whose rows of only `-inf` are zeros
/// (PyTorch's `_safe_softmax`, what sdpa uses).
fn safe_softmax<E: Element>(x: &DynTensor<E>) -> DynTensor<E> {
    let n = x.shape().last().copied().unwrap_or(1).max(1);
    let rows = x.numel() / n;
    let mut y = pool::take_overwritable(x.numel());
    {
        let xs = x.data();
        softmax_forward(rows, n, 1, &xs, &mut y);
        let minus_inf = E::of(f64::NEG_INFINITY);
        for (xr, yr) in xs.chunks_exact(n).zip(y.chunks_exact_mut(n)) {
            if xr.iter().all(|&v| v == minus_inf) {
                yr.fill(E::zero());
            }
        }
    }
    DynTensor::from_op(y, x.shape(), &[x], || SafeSoftmaxBackward { rows, n })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::ops::BoolMask;
    use crate::test_util::rand64;

    fn leaf(shape: &[usize], seed: u64) -> DynTensor<f64> {
        rand64(shape, seed).requires_grad_(true)
    }

    // PyTorch 2.15: F.scaled_dot_product_attention(q, k, v, is_causal=True)
    // with q = k = [[1], [0]]·…, checked by hand: row 0 sees key 0 only.
    #[test]
    fn causal_rows_see_only_earlier_keys() {
        let q = DynTensor::<f64>::from_vec(vec![1.0, 2.0, 3.0], &[3, 1]).unwrap();
        let v = DynTensor::<f64>::from_vec(vec![1.0, 2.0, 3.0], &[3, 1]).unwrap();
        let y = scaled_dot_product_attention(&q, &q, &v, SdpaOptions::new().is_causal(true))
            .unwrap()
            .to_vec();
        assert_eq!(y[0], 1.0);
        let (a, b) = (2f64.exp(), 4f64.exp());
        assert!((y[1] - (a + 2.0 * b) / (a + b)).abs() < 1e-12);
    }

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_with_masks_causal_and_scale() {
        let (q, k, v) = (
            leaf(&[2, 3, 4], 1),
            leaf(&[2, 5, 4], 2),
            leaf(&[2, 5, 3], 3),
        );
        let float_mask = rand64(&[3, 5], 4).requires_grad_(true);
        let keep = BoolMask::new((0..15).map(|i| i % 4 != 1).collect(), &[3, 5]).unwrap();
        let inputs = [q.clone(), k.clone(), v.clone(), float_mask];
        type Case = fn(&[DynTensor<f64>], &BoolMask) -> Result<DynTensor<f64>>;
        let g = |o: Case| gradcheck(|t| o(t, &keep), &inputs, GradcheckOptions::default()).unwrap();
        g(|t, _| scaled_dot_product_attention(&t[0], &t[1], &t[2], SdpaOptions::new()));
        g(|t, _| {
            let o = SdpaOptions::new().attn_mask(&t[3]).scale(0.3);
            scaled_dot_product_attention(&t[0], &t[1], &t[2], o)
        });
        g(|t, m| {
            scaled_dot_product_attention(&t[0], &t[1], &t[2], SdpaOptions::new().attn_mask(m))
        });
        g(|t, _| {
            scaled_dot_product_attention(&t[0], &t[1], &t[2], SdpaOptions::new().is_causal(true))
        });
    }

    #[test]
    fn errors_use_pytorchs_words() {
        let (q, k) = (rand64(&[2, 3, 4], 1), rand64(&[2, 5, 4], 2));
        let mask = BoolMask::causal(3);
        let err = |r: Result<DynTensor<f64>>| r.unwrap_err().to_string();
        assert_eq!(
            err(scaled_dot_product_attention(
                &q,
                &k,
                &k,
                SdpaOptions::new().attn_mask(&mask).is_causal(true)
            )),
            "scaled_dot_product_attention: invalid attn_mask: _scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True"
        );
        assert_eq!(
            err(scaled_dot_product_attention(
                &q,
                &k,
                &k,
                SdpaOptions::new().attn_mask(&mask)
            )),
            "scaled_dot_product_attention: shape mismatch: expected an attn_mask that broadcasts to the scores' shape [2, 3, 5], found [3, 3]"
        );
        assert_eq!(
            err(scaled_dot_product_attention(
                &q,
                &k,
                &k,
                SdpaOptions::new().dropout_p(1.5)
            )),
            "scaled_dot_product_attention: invalid dropout_p: dropout probability has to be between 0 and 1, but got 1.5"
        );
        let v1 = rand64(&[4], 1);
        assert_eq!(
            err(scaled_dot_product_attention(
                &v1,
                &v1,
                &v1,
                SdpaOptions::new()
            )),
            "scaled_dot_product_attention: shape mismatch: expected query, key and value of at least 2 dimensions, found Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: 1 key.dim: 1 and value.dim: 1 instead."
        );
        assert_eq!(
            err(scaled_dot_product_attention(
                &q,
                &rand64(&[2, 5, 3], 1),
                &k,
                SdpaOptions::new()
            )),
            "scaled_dot_product_attention: shape mismatch: expected a key with query's embedding size 4 in its last dimension, found [2, 5, 3]"
        );
        assert_eq!(
            err(scaled_dot_product_attention(
                &q,
                &k,
                &rand64(&[2, 4, 4], 1),
                SdpaOptions::new()
            )),
            "scaled_dot_product_attention: shape mismatch: expected a value with key's sequence length 5 in dimension -2, found [2, 4, 4]"
        );
        assert_eq!(
            err(scaled_dot_product_attention(
                &q,
                &rand64(&[1, 5, 4], 1),
                &k,
                SdpaOptions::new()
            )),
            "scaled_dot_product_attention: shape mismatch: expected key and value with the leading dimensions [2] of query, found query [2, 3, 4], key [1, 5, 4], value [2, 5, 4]"
        );
    }

    #[test]
    fn dropout_zeroes_weights_in_the_function() {
        crate::manual_seed(3);
        let q = DynTensor::<f64>::zeros(&[64, 1, 2]).unwrap();
        let v = DynTensor::<f64>::ones(&[64, 1, 1]).unwrap();
        let y = scaled_dot_product_attention(&q, &q, &v, SdpaOptions::new().dropout_p(0.5))
            .unwrap()
            .to_vec();
        assert!(y.iter().all(|&x| x == 0.0 || x == 2.0));
        assert!(y.contains(&0.0) && y.contains(&2.0));
    }
}
