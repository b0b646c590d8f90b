//! Typed wrappers of the elementwise ops: the shape is preserved, or, for
//! two tensors, must be the same (a residual add of different shapes does
//! not compile).

use super::Tensor;
use crate::Element;
use crate::shape::{SameShape, Shape};
use std::ops::{Add, Mul, Sub};

macro_rules! shape_preserving {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        impl<S: Shape, E: Element> Tensor<S, E> {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Self {
                    Tensor::from_raw_unchecked(self.as_dyn().$name(), self.shape())
                }
            )*
        }
    };
}

shape_preserving! {
    /// `max(x, 0)` elementwise.
    relu,
    /// The logistic sigmoid elementwise.
    sigmoid,
    /// `tanh` elementwise.
    tanh,
    /// `exp` elementwise.
    exp,
    /// `ln` elementwise.
    log,
    /// `-x`.
    neg,
}

impl<S: Shape, E: Element> Tensor<S, E> {
    /// `x * value`.
    pub fn mul_scalar(&self, value: E) -> Self {
        Tensor::from_raw_unchecked(self.as_dyn().mul_scalar(value), self.shape())
    }

    /// `x + value`.
    pub fn add_scalar(&self, value: E) -> Self {
        Tensor::from_raw_unchecked(self.as_dyn().add_scalar(value), self.shape())
    }

    /// The sum of all elements.
    pub fn sum(&self) -> Tensor<(), E> {
        Tensor::from_raw_unchecked(self.as_dyn().sum(), ())
    }

    /// The mean of all elements.
    pub fn mean(&self) -> Tensor<(), E> {
        Tensor::from_raw_unchecked(self.as_dyn().mean(), ())
    }
}

macro_rules! same_shape_op {
    ($trait:ident, $method:ident, $doc:literal) => {
        #[doc = $doc]
        ///
        /// # Panics
        /// When a runtime (`Dyn`) size differs between the two tensors; static
        /// sizes are checked at compile time.
        impl<S: Shape + SameShape<S2>, S2: Shape, E: Element> $trait<Tensor<S2, E>>
            for Tensor<S, E>
        {
            type Output = Tensor<S, E>;
            fn $method(self, rhs: Tensor<S2, E>) -> Tensor<S, E> {
                (&self).$method(&rhs)
            }
        }

        #[doc = $doc]
        impl<S: Shape + SameShape<S2>, S2: Shape, E: Element> $trait<&Tensor<S2, E>>
            for &Tensor<S, E>
        {
            type Output = Tensor<S, E>;
            fn $method(self, rhs: &Tensor<S2, E>) -> Tensor<S, E> {
                if self.dims() != rhs.dims() {
                    panic!(
                        "{}: runtime sizes differ: {} and {}",
                        stringify!($method),
                        self.dims(),
                        rhs.dims()
                    );
                }
                let y = self
                    .as_dyn()
                    .$method(rhs.as_dyn())
                    .unwrap_or_else(|e| panic!("{e}"));
                Tensor::from_raw_unchecked(y, self.shape())
            }
        }
    };
}

same_shape_op!(
    Add,
    add,
    "Elementwise sum of two tensors of the same shape (a residual connection)."
);
same_shape_op!(
    Sub,
    sub,
    "Elementwise difference of two tensors of the same shape."
);
same_shape_op!(
    Mul,
    mul,
    "Elementwise product of two tensors of the same shape."
);
