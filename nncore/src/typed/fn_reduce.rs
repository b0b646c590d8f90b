//! The typed functional API, ops over one dimension: `sum_dim`,
//! `mean_dim`, `max_dim`, `argmax` (with `_keepdim` twins), `softmax` and
//! `log_softmax`; and `eq`, `sum` and `item` for the `i64` results, so
//! that PyTorch's `output.argmax(1).eq(target).sum().item()` reads
//! `output.argmax::<1>().eq(&target).sum().item()`.
//!
//! `x.sum_dim::<1>()` is `x.sum(1)`; `x.sum_keepdim::<1>()` is
//! `x.sum(1, keepdim=True)`. The dimension is a `const` argument checked by
//! [`AxisRule`]; `keepdim` is part of the name rather than a `bool`
//! argument because it changes the output's type.

use super::fn_shape::runtime;
use super::{DType, Tensor};
use crate::shape::{AxisRule, KeepDim, RemoveDim, SameShape, Shape, U1};
use crate::{Element, LongTensor};

impl<S: Shape, E: Element> Tensor<S, E> {
    /// The sum over dimension `D`, removing it, like `x.sum(D)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U3)>::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], (Dyn(2), U3::new())).unwrap();
    /// let rows: Tensor<(Dyn,)> = x.sum_dim::<1>();
    /// assert_eq!(rows.to_vec(), vec![6.0, 15.0]);
    /// let cols: Tensor<(U1, U3)> = x.sum_keepdim::<0>();
    /// assert_eq!(cols.to_vec(), vec![5.0, 7.0, 9.0]);
    /// ```
    pub fn sum_dim<const D: usize>(&self) -> Tensor<RemoveDim<S, D>, E>
    where
        S: AxisRule<D>,
    {
        let y = runtime(self.as_dyn().sum_dim(D as isize));
        Tensor::from_raw_unchecked(y, self.shape().removed())
    }

    /// The sum over dimension `D`, kept with size 1, like
    /// `x.sum(D, keepdim=True)`.
    pub fn sum_keepdim<const D: usize>(&self) -> Tensor<KeepDim<S, D>, E>
    where
        S: AxisRule<D>,
    {
        let shape = self.shape().with(U1::new());
        let y = runtime(self.as_dyn().sum_dim(D as isize));
        Tensor::from_raw_unchecked(y.reshaped(shape.dims().as_slice()), shape)
    }

    /// The mean over dimension `D`, removing it, like `x.mean(D)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(U2, U2)>::from_vec(vec![1.0, 3.0, 5.0, 7.0], (U2::new(), U2::new())).unwrap();
    /// assert_eq!(x.mean_dim::<0>().to_vec(), vec![3.0, 5.0]);
    /// assert_eq!(x.mean_keepdim::<1>().dims().as_slice(), &[2, 1]);
    /// ```
    pub fn mean_dim<const D: usize>(&self) -> Tensor<RemoveDim<S, D>, E>
    where
        S: AxisRule<D>,
    {
        let y = runtime(self.as_dyn().mean_dim(D as isize));
        Tensor::from_raw_unchecked(y, self.shape().removed())
    }

    /// The mean over dimension `D`, kept with size 1, like
    /// `x.mean(D, keepdim=True)`.
    pub fn mean_keepdim<const D: usize>(&self) -> Tensor<KeepDim<S, D>, E>
    where
        S: AxisRule<D>,
    {
        let shape = self.shape().with(U1::new());
        let y = runtime(self.as_dyn().mean_dim(D as isize));
        Tensor::from_raw_unchecked(y.reshaped(shape.dims().as_slice()), shape)
    }

    /// The largest value over dimension `D` and its index, removing `D`,
    /// like `x.max(D)` (values, indices). The gradient flows to the chosen
    /// elements.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U3)>::from_vec(vec![0.1, 0.7, 0.2, 0.9, 0.0, 0.1], (Dyn(2), U3::new())).unwrap();
    /// let (values, indices) = x.max_dim::<1>();
    /// assert_eq!(values.to_vec(), vec![0.7, 0.9]);
    /// assert_eq!(indices.to_vec(), vec![1, 0]);
    /// ```
    pub fn max_dim<const D: usize>(
        &self,
    ) -> (Tensor<RemoveDim<S, D>, E>, Tensor<RemoveDim<S, D>, i64>)
    where
        S: AxisRule<D>,
    {
        let shape = self.shape().removed();
        let (values, indices) = runtime(self.as_dyn().max_dim(D as isize));
        (
            Tensor::from_raw_unchecked(values, shape),
            Tensor::from_raw_unchecked(indices, shape),
        )
    }

    /// [`max_dim`](Self::max_dim) keeping dimension `D` with size 1, like
    /// `x.max(D, keepdim=True)`.
    pub fn max_keepdim<const D: usize>(
        &self,
    ) -> (Tensor<KeepDim<S, D>, E>, Tensor<KeepDim<S, D>, i64>)
    where
        S: AxisRule<D>,
    {
        let shape = self.shape().with(U1::new());
        let (values, indices) = runtime(self.as_dyn().max_dim(D as isize));
        let dims = shape.dims();
        let indices = runtime(LongTensor::from_vec(
            indices.data().to_vec(),
            dims.as_slice(),
        ));
        (
            Tensor::from_raw_unchecked(values.reshaped(dims.as_slice()), shape),
            Tensor::from_raw_unchecked(indices, shape),
        )
    }

    /// The index of the largest value over dimension `D` (the first on
    /// ties), removing `D`, like `x.argmax(D)`: the predicted class of each
    /// row of logits.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let logits = Tensor::<(Dyn, U3)>::from_vec(vec![0.1, 0.7, 0.2, 0.9, 0.0, 0.1], (Dyn(2), U3::new())).unwrap();
    /// let target = Tensor::<(Dyn,), i64>::from_vec(vec![1, 2], (Dyn(2),)).unwrap();
    /// let correct = logits.argmax::<1>().eq(&target).sum().item();
    /// assert_eq!(correct, 1);
    /// ```
    pub fn argmax<const D: usize>(&self) -> Tensor<RemoveDim<S, D>, i64>
    where
        S: AxisRule<D>,
    {
        let y = runtime(self.as_dyn().argmax(D as isize));
        Tensor::from_raw_unchecked(y, self.shape().removed())
    }

    /// [`argmax`](Self::argmax) keeping dimension `D` with size 1, like
    /// `x.argmax(D, keepdim=True)`.
    pub fn argmax_keepdim<const D: usize>(&self) -> Tensor<KeepDim<S, D>, i64>
    where
        S: AxisRule<D>,
    {
        let shape = self.shape().with(U1::new());
        let y = runtime(self.as_dyn().argmax(D as isize));
        let y = runtime(LongTensor::from_vec(
            y.data().to_vec(),
            shape.dims().as_slice(),
        ));
        Tensor::from_raw_unchecked(y, shape)
    }

    /// Softmax over dimension `D`, like `F.softmax(x, dim=D)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new())).unwrap();
    /// assert_eq!(x.softmax::<1>().to_vec(), vec![0.25; 8]);
    /// ```
    pub fn softmax<const D: usize>(&self) -> Self
    where
        S: AxisRule<D>,
    {
        let y = runtime(self.as_dyn().softmax(D as isize));
        Tensor::from_raw_unchecked(y, self.shape())
    }

    /// Log-softmax over dimension `D`, like `F.log_softmax(x, dim=D)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U2)>::zeros((Dyn(1), U2::new())).unwrap();
    /// assert_eq!(x.log_softmax::<1>().to_vec(), vec![-(2f32.ln()); 2]);
    /// ```
    pub fn log_softmax<const D: usize>(&self) -> Self
    where
        S: AxisRule<D>,
    {
        let y = runtime(self.as_dyn().log_softmax(D as isize));
        Tensor::from_raw_unchecked(y, self.shape())
    }
}

impl<S: Shape, D: DType + PartialEq> Tensor<S, D> {
    /// 1 where the two tensors are equal and 0 elsewhere, as `i64`, like
    /// `torch.eq` (whose bool result sums to an integer). The shapes must
    /// be the same ([`SameShape`]).
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let a = Tensor::<(U3,), i64>::from_vec(vec![1, 2, 3], (U3::new(),)).unwrap();
    /// let b = Tensor::<(U3,), i64>::from_vec(vec![1, 0, 3], (U3::new(),)).unwrap();
    /// assert_eq!(a.eq(&b).to_vec(), vec![1, 0, 1]);
    /// ```
    ///
    /// # Panics
    /// When a runtime (`Dyn`) size differs between the two tensors.
    pub fn eq<S2: Shape>(&self, other: &Tensor<S2, D>) -> Tensor<S, i64>
    where
        S: SameShape<S2>,
    {
        if self.dims() != other.dims() {
            panic!(
                "eq: runtime sizes differ: {} and {}",
                self.dims(),
                other.dims()
            );
        }
        let (a, b) = (self.to_vec(), other.to_vec());
        let same = a.iter().zip(&b).map(|(x, y)| i64::from(x == y)).collect();
        let y = runtime(LongTensor::from_vec(same, self.dims().as_slice()));
        Tensor::from_raw_unchecked(y, self.shape())
    }
}

impl<S: Shape> Tensor<S, i64> {
    /// The sum of all elements, like `x.sum()` on an integer tensor (a
    /// count of correct predictions).
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(U3,), i64>::from_vec(vec![1, 0, 1], (U3::new(),)).unwrap();
    /// assert_eq!(x.sum().item(), 2);
    /// ```
    pub fn sum(&self) -> Tensor<(), i64> {
        let total = self.as_dyn().data().iter().sum();
        Tensor::from_raw_unchecked(runtime(LongTensor::from_vec(vec![total], &[])), ())
    }
}

impl Tensor<(), i64> {
    /// The value of an integer scalar, like `.item()`.
    pub fn item(&self) -> i64 {
        self.as_dyn().data()[0]
    }
}
