//! Which element type a loss's target holds, as bounds with readable
//! errors: a regression loss takes floats of the input's element type, a
//! classification loss takes `i64` class indices.
//!
//! The element checks ([`ElementTarget`], [`ClassTarget`]) are implemented
//! on the input's element type with the target's element type as
//! parameter, and have exactly one impl each, so the compiler infers the
//! target's element type where it is not written (`Tensor::zeros(..).unwrap()` as
//! an MSE target is `f32`; `vec![0, 2]` as labels is `i64`). The losses
//! take their target as a type parameter bounded by [`MseTarget`] or
//! [`CrossEntropyTarget`], which combine the element check with the shape rule.

use super::{DType, Tensor};
use crate::shape::{CrossEntropyRule, MseRule, Shape};
use crate::{DynTensor, Element, LongTensor};

/// A target of element type `D` for a loss whose input holds `Self`: only
/// `D = Self` (a float tensor of the input's type).
///
/// ```
/// use nncore::{ElementTarget, DynTensor};
/// fn float_target<D: nncore::DType>(s: &D::Storage) -> &DynTensor<f32>
/// where
///     f32: ElementTarget<D>,
/// {
///     <f32 as ElementTarget<D>>::target_storage(s)
/// }
/// let t = DynTensor::<f32>::zeros(&[2]).unwrap();
/// assert_eq!(float_target::<f32>(&t).shape(), &[2]);
/// ```
#[diagnostic::on_unimplemented(
    message = "wrong target type: this loss compares `{Self}` values with a target of the same type, but the target holds `{D}`",
    label = "expected a `{Self}` tensor here",
    note = "integer class labels belong to CrossEntropyLoss or NLLLoss; for a regression on labels convert them to floats first"
)]
pub trait ElementTarget<D: DType>: Element {
    /// The target's runtime tensor.
    fn target_storage(storage: &D::Storage) -> &DynTensor<Self>;
}

impl<E: Element> ElementTarget<E> for E {
    #[inline]
    fn target_storage(storage: &DynTensor<E>) -> &DynTensor<E> {
        storage
    }
}

/// A target of class indices, element type `D`, for logits holding `Self`:
/// only `D = i64`.
///
/// ```
/// use nncore::{ClassTarget, LongTensor};
/// fn labels<D: nncore::DType>(s: &D::Storage) -> &LongTensor
/// where
///     f32: ClassTarget<D>,
/// {
///     <f32 as ClassTarget<D>>::class_indices(s)
/// }
/// let t = LongTensor::from_slice(&[1, 0]);
/// assert_eq!(labels::<i64>(&t).shape(), &[2]);
/// ```
#[diagnostic::on_unimplemented(
    message = "wrong target type: CrossEntropyLoss expects class indices of type i64, got {D}",
    label = "expected a tensor of `i64` class indices here",
    note = "integer labels of another type become class indices with `.long()`, like in PyTorch",
    note = "for class probabilities (floats of the input's shape) use `Loss::forward_dyn` on runtime tensors"
)]
pub trait ClassTarget<D: DType>: Element {
    /// The target's runtime tensor of class indices.
    fn class_indices(storage: &D::Storage) -> &LongTensor;
}

impl<E: Element> ClassTarget<i64> for E {
    #[inline]
    fn class_indices(storage: &LongTensor) -> &LongTensor {
        storage
    }
}

/// A statically shaped [`Tensor`], seen through its shape and element
/// type: lets the loss targets below be blanket impls over any type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a statically shaped `Tensor`",
    note = "the typed losses take a `Tensor<S, D>`; runtime tensors go to `Loss::forward_dyn`"
)]
pub trait TypedTensor {
    /// The shape type `S`.
    type Shape: Shape;
    /// The element type `D`.
    type Elem: DType;
    /// The runtime storage.
    fn storage(&self) -> &<Self::Elem as DType>::Storage;
}

impl<S: Shape, D: DType> TypedTensor for Tensor<S, D> {
    type Shape = S;
    type Elem = D;
    #[inline]
    fn storage(&self) -> &D::Storage {
        self.as_dyn()
    }
}

/// Implemented on every target type `Self` that an `MSELoss` input of
/// shape `S` accepts: a [`Tensor`] of the same shape ([`MseRule`]) holding
/// `f32` ([`ElementTarget`]).
///
/// The target is a plain type parameter and this impl a blanket impl over
/// it, so that the compiler first takes the argument's type as written and
/// only then checks it: a wrong element type is reported by
/// [`ElementTarget`]'s message rather than as "mismatched types", a target
/// whose element type is not written (`Tensor::zeros(..).unwrap()`) is still
/// inferred as `f32`, and an error lists no "other types implementing" it.
///
/// ```
/// use nncore::{MseTarget, Tensor, shape::{Dyn, U2}};
/// fn check<S: nncore::shape::Shape, T: MseTarget<S>>(_: &Tensor<S>, _: &T) {}
/// let y = Tensor::<(Dyn, U2)>::zeros((Dyn(1), U2::new())).unwrap();
/// check(&y, &Tensor::zeros((Dyn(1), U2::new())).unwrap());
/// ```
pub trait MseTarget<S: Shape> {
    /// The target's runtime tensor.
    fn target_tensor(&self) -> &DynTensor<f32>;
}

impl<S, T> MseTarget<S> for T
where
    S: MseRule<T::Shape>,
    T: TypedTensor,
    f32: ElementTarget<T::Elem>,
{
    #[inline]
    fn target_tensor(&self) -> &DynTensor<f32> {
        <f32 as ElementTarget<T::Elem>>::target_storage(self.storage())
    }
}

/// Implemented on every target type `Self` that `CrossEntropyLoss` logits
/// of shape `S` accept: a [`Tensor`] of class indices, shape `(batch,)`
/// ([`CrossEntropyRule`]), holding `i64` ([`ClassTarget`]). A blanket impl
/// over a type parameter for the same reasons as [`MseTarget`]:
/// `vec![1, 7]` as labels is inferred as `i64`, and a float target gets
/// [`ClassTarget`]'s message.
///
/// ```
/// use nncore::{CrossEntropyTarget, Tensor, shape::{Dyn, U3}};
/// fn check<S: nncore::shape::Shape, T: CrossEntropyTarget<S>>(_: &Tensor<S>, _: &T) {}
/// let logits = Tensor::<(Dyn, U3)>::zeros((Dyn(2), U3::new())).unwrap();
/// check(&logits, &Tensor::from_vec(vec![0, 2], (Dyn(2),)).unwrap());
/// ```
pub trait CrossEntropyTarget<S: Shape> {
    /// The target's runtime tensor of class indices.
    fn class_index_tensor(&self) -> &LongTensor;
}

impl<S, T> CrossEntropyTarget<S> for T
where
    S: CrossEntropyRule<T::Shape>,
    T: TypedTensor,
    f32: ClassTarget<T::Elem>,
{
    #[inline]
    fn class_index_tensor(&self) -> &LongTensor {
        <f32 as ClassTarget<T::Elem>>::class_indices(self.storage())
    }
}
