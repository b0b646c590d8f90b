//! Embedding lookup, like `F.embedding`: rows of a weight matrix picked by
//! integer indices; the gradient scatters back into the picked rows. Also
//! the row-sparse form of that gradient (what PyTorch's `sparse=True`
//! produces) and the `max_norm` renormalisation.

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Error, LongTensor, Result};

/// The options of [`embedding`] besides the tensors, as `F.embedding`
/// takes them.
///
/// ```
/// use nncore::ops::EmbeddingOptions;
/// let o = EmbeddingOptions { padding_idx: Some(0), ..Default::default() };
/// assert!(!o.scale_grad_by_freq);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmbeddingOptions {
    /// The row whose gradient is always zero (already made non-negative:
    /// PyTorch's `-1` is `num_embeddings - 1`).
    pub padding_idx: Option<usize>,
    /// Divide each row's gradient by how often its index occurs in the call.
    pub scale_grad_by_freq: bool,
}

/// A gradient that is zero except on some rows of a 2-D weight, like
/// PyTorch's sparse COO gradient of an `Embedding(sparse=True)`
/// (coalesced: each row once, sorted). `values` holds `rows.len()` rows of
/// `row_len` values.
///
/// ```
/// use nncore::ops::RowSparseGrad;
/// let g = RowSparseGrad { num_rows: 4, row_len: 2, rows: vec![1, 3], values: vec![1.0, 2.0, 3.0, 4.0] };
/// assert_eq!(g.to_dense(), vec![0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 3.0, 4.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RowSparseGrad<E> {
    /// Rows of the dense weight (`num_embeddings`).
    pub num_rows: usize,
    /// Values per row (`embedding_dim`).
    pub row_len: usize,
    /// The rows present, sorted, without repeats.
    pub rows: Vec<usize>,
    /// Their values, row after row.
    pub values: Vec<E>,
}

impl<E: Element> RowSparseGrad<E> {
    /// The dense `[num_rows, row_len]` gradient, row-major.
    pub fn to_dense(&self) -> Vec<E> {
        let mut out = vec![E::zero(); self.num_rows * self.row_len];
        for (i, &r) in self.rows.iter().enumerate() {
            out[r * self.row_len..][..self.row_len]
                .copy_from_slice(&self.values[i * self.row_len..][..self.row_len]);
        }
        out
    }
}

/// Checks every index against `num_embeddings`, returning them as `usize`.
fn checked_indices(indices: &LongTensor, num_embeddings: usize) -> Result<Vec<usize>> {
    indices
        .data()
        .iter()
        .map(|&i| {
            if i < 0 || i as usize >= num_embeddings {
                Err(Error::IndexOutOfRange {
                    op: "Embedding",
                    what: "index",
                    index: i,
                    bound: num_embeddings,
                })
            } else {
                Ok(i as usize)
            }
        })
        .collect()
}

/// The gradient of the weight for `grad_output` `[len(indices), dim]`, as
/// rows: each used row once (sorted), the padding row left out, scaled by
/// the inverse frequency if asked.
#[nnmacro::__compiled_once]
fn row_grads<E: Element>(
    indices: &[usize],
    grad_output: &[E],
    dim: usize,
    options: EmbeddingOptions,
) -> Vec<(usize, Vec<E>)> {
    let mut rows: std::collections::BTreeMap<usize, (usize, Vec<E>)> = Default::default();
    for (k, &i) in indices.iter().enumerate() {
        if options.padding_idx == Some(i) {
            continue;
        }
        let entry = rows.entry(i).or_insert_with(|| (0, vec![E::zero(); dim]));
        entry.0 += 1;
        for (a, &g) in entry.1.iter_mut().zip(&grad_output[k * dim..][..dim]) {
            *a += g;
        }
    }
    rows.into_iter()
        .map(|(i, (count, mut g))| {
            if options.scale_grad_by_freq {
                g.iter_mut().for_each(|v| *v /= E::of(count as f64));
            }
            (i, g)
        })
        .collect()
}

struct EmbeddingBackward {
    indices: Vec<usize>,
    num_embeddings: usize,
    dim: usize,
    options: EmbeddingOptions,
}

impl<E: Element> Backward<E> for EmbeddingBackward {
    fn name(&self) -> &'static str {
        "EmbeddingBackward"
    }
    /// The indices, not the weight.
    fn saved(&self) -> Saved {
        Saved::NOTHING.buffers()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let mut gw = vec![E::zero(); self.num_embeddings * self.dim];
        for (i, g) in row_grads(&self.indices, ctx.grad_output, self.dim, self.options) {
            gw[i * self.dim..][..self.dim].copy_from_slice(&g);
        }
        Ok(vec![Some(gw)])
    }
}

#[nnmacro::__compiled_once]
fn weight_dims<E: Element>(weight: &DynTensor<E>) -> Result<(usize, usize)> {
    match weight.shape() {
        &[n, d] => Ok((n, d)),
        other => Err(Error::shape(
            "Embedding",
            "a 2-D weight (num_embeddings, embedding_dim)",
            format!("{other:?}"),
        )),
    }
}

/// Looks up the rows of `weight` `[num_embeddings, dim]` named by
/// `indices` (any shape), like `F.embedding`; the result has shape
/// `[*indices.shape, dim]`. An index outside `[0, num_embeddings)` is an
/// error.
///
/// ```
/// use nncore::{ops::{embedding, EmbeddingOptions}, DynTensor, LongTensor};
/// let w = DynTensor::<f32>::from_vec(vec![0.0, 1.0, 10.0, 11.0, 20.0, 21.0], &[3, 2]).unwrap();
/// let i = LongTensor::from_slice(&[2, 0]);
/// let y = embedding(&i, &w, EmbeddingOptions::default()).unwrap();
/// assert_eq!(y.shape(), &[2, 2]);
/// assert_eq!(y.to_vec(), vec![20.0, 21.0, 0.0, 1.0]);
/// let err = embedding(&LongTensor::from_slice(&[3]), &w, EmbeddingOptions::default()).unwrap_err();
/// assert_eq!(err.to_string(), "Embedding: index 3 is out of range [0, 3)");
/// ```
#[nnmacro::__compiled_once]
pub fn embedding<E: Element>(
    indices: &LongTensor,
    weight: &DynTensor<E>,
    options: EmbeddingOptions,
) -> Result<DynTensor<E>> {
    let (n, dim) = weight_dims(weight)?;
    let idx = checked_indices(indices, n)?;
    let mut shape = indices.shape().to_vec();
    shape.push(dim);
    crate::tensor::admit::<E>("Embedding", &shape)?;
    let w = weight.data();
    let mut out = Vec::with_capacity(idx.len() * dim);
    for &i in &idx {
        out.extend_from_slice(&w[i * dim..][..dim]);
    }
    drop(w);
    Ok(DynTensor::from_op(out, shape, &[weight], || {
        EmbeddingBackward {
            indices: idx,
            num_embeddings: n,
            dim,
            options,
        }
    }))
}

/// The weight gradient of an [`embedding`] call as rows, what PyTorch's
/// `sparse=True` gives: `grad_output` `[*indices.shape, dim]`.
///
/// ```
/// use nncore::{ops::{embedding_sparse_grad, EmbeddingOptions}, LongTensor};
/// let i = LongTensor::from_slice(&[2, 0, 2]);
/// let g = embedding_sparse_grad(&i, &[1.0, 1.0, 1.0], 4, 1, EmbeddingOptions::default()).unwrap();
/// assert_eq!((g.rows, g.values), (vec![0, 2], vec![1.0, 2.0]));
/// ```
#[nnmacro::__compiled_once]
pub fn embedding_sparse_grad<E: Element>(
    indices: &LongTensor,
    grad_output: &[E],
    num_embeddings: usize,
    dim: usize,
    options: EmbeddingOptions,
) -> Result<RowSparseGrad<E>> {
    let idx = checked_indices(indices, num_embeddings)?;
    if grad_output.len() != idx.len() * dim {
        return Err(Error::shape(
            "Embedding",
            format!("a gradient of {} values", idx.len() * dim),
            format!("{} values", grad_output.len()),
        ));
    }
    let (rows, values): (Vec<usize>, Vec<Vec<E>>) = row_grads(&idx, grad_output, dim, options)
        .into_iter()
        .unzip();
    Ok(RowSparseGrad {
        num_rows: num_embeddings,
        row_len: dim,
        rows,
        values: values.concat(),
    })
}

/// Rescales, in place and outside autograd, each row of `weight` used by
/// `indices` whose `norm_type`-norm exceeds `max_norm` to norm `max_norm`
/// (PyTorch's `embedding_renorm_`, scale `max_norm / (norm + 1e-7)`).
///
/// ```
/// use nncore::{ops::embedding_renorm_, DynTensor, LongTensor};
/// let w = DynTensor::<f64>::from_vec(vec![3.0, 4.0, 0.3, 0.4], &[2, 2]).unwrap();
/// embedding_renorm_(&w, &LongTensor::from_slice(&[0, 1]), 1.0, 2.0).unwrap();
/// let v = w.to_vec();
/// assert!((v[0] - 0.6).abs() < 1e-6 && v[2] == 0.3);
/// ```
#[nnmacro::__compiled_once]
pub fn embedding_renorm_<E: Element>(
    weight: &DynTensor<E>,
    indices: &LongTensor,
    max_norm: f64,
    norm_type: f64,
) -> Result<()> {
    let (n, dim) = weight_dims(weight)?;
    let mut idx = checked_indices(indices, n)?;
    idx.sort_unstable();
    idx.dedup();
    let mut w = weight.data_mut();
    for i in idx {
        let row = &mut w[i * dim..][..dim];
        let norm = super::norm::p_norm(row.iter().map(|v| v.as_f64().abs()), norm_type);
        if norm > max_norm {
            let scale = E::of(max_norm / (norm + 1e-7));
            row.iter_mut().for_each(|v| *v *= scale);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    // Only the plain lookup: padding_idx and scale_grad_by_freq change the
    // gradient on purpose (it is no longer the derivative); the conformance
    // cases check them against PyTorch.
    #[test]
    fn gradcheck_embedding() {
        let i = LongTensor::from_vec(vec![1, 3, 1, 0, 4, 3], &[2, 3]).unwrap();
        let w = rand64(&[5, 2], 1).requires_grad_(true);
        gradcheck(
            |t| embedding(&i, &t[0], EmbeddingOptions::default()),
            &[w],
            GradcheckOptions::default(),
        )
        .unwrap();
    }

    #[test]
    fn sparse_grad_matches_the_dense_one() {
        let i = LongTensor::from_vec(vec![1, 3, 1, 0], &[4]).unwrap();
        let options = EmbeddingOptions {
            padding_idx: Some(0),
            scale_grad_by_freq: true,
        };
        let w = rand64(&[5, 3], 1).requires_grad_(true);
        let y = embedding(&i, &w, options).unwrap();
        let g = rand64(y.shape(), 2).to_vec();
        crate::autograd::backward_with(&y, g.clone()).unwrap();
        let sparse = embedding_sparse_grad(&i, &g, 5, 3, options).unwrap();
        assert_eq!(sparse.rows, vec![1, 3]);
        assert_eq!(sparse.to_dense(), w.grad().unwrap());
    }
}
