//! Parameters and buffers: the tensors a module owns.

use super::SparseGrad;
use crate::{DynTensor, Element, Error, Result};
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};

/// A learnable tensor of a module, like `torch.nn.Parameter`: a shared
/// handle (cloning it shares data and gradient), created with
/// `requires_grad = true`. The model and its optimizer hold clones of the
/// same handle, so an optimizer step is seen by the model.
///
/// Models hold `Parameter` (`f32`); `Parameter<f64>` serves gradient checks
/// and the float64 optimizer conformance cases.
///
/// Besides the dense gradient of its tensor, a parameter has a slot for a
/// row-sparse gradient ([`SparseGrad`]), which an `Embedding(sparse=True)`
/// fills with [`Parameter::accumulate_sparse_grad`] and
/// [`crate::optim::SparseAdam`] consumes.
///
/// ```
/// use nncore::nn::Parameter;
/// let p = Parameter::new(vec![0.5, -0.5], &[2]);
/// let q = p.clone();
/// q.data_mut()[0] = 1.0;
/// assert_eq!(p.to_vec(), vec![1.0, -0.5]);
/// assert!(p.requires_grad());
/// ```
#[derive(Clone, Debug)]
pub struct Parameter<E: Element = f32> {
    tensor: DynTensor<E>,
    sparse_grad: Arc<Mutex<Option<SparseGrad<E>>>>,
}

impl Parameter<f32> {
    /// A parameter holding `data` with the given shape.
    ///
    /// # Panics
    /// When `data.len()` is not the product of `shape` (a bug in the caller).
    pub fn new(data: Vec<f32>, shape: &[usize]) -> Self {
        Self::of(data, shape)
    }
}

impl<E: Element> Parameter<E> {
    /// A parameter of any element type (`Parameter::<f64>::of`); `new` is
    /// the `f32` shorthand.
    ///
    /// # Panics
    /// When `data.len()` is not the product of `shape` (a bug in the caller).
    ///
    /// ```
    /// use nncore::nn::Parameter;
    /// let p = Parameter::<f64>::of(vec![1.0, 2.0], &[2]);
    /// assert_eq!(p.to_vec(), vec![1.0, 2.0]);
    /// ```
    pub fn of(data: Vec<E>, shape: &[usize]) -> Self {
        let t =
            DynTensor::from_vec(data, shape).expect("Parameter::new: data length must match shape");
        Self::wrap(t.requires_grad_(true))
    }

    fn wrap(tensor: DynTensor<E>) -> Self {
        Parameter {
            tensor,
            sparse_grad: Arc::new(Mutex::new(None)),
        }
    }

    /// Wraps an existing leaf tensor as a parameter.
    pub fn from_tensor(tensor: DynTensor<E>) -> Self {
        Self::wrap(tensor.detach().requires_grad_(true))
    }

    /// The parameter as a tensor handle (shared).
    pub fn tensor(&self) -> &DynTensor<E> {
        &self.tensor
    }

    /// Clears the dense and the sparse gradient (PyTorch's
    /// `zero_grad(set_to_none=True)`).
    pub fn zero_grad(&self) {
        self.tensor.zero_grad();
        *self.sparse_grad_lock() = None;
    }

    /// The row-sparse gradient slot (`None`: no sparse gradient).
    pub fn sparse_grad_lock(&self) -> MutexGuard<'_, Option<SparseGrad<E>>> {
        self.sparse_grad
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A copy of the sparse gradient, if any.
    pub fn sparse_grad(&self) -> Option<SparseGrad<E>> {
        self.sparse_grad_lock().clone()
    }

    /// Adds a row-sparse gradient: `values` holds one row (of
    /// `numel / shape[0]` values) per entry of `rows`, rows of the first
    /// dimension. Like PyTorch's uncoalesced sparse gradients, rows may
    /// repeat and repeated rows sum; a second call appends. This is how an
    /// `Embedding` with `sparse: true` reports its weight gradient from its
    /// backward pass (it holds a clone of its weight `Parameter`).
    ///
    /// Fails (leaving the gradient unchanged) when a row is out of range or
    /// `values` has the wrong length.
    ///
    /// ```
    /// use nncore::nn::Parameter;
    /// let w = Parameter::new(vec![0.0; 6], &[3, 2]);
    /// w.accumulate_sparse_grad(&[2, 0], &[1.0, 1.0, 2.0, 2.0]).unwrap();
    /// assert_eq!(w.sparse_grad().unwrap().to_dense(3), vec![2.0, 2.0, 0.0, 0.0, 1.0, 1.0]);
    /// assert!(w.accumulate_sparse_grad(&[3], &[0.0, 0.0]).is_err());
    /// ```
    pub fn accumulate_sparse_grad(&self, rows: &[usize], values: &[E]) -> Result<()> {
        let shape = self.tensor.shape();
        let Some(&n_rows) = shape.first() else {
            return Err(Error::option(
                "Parameter.sparse_grad",
                "rows",
                "a scalar parameter has no rows",
            ));
        };
        let row_len = self.tensor.numel().checked_div(n_rows).unwrap_or(0);
        if let Some(&bad) = rows.iter().find(|&&r| r >= n_rows) {
            return Err(Error::IndexOutOfRange {
                op: "Parameter.sparse_grad",
                what: "row",
                index: bad as i64,
                bound: n_rows,
            });
        }
        if values.len() != rows.len() * row_len {
            return Err(Error::shape(
                "Parameter.sparse_grad",
                format!(
                    "{} values ({} rows of {row_len})",
                    rows.len() * row_len,
                    rows.len()
                ),
                format!("{} values", values.len()),
            ));
        }
        let mut slot = self.sparse_grad_lock();
        let grad = slot.get_or_insert_with(|| SparseGrad::new(row_len));
        grad.rows.extend_from_slice(rows);
        grad.values.extend_from_slice(values);
        Ok(())
    }
}

impl<E: Element> Deref for Parameter<E> {
    type Target = DynTensor<E>;
    fn deref(&self) -> &DynTensor<E> {
        &self.tensor
    }
}

/// A tensor a module keeps that is not learned but is part of its state
/// (BatchNorm's `running_mean`), saved in the state_dict like PyTorch's
/// registered buffers.
///
/// ```
/// use nncore::nn::Buffer;
/// let b = Buffer::new(vec![0.0; 3], &[3]);
/// assert!(!b.requires_grad());
/// ```
#[derive(Clone, Debug)]
pub struct Buffer(DynTensor<f32>);

impl Buffer {
    /// A buffer holding `data` with the given shape.
    ///
    /// # Panics
    /// When `data.len()` is not the product of `shape`.
    pub fn new(data: Vec<f32>, shape: &[usize]) -> Self {
        Buffer(DynTensor::from_vec(data, shape).expect("Buffer::new: data length must match shape"))
    }

    /// The buffer as a tensor handle (shared).
    pub fn tensor(&self) -> &DynTensor<f32> {
        &self.0
    }
}

impl Deref for Buffer {
    type Target = DynTensor<f32>;
    fn deref(&self) -> &DynTensor<f32> {
        &self.0
    }
}
