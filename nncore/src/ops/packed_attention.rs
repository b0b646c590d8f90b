//! The heads' attention of a self-attention on its packed in-projection,
//! in one op: what `multi_head_attention_forward` does between the
//! in-projection and the out-projection when the query, key and value are
//! one tensor and there are no masks (a transformer encoder's
//! self-attention), without its copies.
//!
//! The composite path splits the projection `(L, N, 3E)` into q, k and v,
//! moves the heads in front (`(N·H, L, D)`, a copy each), transposes k
//! (another), scales the scores (another pass) and moves the heads back
//! (another copy), and `batch_first` adds a transpose of the input and of
//! the output. Here every head's matrices are strided views into the
//! projection itself (row `l` of head `h` of q in batch `n` starts at
//! `(n, l)`'s row plus `h·D`), the products are gemms on those views, and
//! the output is written in the `(N, L, E)` or `(L, N, E)` layout the
//! out-projection reads. The numbers are the composite path's (the same
//! products in the same order, the scale applied to the scores), and the
//! dropout mask takes the same draws.

use super::dropout::dropout_mask;
use crate::autograd::{Backward, BackwardContext, Saved, input_grads, is_grad_enabled};
use crate::kernels::gemm::{MatMut, MatRef, matmul_serial as gemm};
use crate::kernels::softmax::{softmax_backward, softmax_forward};
use crate::{DynTensor, Element, Error, Result, pool};

const OP: &str = "packed_self_attention";

/// Where each (batch, position) row lies in a `(N, L, width)` (batch
/// first) or `(L, N, width)` tensor.
#[derive(Clone, Copy, Debug)]
struct Layout {
    batch: usize,
    len: usize,
    heads: usize,
    head_dim: usize,
    batch_first: bool,
}

impl Layout {
    fn embed(&self) -> usize {
        self.heads * self.head_dim
    }

    /// The offset of head `h`'s first row in batch `n` of a tensor of
    /// `width` features whose head columns start at `column`, and the
    /// stride from one position to the next.
    fn head(&self, n: usize, h: usize, width: usize, column: usize) -> (usize, usize) {
        let (base, stride) = if self.batch_first {
            (n * self.len * width, width)
        } else {
            (n * width, self.batch * width)
        };
        (base + column + h * self.head_dim, stride)
    }

    /// Head `h` of batch `n` in `data` (`width` features, the head's part
    /// starting at `column`) as an `L x D` view.
    fn view<'a, E>(
        &self,
        data: &'a [E],
        n: usize,
        h: usize,
        width: usize,
        column: usize,
    ) -> MatRef<'a, E> {
        let (at, stride) = self.head(n, h, width, column);
        MatRef::from_strides(&data[at..], self.len, self.head_dim, stride, 1)
    }

    /// The same as a writable view.
    fn view_mut<'a, E>(
        &self,
        data: &'a mut [E],
        n: usize,
        h: usize,
        width: usize,
        column: usize,
    ) -> MatMut<'a, E> {
        let (at, stride) = self.head(n, h, width, column);
        MatMut::from_strides(&mut data[at..], self.len, self.head_dim, stride, 1)
    }
}

struct PackedAttentionBackward<E> {
    layout: Layout,
    scale: E,
    /// The softmax of every head's scores, `(N·H, L, L)`, before dropout.
    probs: Vec<E>,
    /// Dropout's mask over `probs` (0 or `1/(1-p)`), when there is dropout.
    mask: Option<Vec<E>>,
}

impl<E: Element> Backward<E> for PackedAttentionBackward<E> {
    fn name(&self) -> &'static str {
        "PackedSelfAttentionBackward"
    }

    /// The packed projection (the input) and the saved weights.
    fn saved(&self) -> Saved {
        Saved::NOTHING.input(0).buffers()
    }

    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let lay = self.layout;
        let (l, e) = (lay.len, lay.embed());
        let ll = l * l;
        let x = ctx.inputs[0].data();
        let g = ctx.grad_output;
        // Every element of the projection is in exactly one head's q, k or
        // v, and each is overwritten below.
        let mut gx = pool::take_overwritable(x.len());
        let mut dropped = pool::take_overwritable(ll);
        let mut d_probs = pool::take_overwritable(ll);
        let mut d_scores = pool::take_overwritable(ll);
        for n in 0..lay.batch {
            for h in 0..lay.heads {
                let i = n * lay.heads + h;
                let p = &self.probs[i * ll..(i + 1) * ll];
                let weights: &[E] = match &self.mask {
                    Some(m) => {
                        for ((w, &p), &m) in dropped.iter_mut().zip(p).zip(&m[i * ll..]) {
                            *w = p * m;
                        }
                        &dropped
                    }
                    None => p,
                };
                let go = lay.view(g, n, h, e, 0);
                // dV = weightsᵀ · dO
                gemm(
                    MatRef::row_major(weights, l, l).t(),
                    go,
                    lay.view_mut(&mut gx, n, h, 3 * e, 2 * e),
                    false,
                );
                // d(weights) = dO · Vᵀ, through dropout's mask
                gemm(
                    go,
                    lay.view(&x, n, h, 3 * e, 2 * e).t(),
                    MatMut::row_major(&mut d_probs, l, l),
                    false,
                );
                if let Some(m) = &self.mask {
                    for (d, &m) in d_probs.iter_mut().zip(&m[i * ll..]) {
                        *d *= m;
                    }
                }
                softmax_backward(l, l, 1, p, &d_probs, &mut d_scores);
                for d in d_scores.iter_mut() {
                    *d *= self.scale;
                }
                let scores = MatRef::row_major(&d_scores, l, l);
                // dQ = dS · K, dK = dSᵀ · Q
                gemm(
                    scores,
                    lay.view(&x, n, h, 3 * e, e),
                    lay.view_mut(&mut gx, n, h, 3 * e, 0),
                    false,
                );
                gemm(
                    scores.t(),
                    lay.view(&x, n, h, 3 * e, 0),
                    lay.view_mut(&mut gx, n, h, 3 * e, e),
                    false,
                );
            }
        }
        for v in [dropped, d_probs, d_scores] {
            pool::give_back(v);
        }
        Ok(input_grads([Some(gx)]))
    }

    fn release(&mut self) -> bool {
        pool::give_back(std::mem::take(&mut self.probs));
        if let Some(m) = self.mask.take() {
            pool::give_back(m);
        }
        true
    }
}

/// The attention of `heads` heads over the packed projection `qkv` of a
/// self-attention, `(N, L, 3E)` with `batch_first` or `(L, N, 3E)`: its
/// last dimension holds q, k and v side by side (what `linear(x,
/// in_proj_weight, in_proj_bias)` gives). Returns `(N, L, E)` or `(L, N,
/// E)`: per head, `dropout(softmax(q·kᵀ/√D))·v` with `D = E/heads`,
/// written in the head's columns, as `multi_head_attention_forward`
/// computes it before the out-projection. `dropout_p` applies whenever it
/// is above 0 (pass 0 in evaluation).
///
/// ```
/// use nncore::ops::packed_self_attention;
/// use nncore::DynTensor;
/// // One head, two positions of one feature: q = k = [1, 0], v = [10, 20].
/// let qkv = DynTensor::<f64>::from_vec(vec![1.0, 1.0, 10.0, 0.0, 0.0, 20.0], &[1, 2, 3])?;
/// let y = packed_self_attention(&qkv, 1, true, 0.0)?.to_vec();
/// let w = 1f64.exp() / (1f64.exp() + 1.0);
/// assert!((y[0] - (10.0 * w + 20.0 * (1.0 - w))).abs() < 1e-12);
/// assert_eq!(y[1], 15.0);
/// # Ok::<(), nncore::Error>(())
/// ```
#[nnmacro::__compiled_once]
pub fn packed_self_attention<E: Element>(
    qkv: &DynTensor<E>,
    heads: usize,
    batch_first: bool,
    dropout_p: f64,
) -> Result<DynTensor<E>> {
    let &[a, b, width] = qkv.shape() else {
        return Err(Error::shape(
            OP,
            "a 3-D packed projection (N, L, 3E) or (L, N, 3E)",
            format!("{:?}", qkv.shape()),
        ));
    };
    if heads == 0 || width % (3 * heads) != 0 {
        return Err(Error::shape(
            OP,
            format!("a last dimension of 3 x embed_dim, embed_dim a multiple of num_heads={heads}"),
            format!("{width}"),
        ));
    }
    if !(0.0..=1.0).contains(&dropout_p) {
        return Err(Error::option(
            OP,
            "dropout_p",
            format!(
                "dropout probability has to be between 0 and 1, but got {}",
                crate::py_float(dropout_p)
            ),
        ));
    }
    let (batch, len) = if batch_first { (a, b) } else { (b, a) };
    let e = width / 3;
    let lay = Layout {
        batch,
        len,
        heads,
        head_dim: e / heads,
        batch_first,
    };
    let scale = E::of(1.0 / (lay.head_dim as f64).sqrt());
    let ll = len * len;
    let mut probs = pool::take_overwritable(batch * heads * ll);
    let mask = (dropout_p > 0.0).then(|| dropout_mask::<E>(probs.len(), dropout_p));
    let mut out = pool::take_overwritable(batch * len * e);
    let mut scores = pool::take_overwritable(ll);
    {
        let x = qkv.data();
        for n in 0..batch {
            for h in 0..heads {
                let i = n * heads + h;
                let p = &mut probs[i * ll..(i + 1) * ll];
                gemm(
                    lay.view(&x, n, h, width, 0),
                    lay.view(&x, n, h, width, e).t(),
                    MatMut::row_major(&mut scores, len, len),
                    false,
                );
                for s in scores.iter_mut() {
                    *s *= scale;
                }
                softmax_forward(len, len, 1, &scores, p);
                let weights: &[E] = match &mask {
                    Some(m) => {
                        for ((w, &p), &m) in scores.iter_mut().zip(p.iter()).zip(&m[i * ll..]) {
                            *w = p * m;
                        }
                        &scores
                    }
                    None => p,
                };
                gemm(
                    MatRef::row_major(weights, len, len),
                    lay.view(&x, n, h, width, 2 * e),
                    lay.view_mut(&mut out, n, h, e, 0),
                    false,
                );
            }
        }
    }
    pool::give_back(scores);
    let shape = [a, b, e];
    if !(is_grad_enabled() && qkv.requires_grad()) {
        pool::give_back(probs);
        if let Some(m) = mask {
            pool::give_back(m);
        }
        return DynTensor::from_vec(out, &shape);
    }
    Ok(DynTensor::from_op(out, shape, &[qkv], || {
        PackedAttentionBackward {
            layout: lay,
            scale,
            probs,
            mask,
        }
    }))
}

#[cfg(test)]
#[path = "packed_attention_tests.rs"]
mod tests;
