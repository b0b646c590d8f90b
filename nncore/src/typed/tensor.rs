//! `Tensor<S, D>`: construction, conversion and access.

use super::DType;
use super::dtype::{IntLabel, IntStorage};
use crate::autograd::BackwardOptions;
use crate::shape::{Dims, Shape};
use crate::{DynTensor, Element, Error, Result};
use std::fmt;

/// A tensor whose shape is part of its type: `Tensor<(Dyn, U1, U28, U28)>`
/// is a batch of 28×28 single-channel images, with the batch size known at
/// run time and the rest at compile time.
///
/// Layers implement `Forward<Tensor<S>>` only for shapes `S` that fit them,
/// so a model whose sizes do not chain does not compile. The element type
/// `D` is `f32` by default; `i64` tensors hold class labels.
///
/// ```
/// use nncore::{Tensor, shape::{Dyn, consts::U3}};
/// let x = Tensor::<(Dyn, U3)>::from_vec(vec![1.0; 6], (Dyn(2), U3::default())).unwrap();
/// assert_eq!(x.dims().as_slice(), &[2, 3]);
/// let labels = Tensor::<(Dyn,), i64>::from_vec(vec![0, 2], (Dyn(2),)).unwrap();
/// assert_eq!(labels.to_vec(), vec![0, 2]);
/// ```
pub struct Tensor<S: Shape, D: DType = f32> {
    raw: D::Storage,
    shape: S,
}

impl<S: Shape, D: DType> Clone for Tensor<S, D> {
    fn clone(&self) -> Self {
        Tensor {
            raw: self.raw.clone(),
            shape: self.shape,
        }
    }
}

impl<S: Shape, D: DType> Tensor<S, D> {
    /// Wraps a runtime tensor whose sizes the caller has already proven to
    /// be `shape` (the typed ops do, by their trait bounds).
    pub(crate) fn from_raw_unchecked(raw: D::Storage, shape: S) -> Self {
        debug_assert_eq!(
            D::storage_shape(&raw),
            shape.dims().as_slice(),
            "typed op produced a wrong shape"
        );
        Tensor { raw, shape }
    }

    /// Checks a runtime tensor against the static dims of `S` (filling the
    /// `Dyn` ones) — where data from files or a dynamic model enters the
    /// statically shaped world.
    ///
    /// ```
    /// use nncore::{DynTensor, Tensor, shape::{Dyn, consts::U4}};
    /// let raw = DynTensor::<f32>::zeros(&[8, 4]).unwrap();
    /// let x = Tensor::<(Dyn, U4)>::from_dyn(raw).unwrap();
    /// assert_eq!(x.shape().0, Dyn(8));
    /// let err = Tensor::<(Dyn, U4)>::from_dyn(DynTensor::<f32>::zeros(&[8, 5]).unwrap()).unwrap_err();
    /// assert_eq!(err.to_string(), "Tensor::from_dyn: shape mismatch: expected [*, 4], found [8, 5]");
    /// ```
    pub fn from_dyn(raw: D::Storage) -> Result<Self> {
        let dims = D::storage_shape(&raw);
        let shape = S::from_dims(dims)
            .ok_or_else(|| Error::shape("Tensor::from_dyn", S::describe(), format!("{dims:?}")))?;
        Ok(Tensor { raw, shape })
    }

    /// The runtime tensor inside (a shared handle).
    pub fn as_dyn(&self) -> &D::Storage {
        &self.raw
    }

    /// Converts into the runtime tensor.
    pub fn into_dyn(self) -> D::Storage {
        self.raw
    }

    /// The shape value (static dims are zero-sized; `Dyn` dims hold sizes).
    pub fn shape(&self) -> S {
        self.shape
    }

    /// The runtime sizes.
    pub fn dims(&self) -> Dims {
        self.shape.dims()
    }
}

impl<S: Shape, D: DType> Tensor<S, D> {
    /// A tensor from row-major data with the given shape value; an error
    /// when the length does not match.
    pub fn from_vec(data: Vec<D>, shape: S) -> Result<Self> {
        Ok(Tensor {
            raw: D::storage_from_vec(data, shape.dims().as_slice())?,
            shape,
        })
    }

    /// Copies the values out, row-major.
    pub fn to_vec(&self) -> Vec<D> {
        D::storage_to_vec(&self.raw)
    }
}

impl<S: Shape, E: Element> Tensor<S, E> {
    /// Zeros of the given shape; an error when the shape (its `Dyn` sizes
    /// are runtime numbers) does not fit in memory.
    ///
    /// ```
    /// use nncore::{Tensor, shape::{Dyn, consts::U784}};
    /// let x = Tensor::<(Dyn, U784)>::zeros((Dyn(2), U784::default()))?;
    /// assert_eq!(x.dims().as_slice(), &[2, 784]);
    /// let err = Tensor::<(Dyn, U784)>::zeros((Dyn(1 << 60), U784::default())).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "zeros: shape [1152921504606846976, 784] is too large: the product of its sizes overflows usize"
    /// );
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn zeros(shape: S) -> Result<Self> {
        Ok(Tensor {
            raw: DynTensor::zeros(shape.dims().as_slice())?,
            shape,
        })
    }

    /// Standard normal draws (Kiln's seeded generator) of the given shape;
    /// an error when the shape does not fit in memory.
    pub fn randn(shape: S) -> Result<Self> {
        Ok(Tensor {
            raw: DynTensor::randn(shape.dims().as_slice())?,
            shape,
        })
    }

    /// Back-propagates from this scalar (a loss), like `loss.backward()`.
    /// The graph is released: a second call fails (see
    /// [`backward_with_options`](Self::backward_with_options)), as does a
    /// call after an optimizer step changed a weight the forward used.
    pub fn backward(&self) -> Result<()> {
        self.raw.backward()
    }

    /// [`backward`](Self::backward) with options, like
    /// `loss.backward(retain_graph=True)`.
    ///
    /// ```
    /// use nncore::{Tensor, autograd::BackwardOptions, shape::consts::U2};
    /// let x = Tensor::<(U2,)>::from_vec(vec![1.0, 2.0], (U2::default(),))?.requires_grad_(true);
    /// let loss = x.softmax::<0>().sum();
    /// loss.backward_with_options(BackwardOptions::default().retain_graph(true))?;
    /// loss.backward()?;
    /// assert!(loss.backward().is_err()); // released by the last call
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn backward_with_options(&self, options: BackwardOptions) -> Result<()> {
        self.raw.backward_with_options(options)
    }

    /// How many times the data was changed in place, like PyTorch's
    /// `tensor._version` (see [`DynTensor::version`]).
    pub fn version(&self) -> u64 {
        self.raw.version()
    }

    /// Marks this tensor as needing a gradient.
    pub fn requires_grad_(self, requires_grad: bool) -> Self {
        self.raw.set_requires_grad(requires_grad);
        self
    }

    /// The accumulated gradient, if any.
    pub fn grad(&self) -> Option<Vec<E>> {
        self.raw.grad()
    }

    /// A copy without history, like `.detach()`.
    pub fn detach(&self) -> Self {
        Tensor {
            raw: self.raw.detach(),
            shape: self.shape,
        }
    }
}

impl<E: Element> Tensor<(), E> {
    /// The value of a scalar (a loss), like `.item()`.
    pub fn item(&self) -> E {
        self.raw.item()
    }
}

impl<S: Shape, T: IntLabel + DType<Storage = IntStorage<T>>> Tensor<S, T> {
    /// The labels as `i64` class indices, like PyTorch's `labels.long()`:
    /// labels read as `u8` (or another integer type) become the target
    /// `CrossEntropyLoss` and `Embedding` take. An error if a value does
    /// not fit in `i64` (only possible for `u64` and `usize`).
    ///
    /// ```
    /// use nncore::{Tensor, shape::Dyn};
    /// let raw = Tensor::<(Dyn,), u8>::from_vec(vec![7, 0, 255], (Dyn(3),)).unwrap();
    /// let labels: Tensor<(Dyn,), i64> = raw.long().unwrap();
    /// assert_eq!(labels.to_vec(), vec![7, 0, 255]);
    /// let err = Tensor::<(Dyn,), u64>::from_vec(vec![u64::MAX], (Dyn(1),)).unwrap().long();
    /// assert_eq!(err.unwrap_err().to_string(), "Tensor::long: invalid value: 18446744073709551615 does not fit in i64");
    /// ```
    pub fn long(&self) -> Result<Tensor<S, i64>> {
        let data = T::storage_to_vec(&self.raw)
            .into_iter()
            .map(|v| {
                v.to_i64().ok_or_else(|| {
                    Error::option(
                        "Tensor::long",
                        "value",
                        format!("{v:?} does not fit in i64"),
                    )
                })
            })
            .collect::<Result<Vec<i64>>>()?;
        Tensor::from_vec(data, self.shape)
    }
}

impl<S: Shape, D: DType> fmt::Debug for Tensor<S, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tensor{} {:?}", self.dims(), self.raw)
    }
}
