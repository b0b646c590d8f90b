//! PyTorch's `TensorDataset`: examples are the rows (first-dimension
//! slices) of tensors held in memory.

use super::{Collate, Dataset};
use crate::shape::{AxisRule, Dyn, InsertRule, RemoveDim, Shape};
use crate::{Element, Error, Result, Tensor};

/// A tensor whose first dimension indexes examples, as
/// [`TensorDataset`] takes them: a float tensor of any rank (row `i` is
/// `x[i]`), or a 1-D `i64` tensor of class indices (row `i` is the index).
///
/// ```
/// use nncore::data::Rows;
/// use nncore::{Tensor, shape::*};
/// let y = Tensor::<(Dyn,), i64>::from_vec(vec![4, 2], (Dyn(2),))?;
/// assert_eq!((y.rows(), y.row(1)), (2, 2));
/// # Ok::<(), nncore::Error>(())
/// ```
pub trait Rows: Send + Sync {
    /// One row.
    type Row: Collate;
    /// The number of rows (the size of the first dimension).
    fn rows(&self) -> usize;
    /// Row `index`.
    ///
    /// # Panics
    /// If `index >= self.rows()`.
    fn row(&self, index: usize) -> Self::Row;
}

impl<S, E: Element> Rows for Tensor<S, E>
where
    S: Shape + AxisRule<0>,
    RemoveDim<S, 0>: InsertRule<0>,
{
    type Row = Tensor<RemoveDim<S, 0>, E>;

    fn rows(&self) -> usize {
        self.dims().as_slice()[0]
    }

    fn row(&self, index: usize) -> Self::Row {
        crate::autograd::no_grad(|| self.detach().select::<0>(index as isize))
    }
}

impl Rows for Tensor<(Dyn,), i64> {
    type Row = i64;

    fn rows(&self) -> usize {
        self.dims().as_slice()[0]
    }

    fn row(&self, index: usize) -> i64 {
        self.as_dyn().data()[index]
    }
}

/// A dataset of in-memory tensors, PyTorch's
/// `TensorDataset(inputs, targets)`: example `i` is
/// `(inputs[i], targets[i])`, and a [`DataLoader`](super::DataLoader) over
/// it yields batches of the same types as the tensors given.
///
/// ```
/// use nncore::data::{DataLoader, TensorDataset};
/// use nncore::{Tensor, shape::*};
///
/// let x = Tensor::<(Dyn, U2)>::from_vec((0..10).map(|i| i as f32).collect(), (Dyn(5), U2::new()))?;
/// let y = Tensor::<(Dyn,), i64>::from_vec(vec![0, 1, 0, 1, 1], (Dyn(5),))?;
/// let loader = DataLoader::new(TensorDataset::new(x, y)?, 2)?;
/// let batches: Vec<(Tensor<(Dyn, U2)>, Tensor<(Dyn,), i64>)> = loader.iter().collect();
/// assert_eq!(batches.len(), 3);
/// assert_eq!(batches[1].0.to_vec(), [4.0, 5.0, 6.0, 7.0]);
/// assert_eq!(batches[2].1.to_vec(), [1]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TensorDataset<A, B> {
    inputs: A,
    targets: B,
}

impl<A: Rows, B: Rows> TensorDataset<A, B> {
    /// The dataset of the rows of `inputs` and `targets`.
    ///
    /// Fails with [`Error::InvalidOption`] when the two differ in their
    /// number of rows (PyTorch: "Size mismatch between tensors").
    ///
    /// ```
    /// use nncore::data::TensorDataset;
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U2)>::zeros((Dyn(5), U2::new()))?;
    /// let y = Tensor::<(Dyn,), i64>::from_vec(vec![0; 4], (Dyn(4),))?;
    /// let err = TensorDataset::new(x, y).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "TensorDataset: invalid targets: the inputs have 5 rows but the targets 4; they must match one to one"
    /// );
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn new(inputs: A, targets: B) -> Result<Self> {
        if inputs.rows() != targets.rows() {
            return Err(Error::option(
                "TensorDataset",
                "targets",
                format!(
                    "the inputs have {} rows but the targets {}; they must match one to one",
                    inputs.rows(),
                    targets.rows()
                ),
            ));
        }
        Ok(TensorDataset { inputs, targets })
    }

    /// The inputs tensor.
    pub fn inputs(&self) -> &A {
        &self.inputs
    }

    /// The targets tensor.
    pub fn targets(&self) -> &B {
        &self.targets
    }
}

impl<A: Rows, B: Rows> Dataset for TensorDataset<A, B> {
    type Item = (A::Row, B::Row);

    fn len(&self) -> usize {
        self.inputs.rows()
    }

    fn get(&self, index: usize) -> Self::Item {
        (self.inputs.row(index), self.targets.row(index))
    }
}
