//! `multi_head_attention_forward`, like PyTorch's
//! `F.multi_head_attention_forward`: the in-projections, optional
//! `bias_k`/`bias_v` and zero-attention rows, the mask merging, the heads'
//! attention and the out-projection, step for step as PyTorch does them (so
//! the numbers and the errors agree). Inputs are `(L, N, E)` (or unbatched
//! `(L, E)`); the layer transposes `batch_first` inputs before calling it.

use super::attention_mask::{AttnMask, torch_size};
use super::packed_attention::packed_self_attention;
use super::sdpa::{SdpaOptions, scaled_dot_product_attention};
use crate::{DynTensor, Element, Error, Result};

const OP: &str = "MultiheadAttention";

/// The parameters of one multi-head attention, under PyTorch's names:
/// either the packed `in_proj_weight` `(3E, E)` or the three
/// `q_proj_weight` `(E, E)`, `k_proj_weight` `(E, kdim)`, `v_proj_weight`
/// `(E, vdim)`.
#[derive(Clone, Copy, Debug)]
pub struct MhaWeights<'a, E: Element = f32> {
    /// `in_proj_weight`, `(3E, E)` (when kdim = vdim = embed_dim).
    pub in_proj_weight: Option<&'a DynTensor<E>>,
    /// `q_proj_weight`, `k_proj_weight`, `v_proj_weight` (when kdim or vdim differ).
    pub qkv_proj_weight: Option<[&'a DynTensor<E>; 3]>,
    /// `in_proj_bias`, `(3E)`.
    pub in_proj_bias: Option<&'a DynTensor<E>>,
    /// `bias_k` and `bias_v`, `(1, 1, E)` each (`add_bias_kv=True`).
    pub bias_kv: Option<[&'a DynTensor<E>; 2]>,
    /// `out_proj.weight`, `(E, E)`.
    pub out_proj_weight: &'a DynTensor<E>,
    /// `out_proj.bias`, `(E)`.
    pub out_proj_bias: Option<&'a DynTensor<E>>,
}

/// The rest of `F.multi_head_attention_forward`'s arguments (`static_k`,
/// `static_v` aside), with the forward's keyword arguments.
#[derive(Clone, Copy, Debug)]
pub struct MhaOptions<'a, E: Element = f32> {
    /// `embed_dim_to_check`: the query's feature size.
    pub embed_dim: usize,
    /// `num_heads`.
    pub num_heads: usize,
    /// `add_zero_attn`: a row of zeros appended to the keys and values.
    pub add_zero_attn: bool,
    /// `dropout_p` (applied in training only).
    pub dropout_p: f64,
    /// `training`.
    pub training: bool,
    /// `key_padding_mask` `(N, S)`: a `true` is masked out.
    pub key_padding_mask: Option<AttnMask<'a, E>>,
    /// `need_weights`: also return the attention weights.
    pub need_weights: bool,
    /// `attn_mask` `(L, S)` or `(N·heads, L, S)`: a `true` is masked out.
    pub attn_mask: Option<AttnMask<'a, E>>,
    /// `average_attn_weights`: the weights averaged over the heads.
    pub average_attn_weights: bool,
    /// `is_causal`: a hint that `attn_mask` is the causal mask.
    pub is_causal: bool,
}

impl<E: Element> MhaOptions<'_, E> {
    /// PyTorch's forward defaults for `embed_dim` and `num_heads`.
    pub fn new(embed_dim: usize, num_heads: usize) -> Self {
        MhaOptions {
            embed_dim,
            num_heads,
            add_zero_attn: false,
            dropout_p: 0.0,
            training: true,
            key_padding_mask: None,
            need_weights: true,
            attn_mask: None,
            average_attn_weights: true,
            is_causal: false,
        }
    }
}

fn assertion(reason: impl Into<String>) -> Error {
    Error::option(OP, "input", reason)
}

/// `x.view(dims)` for sizes the caller computed.
fn view<E: Element>(x: &DynTensor<E>, dims: &[usize]) -> DynTensor<E> {
    x.reshaped(dims)
}

/// A zero column appended along the last dimension (`F.pad(mask, (0, 1))`).
fn pad_last<E: Element>(x: &DynTensor<E>) -> Result<DynTensor<E>> {
    let mut shape = x.shape().to_vec();
    *shape.last_mut().expect("a mask has a dimension") = 1;
    super::cat(&[x, &DynTensor::zeros(&shape)?], -1)
}

/// Multi-head attention on `(L, N, E)` / `(S, N, kdim)` / `(S, N, vdim)`
/// inputs (or unbatched `(L, E)`, ...): `(attn_output (L, N, E),
/// attn_output_weights)`, the weights `(N, L, S)` averaged over the heads
/// or `(N, heads, L, S)`, `None` unless `need_weights`. Errors are
/// PyTorch's, in its words.
///
/// ```
/// use nncore::ops::{multi_head_attention_forward, MhaOptions, MhaWeights};
/// use nncore::DynTensor;
/// let x = DynTensor::<f64>::ones(&[3, 2, 4])?;
/// let w_in = DynTensor::<f64>::ones(&[12, 4])?;
/// let w_out = DynTensor::<f64>::ones(&[4, 4])?;
/// let weights = MhaWeights { in_proj_weight: Some(&w_in), qkv_proj_weight: None, in_proj_bias: None,
///     bias_kv: None, out_proj_weight: &w_out, out_proj_bias: None };
/// let (y, attn) = multi_head_attention_forward(&x, &x, &x, &weights, &MhaOptions::new(4, 2))?;
/// assert_eq!(y.shape(), &[3, 2, 4]);
/// assert_eq!(attn.unwrap().shape(), &[2, 3, 3]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[nnmacro::__compiled_once]
pub fn multi_head_attention_forward<E: Element>(
    query: &DynTensor<E>,
    key: &DynTensor<E>,
    value: &DynTensor<E>,
    w: &MhaWeights<'_, E>,
    o: &MhaOptions<'_, E>,
) -> Result<(DynTensor<E>, Option<DynTensor<E>>)> {
    if let Some(y) = self_attention(query, key, value, w, o, false) {
        return y.map(|y| (y, None));
    }
    let batched = shape_check(query, key, value, o)?;
    if !batched {
        let add_batch = |x: &DynTensor<E>| {
            let s = x.shape();
            view(x, &[s[0], 1, s[1]])
        };
        let kpm = o
            .key_padding_mask
            .map(|m| view(&m.to_float(true), &[1, m.shape()[0]]));
        let mut o = *o;
        o.key_padding_mask = kpm.as_ref().map(AttnMask::Float);
        let (y, a) = batched_forward(&add_batch(query), &add_batch(key), &add_batch(value), w, &o)?;
        return Ok(unbatch(y, a));
    }
    batched_forward(query, key, value, w, o)
}

/// The common case in one pass, when it applies: a self-attention (query,
/// key and value one tensor, `(L, N, E)`, or `(N, L, E)` with
/// `batch_first`) with the packed in-projection and nothing else (no
/// masks, no `bias_k`/`bias_v`, no zero attention, no weights returned):
/// one in-projection, [`packed_self_attention`] on it, the out-projection.
/// `None` when the general path must run.
pub(crate) fn self_attention<E: Element>(
    query: &DynTensor<E>,
    key: &DynTensor<E>,
    value: &DynTensor<E>,
    w: &MhaWeights<'_, E>,
    o: &MhaOptions<'_, E>,
    batch_first: bool,
) -> Option<Result<DynTensor<E>>> {
    let plain = query.same_storage(key)
        && query.same_storage(value)
        && query.rank() == 3
        && query.shape()[2] == o.embed_dim
        && o.num_heads > 0
        && o.embed_dim.is_multiple_of(o.num_heads)
        && w.qkv_proj_weight.is_none()
        && w.bias_kv.is_none()
        && !o.add_zero_attn
        && o.key_padding_mask.is_none()
        && o.attn_mask.is_none()
        && !o.is_causal
        && !o.need_weights;
    let in_proj = w.in_proj_weight.filter(|_| plain)?;
    let dropout_p = if o.training { o.dropout_p } else { 0.0 };
    Some((|| {
        let qkv = super::linear(query, in_proj, w.in_proj_bias)?;
        let y = packed_self_attention(&qkv, o.num_heads, batch_first, dropout_p)?;
        super::linear(&y, w.out_proj_weight, w.out_proj_bias)
    })())
}

fn unbatch<E: Element>(
    y: DynTensor<E>,
    a: Option<DynTensor<E>>,
) -> (DynTensor<E>, Option<DynTensor<E>>) {
    let ys = y.shape();
    let y = view(&y, &[ys[0], ys[2]]);
    let a = a.map(|a| {
        let s = a.shape()[1..].to_vec();
        view(&a, &s)
    });
    (y, a)
}

/// PyTorch's `_mha_shape_check`: whether the input is batched.
fn shape_check<E: Element>(
    q: &DynTensor<E>,
    k: &DynTensor<E>,
    v: &DynTensor<E>,
    o: &MhaOptions<'_, E>,
) -> Result<bool> {
    let (kd, vd) = (k.rank(), v.rank());
    let kpm = o.key_padding_mask.map(|m| m.shape().len());
    let am = o.attn_mask.map(|m| m.shape().len());
    let (batched, name, kind, kpm_rank) = match q.rank() {
        3 => (true, "batched (3-D)", 3, 2),
        2 => (false, "unbatched (2-D)", 2, 1),
        r => {
            return Err(assertion(format!(
                "query should be unbatched 2D or batched 3D tensor but received {r}-D query tensor"
            )));
        }
    };
    if kd != kind || vd != kind {
        return Err(assertion(format!(
            "For {name} `query`, expected `key` and `value` to be {kind}-D but found {kd}-D and {vd}-D tensors respectively"
        )));
    }
    if let Some(r) = kpm.filter(|&r| r != kpm_rank) {
        return Err(assertion(format!(
            "For {name} `query`, expected `key_padding_mask` to be `None` or {kpm_rank}-D but found {r}-D tensor instead"
        )));
    }
    if let Some(r) = am.filter(|r| !(2..=3).contains(r)) {
        return Err(assertion(format!(
            "For {name} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {r}-D tensor instead"
        )));
    }
    if !batched && am == Some(3) {
        let expected = [o.num_heads, q.shape()[0], k.shape()[0]];
        let found = o.attn_mask.map(|m| m.shape().to_vec()).unwrap_or_default();
        if found != expected {
            return Err(assertion(format!(
                "Expected `attn_mask` shape to be ({}, {}, {}) but got {}",
                expected[0],
                expected[1],
                expected[2],
                torch_size(&found)
            )));
        }
    }
    Ok(batched)
}

/// The in-projections: `(q, k, v)`, each `(len, N, E)`.
fn in_projection<E: Element>(
    query: &DynTensor<E>,
    key: &DynTensor<E>,
    value: &DynTensor<E>,
    w: &MhaWeights<'_, E>,
    e: usize,
) -> Result<[DynTensor<E>; 3]> {
    let bias = |i: usize| -> Result<Option<DynTensor<E>>> {
        w.in_proj_bias.map(|b| b.narrow(0, i * e, e)).transpose()
    };
    let inputs = [query, key, value];
    let mut out = Vec::with_capacity(3);
    match (w.in_proj_weight, w.qkv_proj_weight) {
        (Some(packed), None) => {
            if key.shape() != value.shape() {
                return Err(assertion(format!(
                    "key shape {} does not match value shape {}",
                    torch_size(key.shape()),
                    torch_size(value.shape())
                )));
            }
            for (i, x) in inputs.into_iter().enumerate() {
                let wi = packed.narrow(0, i * e, e)?;
                out.push(super::linear(x, &wi, bias(i)?.as_ref())?);
            }
        }
        (None, Some(separate)) => {
            if key.shape()[..2] != value.shape()[..2] {
                return Err(assertion(format!(
                    "key's sequence and batch dims {} do not match value's {}",
                    torch_size(&key.shape()[..2]),
                    torch_size(&value.shape()[..2])
                )));
            }
            for (i, (x, wi)) in inputs.into_iter().zip(separate).enumerate() {
                let expected = [e, *x.shape().last().expect("3-D")];
                if wi.shape() != expected {
                    let which = ["query", "key", "value"][i];
                    return Err(assertion(format!(
                        "expecting {which} weights shape of ({}, {}), but got {}",
                        expected[0],
                        expected[1],
                        torch_size(wi.shape())
                    )));
                }
                out.push(super::linear(x, wi, bias(i)?.as_ref())?);
            }
        }
        _ => {
            return Err(Error::option(
                OP,
                "in_proj_weight",
                "exactly one of in_proj_weight and q/k/v_proj_weight must be given",
            ));
        }
    }
    let [q, k, v]: [DynTensor<E>; 3] = out.try_into().expect("three projections");
    Ok([q, k, v])
}

fn batched_forward<E: Element>(
    query: &DynTensor<E>,
    key: &DynTensor<E>,
    value: &DynTensor<E>,
    w: &MhaWeights<'_, E>,
    o: &MhaOptions<'_, E>,
) -> Result<(DynTensor<E>, Option<DynTensor<E>>)> {
    let (tgt_len, bsz, embed_dim) = (query.shape()[0], query.shape()[1], query.shape()[2]);
    let heads = o.num_heads;
    let mut key_padding_mask = o.key_padding_mask.map(|m| m.to_float(true));
    if o.is_causal && o.attn_mask.is_none() {
        return Err(Error::option(
            OP,
            "is_causal",
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.",
        ));
    }
    let mut is_causal = o.is_causal;
    let mut attn_mask = if o.is_causal && key_padding_mask.is_none() && !o.need_weights {
        None
    } else {
        if key_padding_mask.is_some() {
            is_causal = false;
        }
        o.attn_mask.map(|m| m.to_float(true))
    };
    if embed_dim != o.embed_dim {
        return Err(assertion(format!(
            "was expecting embedding dimension of {}, but got {embed_dim}",
            o.embed_dim
        )));
    }
    let head_dim = embed_dim / heads.max(1);
    if heads == 0 || head_dim * heads != embed_dim {
        return Err(assertion(format!(
            "embed_dim {embed_dim} not divisible by num_heads {heads}"
        )));
    }
    let [q, mut k, mut v] = in_projection(query, key, value, w, embed_dim)?;
    let mut src_len = key.shape()[0];
    if let Some(m) = &attn_mask {
        attn_mask = Some(match m.rank() {
            2 => {
                if m.shape() != [tgt_len, src_len] {
                    return Err(assertion(format!(
                        "The shape of the 2D attn_mask is {}, but should be ({tgt_len}, {src_len}).",
                        torch_size(m.shape())
                    )));
                }
                view(m, &[1, tgt_len, src_len])
            }
            _ => {
                if m.shape() != [bsz * heads, tgt_len, src_len] {
                    return Err(assertion(format!(
                        "The shape of the 3D attn_mask is {}, but should be ({}, {tgt_len}, {src_len}).",
                        torch_size(m.shape()),
                        bsz * heads
                    )));
                }
                m.clone()
            }
        });
    }
    let pad_masks = |am: &mut Option<DynTensor<E>>, kpm: &mut Option<DynTensor<E>>| -> Result<()> {
        if let Some(m) = am {
            *m = pad_last(m)?;
        }
        if let Some(m) = kpm {
            *m = pad_last(m)?;
        }
        Ok(())
    };
    if let Some([bias_k, bias_v]) = w.bias_kv {
        let row = |b: &DynTensor<E>| view(b, &[1, 1, embed_dim]);
        let (bk, bv) = (row(bias_k), row(bias_v));
        k = super::cat(&[&k, &super::cat(&vec![&bk; bsz], 1)?], 0)?;
        v = super::cat(&[&v, &super::cat(&vec![&bv; bsz], 1)?], 0)?;
        pad_masks(&mut attn_mask, &mut key_padding_mask)?;
    }
    let heads_first = |x: &DynTensor<E>| -> Result<DynTensor<E>> {
        view(x, &[x.shape()[0], bsz * heads, head_dim]).transpose(0, 1)
    };
    let q = heads_first(&q)?;
    k = heads_first(&k)?;
    v = heads_first(&v)?;
    if o.add_zero_attn {
        let zeros = DynTensor::zeros(&[bsz * heads, 1, head_dim])?;
        k = super::cat(&[&k, &zeros], 1)?;
        v = super::cat(&[&v, &zeros], 1)?;
        pad_masks(&mut attn_mask, &mut key_padding_mask)?;
    }
    src_len = k.shape()[1];
    if let Some(kpm) = &key_padding_mask {
        let s = kpm.shape();
        if s[0] != bsz {
            return Err(assertion(format!(
                "Expected key_padded_mask.shape[0] to be {bsz}, but got {}",
                s[0]
            )));
        }
        if s[1] != src_len {
            return Err(assertion(format!(
                "Expected key_padded_mask.shape[1] to be {src_len}, but got {}",
                s[1]
            )));
        }
        let per_head =
            view(kpm, &[bsz, 1, 1, src_len]).add(&DynTensor::zeros(&[bsz, heads, 1, src_len])?)?;
        let per_head = view(&per_head, &[bsz * heads, 1, src_len]);
        attn_mask = Some(match attn_mask {
            None => per_head,
            Some(m) => m.add(&per_head)?,
        });
    }
    let dropout_p = if o.training { o.dropout_p } else { 0.0 };
    let merge_heads = |x: DynTensor<E>| -> Result<DynTensor<E>> {
        let y = super::linear(
            &view(&x, &[tgt_len * bsz, embed_dim]),
            w.out_proj_weight,
            w.out_proj_bias,
        )?;
        Ok(view(&y, &[tgt_len, bsz, embed_dim]))
    };
    if o.need_weights {
        let q_scaled = q.mul_scalar(E::of((1.0 / head_dim as f64).sqrt()));
        let mut scores = super::bmm(&q_scaled, &k.transpose(1, 2)?)?;
        if let Some(m) = &attn_mask {
            scores = m.add(&scores)?;
        }
        let mut weights = scores.softmax(-1)?;
        if dropout_p > 0.0 {
            weights = super::dropout(&weights, dropout_p, true)?;
        }
        let y = super::bmm(&weights, &v)?.transpose(0, 1)?;
        let y = merge_heads(y)?;
        let weights = view(&weights, &[bsz, heads, tgt_len, src_len]);
        let weights = if o.average_attn_weights {
            weights.mean_dim(1)?
        } else {
            weights
        };
        Ok((y, Some(weights)))
    } else {
        // (1, L, S) -> (1, 1, L, S); (N·heads, L or 1, S) -> (N, heads, L or 1, S).
        let attn_mask = attn_mask.map(|m| {
            let rows = m.shape()[1];
            if m.shape()[0] == 1 {
                view(&m, &[1, 1, rows, src_len])
            } else {
                view(&m, &[bsz, heads, rows, src_len])
            }
        });
        let split = |x: &DynTensor<E>, len: usize| view(x, &[bsz, heads, len, head_dim]);
        let mut so = SdpaOptions::new().dropout_p(dropout_p).is_causal(is_causal);
        if let Some(m) = &attn_mask {
            so = so.attn_mask(m);
        }
        let y = scaled_dot_product_attention(
            &split(&q, tgt_len),
            &split(&k, src_len),
            &split(&v, src_len),
            so,
        )?;
        merge_heads(y.permute(&[2, 0, 1, 3])?).map(|y| (y, None))
    }
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

    /// Inputs `[query, key, value, in_proj_weight | q, k, v weights,
    /// in_proj_bias, bias_k, bias_v, out weight, out bias]`.
    fn run(
        t: &[DynTensor<f64>],
        packed: bool,
        o: &MhaOptions<'_, f64>,
    ) -> Result<(DynTensor<f64>, Option<DynTensor<f64>>)> {
        let (w, rest) = if packed {
            (&t[3..4], &t[4..])
        } else {
            (&t[3..6], &t[6..])
        };
        let weights = MhaWeights {
            in_proj_weight: packed.then(|| &w[0]),
            qkv_proj_weight: (!packed).then(|| [&w[0], &w[1], &w[2]]),
            in_proj_bias: Some(&rest[0]),
            bias_kv: Some([&rest[1], &rest[2]]),
            out_proj_weight: &rest[3],
            out_proj_bias: Some(&rest[4]),
        };
        multi_head_attention_forward(&t[0], &t[1], &t[2], &weights, o)
    }

    fn params(e: usize, kv: Option<(usize, usize)>) -> Vec<DynTensor<f64>> {
        let mut p = match kv {
            None => vec![leaf(&[3 * e, e], 10)],
            Some((k, v)) => vec![leaf(&[e, e], 10), leaf(&[e, k], 11), leaf(&[e, v], 12)],
        };
        p.extend([
            leaf(&[3 * e], 13),
            leaf(&[1, 1, e], 14),
            leaf(&[1, 1, e], 15),
            leaf(&[e, e], 16),
            leaf(&[e], 17),
        ]);
        p
    }

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_packed_and_separate_with_masks() {
        let (l, s, n, e) = (3, 4, 2, 4);
        let pad = BoolMask::new(
            vec![false, false, true, false, false, false, false, true],
            &[n, s],
        )
        .unwrap();
        let mut t = vec![
            leaf(&[l, n, e], 1),
            leaf(&[s, n, e], 2),
            leaf(&[s, n, e], 3),
        ];
        t.extend(params(e, None));
        let mut o = MhaOptions::new(e, 2);
        o.key_padding_mask = Some(AttnMask::Bool(&pad));
        o.average_attn_weights = false;
        gradcheck(
            |t| {
                let (y, w) = run(t, true, &o)?;
                y.sum().add(&w.expect("need_weights").mul_scalar(3.0).sum())
            },
            &t,
            GradcheckOptions::default(),
        )
        .unwrap();
        // kdim 5, vdim 3, zero attention, a float 3-D mask, need_weights off.
        let float_mask = rand64(&[n * 2, l, s], 5);
        let mut t = vec![
            leaf(&[l, n, e], 1),
            leaf(&[s, n, 5], 2),
            leaf(&[s, n, 3], 3),
        ];
        t.extend(params(e, Some((5, 3))));
        let mut o = MhaOptions::new(e, 2);
        o.attn_mask = Some(AttnMask::Float(&float_mask));
        o.add_zero_attn = true;
        o.need_weights = false;
        gradcheck(
            |t| run(t, false, &o).map(|r| r.0),
            &t,
            GradcheckOptions::default(),
        )
        .unwrap();
    }

    #[test]
    fn unbatched_inputs_drop_the_batch_dimension() {
        let e = 4;
        let mut t = vec![rand64(&[3, e], 1), rand64(&[5, e], 2), rand64(&[5, e], 3)];
        t.extend(params(e, None));
        let pad = BoolMask::new(vec![false, true, false, false, false], &[5]).unwrap();
        let mut o = MhaOptions::new(e, 2);
        o.key_padding_mask = Some(AttnMask::Bool(&pad));
        let (y, w) = run(&t, true, &o).unwrap();
        let w = w.unwrap();
        assert_eq!((y.shape(), w.shape()), (&[3, 4][..], &[3, 6][..]));
        // The padded key (index 1) gets no weight.
        assert!(w.to_vec().chunks(6).all(|row| row[1] == 0.0));
    }

    #[test]
    fn errors_use_pytorchs_words() {
        let e = 4;
        let err = |q: &[usize], k: &[usize], v: &[usize], o: &MhaOptions<'_, f64>| {
            let mut t = vec![rand64(q, 1), rand64(k, 2), rand64(v, 3)];
            t.extend(params(e, None));
            run(&t, true, o).unwrap_err().to_string()
        };
        let o = MhaOptions::new(e, 2);
        assert_eq!(
            err(&[3, 2, 4], &[5, 2, 4], &[4, 2, 4], &o),
            "MultiheadAttention: invalid input: key shape torch.Size([5, 2, 4]) does not match value shape torch.Size([4, 2, 4])"
        );
        assert_eq!(
            err(&[3, 2, 4], &[5, 4], &[5, 4], &o),
            "MultiheadAttention: invalid input: For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 2-D tensors respectively"
        );
        assert_eq!(
            err(&[4], &[4], &[4], &o),
            "MultiheadAttention: invalid input: query should be unbatched 2D or batched 3D tensor but received 1-D query tensor"
        );
        assert_eq!(
            err(&[3, 2, 6], &[5, 2, 6], &[5, 2, 6], &o),
            "MultiheadAttention: invalid input: was expecting embedding dimension of 4, but got 6"
        );
        let mut causal = o;
        causal.is_causal = true;
        assert_eq!(
            err(&[3, 2, 4], &[3, 2, 4], &[3, 2, 4], &causal),
            "MultiheadAttention: invalid is_causal: Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask."
        );
        let wrong = BoolMask::causal(4);
        let mut masked = o;
        masked.attn_mask = Some(AttnMask::Bool(&wrong));
        assert_eq!(
            err(&[3, 2, 4], &[3, 2, 4], &[3, 2, 4], &masked),
            "MultiheadAttention: invalid input: The shape of the 2D attn_mask is torch.Size([4, 4]), but should be (3, 3)."
        );
        let pad = BoolMask::new(vec![false; 6], &[2, 3]).unwrap();
        let mut padded = o;
        padded.key_padding_mask = Some(AttnMask::Bool(&pad));
        assert_eq!(
            err(&[3, 2, 4], &[4, 2, 4], &[4, 2, 4], &padded),
            // bias_k appends a key (5) and a column to the mask (4).
            "MultiheadAttention: invalid input: Expected key_padded_mask.shape[1] to be 5, but got 4"
        );
        let mut t = vec![
            rand64(&[3, 2, 4], 1),
            rand64(&[5, 2, 6], 2),
            rand64(&[5, 2, 4], 3),
        ];
        t.extend(params(e, Some((5, 4))));
        assert_eq!(
            run(&t, false, &o).unwrap_err().to_string(),
            "MultiheadAttention: invalid input: expecting key weights shape of (4, 6), but got torch.Size([4, 5])"
        );
    }
}
