//! Row-sparse gradients, like PyTorch's sparse COO gradient of an
//! `Embedding(sparse=True)` weight: a list of rows of the first dimension
//! and one row of values per entry.

use crate::Element;

/// A row-sparse gradient over the first dimension of a parameter: row
/// `rows[i]` of the gradient is `values[i * row_len..(i + 1) * row_len]`,
/// other rows are zero. Rows may repeat (uncoalesced); repeated rows sum.
///
/// Produce one with [`Parameter::accumulate_sparse_grad`](super::Parameter::accumulate_sparse_grad).
///
/// ```
/// use nncore::optim::SparseGrad;
/// let g = SparseGrad { row_len: 2, rows: vec![1, 1], values: vec![1.0f64, 2.0, 3.0, 4.0] };
/// let c = g.coalesce();
/// assert_eq!((c.rows, c.values), (vec![1], vec![4.0, 6.0]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SparseGrad<E> {
    /// The number of values in one row (`numel / shape[0]`).
    pub row_len: usize,
    /// Row indices, possibly repeated.
    pub rows: Vec<usize>,
    /// `rows.len() * row_len` values, row-major.
    pub values: Vec<E>,
}

impl<E: Element> SparseGrad<E> {
    /// An empty gradient with rows of `row_len` values.
    pub fn new(row_len: usize) -> Self {
        SparseGrad {
            row_len,
            rows: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Sorted unique rows, repeated rows summed (PyTorch's `coalesce`).
    pub fn coalesce(&self) -> SparseGrad<E> {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        order.sort_by_key(|&i| self.rows[i]);
        let mut out = SparseGrad::new(self.row_len);
        for i in order {
            let src = &self.values[i * self.row_len..(i + 1) * self.row_len];
            if out.rows.last() == Some(&self.rows[i]) {
                let start = out.values.len() - self.row_len;
                for (o, &v) in out.values[start..].iter_mut().zip(src) {
                    *o += v;
                }
            } else {
                out.rows.push(self.rows[i]);
                out.values.extend_from_slice(src);
            }
        }
        out
    }

    /// The dense gradient of a parameter with `n_rows` rows.
    pub fn to_dense(&self, n_rows: usize) -> Vec<E> {
        let mut dense = vec![E::zero(); n_rows * self.row_len];
        for (i, &r) in self.rows.iter().enumerate() {
            let src = &self.values[i * self.row_len..(i + 1) * self.row_len];
            for (d, &v) in dense[r * self.row_len..(r + 1) * self.row_len]
                .iter_mut()
                .zip(src)
            {
                *d += v;
            }
        }
        dense
    }
}
