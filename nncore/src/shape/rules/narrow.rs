//! `narrow::<D, START, LEN>()`, like `x.narrow(D, START, LEN)` or the slice
//! `x[:, START:START+LEN]`: `LEN` elements of dimension `D` from `START`.

use core::ops::Add;

use typenum::{Const, IsLessOrEqual, LeEq, Sum, ToUInt, U};

use crate::shape::dim::{Dyn, Invalid, StaticDim};
use crate::shape::gate::shape_gate;

use super::axis::{At, AxisRule, ReplaceDim};

/// The output shape of `narrow::<D, START, LEN>()` on an input of shape
/// `S`: dimension `D` becomes `LEN`.
pub type NarrowOut<S, const D: usize, const LEN: usize> = ReplaceDim<S, D, U<LEN>>;

/// The shape rule of `narrow::<D, START, LEN>()`: `D` is a dimension
/// ([`AxisRule`]) and `START + LEN` is at most its size (a
/// [`Dyn`] size is checked at run time). `START` and `LEN` are literals up
/// to 1024 (typenum's `U<N>`).
///
/// ```
/// use nncore::shape::*;
/// fn middle<S: NarrowRule<1, 2, 3>>(s: S) -> NarrowOut<S, 1, 3> {
///     s.with(U3::new())
/// }
/// assert_eq!(middle((Dyn(2), U8::new())).dims().as_slice(), &[2, 3]);
/// ```
pub trait NarrowRule<const D: usize, const START: usize, const LEN: usize>: AxisRule<D> {}

shape_gate! {
    /// A slice ends within the dimension it takes from.
    gate NarrowEnd, digits NarrowEndDigits, lits NarrowEndLits, route NarrowEndRoute,
    check NarrowEndCheck;
    params (DIM, START, LEN, END, SIZE);
    message = "narrow::<{DIM}, {START}, {LEN}>() takes elements {START}..{END} of dimension {DIM}, but its size is {SIZE}",
    label = "dimension {DIM} of this tensor has {SIZE} elements",
    note = "narrow(dim, start, length) needs start + length <= the dimension's size",
}

/// `Self` (the size of the narrowed dimension) holds `St + Len` elements;
/// runtime sizes are checked at run time.
pub trait NarrowFits<Idx, St, Len> {}

impl<N, Idx, St, Len> NarrowFits<Idx, St, Len> for N
where
    N: StaticDim,
    St: Add<Len>,
    Sum<St, Len>: IsLessOrEqual<N>,
    LeEq<Sum<St, Len>, N>: NarrowEndCheck<Idx, St, Len, Sum<St, Len>, N>,
{
}
impl<Idx, St, Len> NarrowFits<Idx, St, Len> for Dyn {}
impl<Idx, St, Len> NarrowFits<Idx, St, Len> for Invalid {}

impl<S, const D: usize, const START: usize, const LEN: usize> NarrowRule<D, START, LEN> for S
where
    S: AxisRule<D>,
    Const<START>: ToUInt,
    Const<LEN>: ToUInt,
    <S as At<D>>::Size: NarrowFits<<S as At<D>>::Index, U<START>, U<LEN>>,
{
}
