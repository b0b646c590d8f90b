//! `squeeze::<D>()`: removes dimension `D`, which must have size 1.

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::gate::shape_gate;

use super::axis::{At, AxisRule};

/// The shape rule of `squeeze::<D>()`, implemented on the input shape:
/// dimension `D` exists and has size 1; the output is
/// [`RemoveDim<S, D>`](super::axis::RemoveDim). A [`Dyn`](crate::shape::Dyn)
/// size passes at compile time and is checked at run time.
///
/// PyTorch's `x.squeeze(d)` leaves a dimension of another size in place;
/// in the type that would make the output's rank depend on a size, so
/// Kiln refuses it instead.
///
/// ```
/// use nncore::shape::*;
/// fn drop_channel<S: SqueezeRule<1>>(s: S) -> RemoveDim<S, 1> {
///     s.removed()
/// }
/// assert_eq!(drop_channel((Dyn(4), U1::new(), U5::new())).dims().as_slice(), &[4, 5]);
/// ```
pub trait SqueezeRule<const D: usize>: AxisRule<D> {}

shape_gate! {
    /// The dimension `squeeze` removes has size 1.
    gate SqueezeSize, digits SqueezeSizeDigits, lits SqueezeSizeLits,
    route SqueezeSizeRoute, check SqueezeSizeCheck;
    params (DIM, SIZE);
    message = "squeeze::<{DIM}>() removes dimension {DIM}, but its size is {SIZE}, not 1",
    label = "dimension {DIM} of this tensor is {SIZE}",
    note = "only a dimension of size 1 can be removed (PyTorch would leave it in place; in a typed tensor the rank cannot depend on a size)",
}

impl<S, const D: usize> SqueezeRule<D> for S
where
    S: AxisRule<D>,
    <S as At<D>>::Size: DimCompat<typenum::U1>,
    Compatible<<S as At<D>>::Size, typenum::U1>:
        SqueezeSizeCheck<<S as At<D>>::Index, <S as At<D>>::Size>,
{
}
