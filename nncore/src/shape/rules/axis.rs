//! Dimensions chosen at compile time, `x.sum_dim::<1>()`: a shape indexed
//! by a `const` dimension number, and the rule that the number is in range.
//!
//! [`At<D>`] is implemented for every shape of rank 0 to 4 and every `D`
//! from 0 to 3, whether or not `D` is below the rank, so that a rule built
//! on it always has an output ([`Invalid`] sizes when `D` is out of range)
//! and the range is reported once, by [`AxisRule`]'s gate. [`InsertAt<D>`]
//! is the same for a new dimension (`unsqueeze`), which may also go after
//! the last one.

// The impl macros write a tuple of every rank; for rank 0 that is `()`.
#![allow(clippy::unused_unit)]

use typenum::{B0, B1, Bit, U};

use crate::shape::dim::{Dim, Invalid};
use crate::shape::gate::shape_gate;
use crate::shape::shape::{RankOf, Shape, TypeRank};

/// The dimension `D` of a shape: its size, the shape without it and the
/// shape with it replaced (unchecked: [`AxisRule`] checks that `D` is
/// below the rank; out of range, every size is [`Invalid`]).
#[diagnostic::on_unimplemented(
    message = "dimension {D} is out of range: a Kiln tensor has at most 4 dimensions, numbered 0 to 3",
    label = "dimension {D} does not exist",
    note = "dimensions are numbered from 0; write the last dimension of a 2-D tensor as 1 (there are no negative dimensions in the type)"
)]
pub trait At<const D: usize>: Shape {
    /// `B1` if `D` is below the rank.
    type InRange: Bit;
    /// `D` as a typenum number (for messages).
    type Index;
    /// The size of dimension `D`.
    type Size: Dim;
    /// The shape without dimension `D` (`x.sum(D)`).
    type Removed: Shape;
    /// The shape with dimension `D` replaced by `X` (`keepdim=True` is `X = U1`).
    type With<X: Dim>: Shape;
    /// The size of dimension `D`.
    fn size_at(self) -> Self::Size;
    /// The shape without dimension `D`.
    fn removed(self) -> Self::Removed;
    /// The shape with dimension `D` replaced by `x`.
    fn with<X: Dim>(self, x: X) -> Self::With<X>;
}

/// The size of dimension `D` of shape `S`.
pub type SizeAt<S, const D: usize> = <S as At<D>>::Size;
/// Shape `S` without dimension `D` (a reduction without `keepdim`).
pub type RemoveDim<S, const D: usize> = <S as At<D>>::Removed;
/// Shape `S` with dimension `D` replaced by `X`.
pub type ReplaceDim<S, const D: usize, X> = <S as At<D>>::With<X>;
/// Shape `S` with dimension `D` of size 1 (a reduction with `keepdim=True`).
pub type KeepDim<S, const D: usize> = <S as At<D>>::With<typenum::U1>;

/// `D` is a dimension of the shape `Self`: the rule of every op that takes
/// a dimension (`sum_dim`, `softmax`, `argmax`, `squeeze`, `transpose`,
/// `narrow`, `cat`). `D` from 4 on has no [`At`] impl and is reported by
/// its message; a `D` below 4 but not below the rank by [`AxisInRange`].
///
/// ```
/// use nncore::shape::*;
/// fn second<S: AxisRule<1>>(s: S) -> SizeAt<S, 1> {
///     s.size_at()
/// }
/// assert_eq!(second((Dyn(2), U3::new())), U3::new());
/// ```
pub trait AxisRule<const D: usize>: At<D> {}

shape_gate! {
    /// A dimension given to an op exists in its input.
    gate AxisInRange, digits AxisInRangeDigits, lits AxisInRangeLits,
    route AxisInRangeRoute, check AxisInRangeCheck;
    params (DIM, RANK);
    message = "dimension {DIM} is out of range for a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions, numbered from 0",
    note = "the dimension is the op's first const argument, as in `x.sum_dim::<1>()` for PyTorch's `x.sum(1)`",
}

impl<S, const D: usize> AxisRule<D> for S
where
    S: At<D> + TypeRank,
    <S as At<D>>::InRange: AxisInRangeCheck<<S as At<D>>::Index, RankOf<S>>,
{
}

/// Writes `Invalid` for each identifier (a shape of the same rank whose
/// sizes are all poisoned).
macro_rules! invalid {
    ($v:ident) => {
        Invalid
    };
}

/// `At<D>` for a `D` below the rank: the dims before, the one at `D`, the
/// dims after.
macro_rules! at_valid {
    ($d:literal; [$($b:ident $bi:tt),*] $x:ident $xi:tt [$($a:ident $ai:tt),*]) => {
        impl<$($b: Dim,)* $x: Dim $(, $a: Dim)*> At<$d> for ($($b,)* $x, $($a,)*) {
            type InRange = B1;
            type Index = U<$d>;
            type Size = $x;
            type Removed = ($($b,)* $($a,)*);
            type With<X: Dim> = ($($b,)* X, $($a,)*);
            #[inline]
            fn size_at(self) -> $x {
                self.$xi
            }
            #[inline]
            fn removed(self) -> Self::Removed {
                ($(self.$bi,)* $(self.$ai,)*)
            }
            #[inline]
            fn with<X: Dim>(self, x: X) -> Self::With<X> {
                ($(self.$bi,)* x, $(self.$ai,)*)
            }
        }
    };
}

/// `At<D>` for a `D` at or past the rank: poisoned sizes, same rank.
macro_rules! at_invalid {
    ($($d:literal),*; $vars:tt) => {
        $(at_invalid!(@one $d; $vars);)*
    };
    (@one $d:literal; [$($v:ident),*]) => {
        impl<$($v: Dim),*> At<$d> for ($($v,)*) {
            type InRange = B0;
            type Index = U<$d>;
            type Size = Invalid;
            type Removed = ($(invalid!($v),)*);
            type With<X: Dim> = ($(invalid!($v),)*);
            #[inline]
            fn size_at(self) -> Invalid {
                Invalid
            }
            #[inline]
            fn removed(self) -> Self::Removed {
                ($(invalid!($v),)*)
            }
            #[inline]
            fn with<X: Dim>(self, _x: X) -> Self::With<X> {
                ($(invalid!($v),)*)
            }
        }
    };
}

at_invalid!(0, 1, 2, 3; []);
at_valid!(0; [] A 0 []);
at_invalid!(1, 2, 3; [A]);
at_valid!(0; [] A 0 [B 1]);
at_valid!(1; [A 0] B 1 []);
at_invalid!(2, 3; [A, B]);
at_valid!(0; [] A 0 [B 1, C 2]);
at_valid!(1; [A 0] B 1 [C 2]);
at_valid!(2; [A 0, B 1] C 2 []);
at_invalid!(3; [A, B, C]);
at_valid!(0; [] A 0 [B 1, C 2, D 3]);
at_valid!(1; [A 0] B 1 [C 2, D 3]);
at_valid!(2; [A 0, B 1] C 2 [D 3]);
at_valid!(3; [A 0, B 1, C 2] D 3 []);

/// A new dimension at position `D` (0 to the rank): the shape with it
/// inserted (unchecked: [`InsertRule`] checks the position).
#[diagnostic::on_unimplemented(
    message = "cannot insert a dimension at {D}: a Kiln tensor has at most 4 dimensions, numbered 0 to 3",
    label = "position {D} does not exist"
)]
pub trait InsertAt<const D: usize>: Shape {
    /// `B1` if `D` is at most the rank and the rank is below 4.
    type InRange: Bit;
    /// `D` as a typenum number (for messages).
    type Index;
    /// The shape with a dimension `X` inserted at `D`.
    type Inserted<X: Dim>: Shape;
    /// The shape with `x` inserted at `D`.
    fn inserted<X: Dim>(self, x: X) -> Self::Inserted<X>;
}

/// Shape `S` with a dimension `X` inserted at position `D`.
pub type InsertDim<S, const D: usize, X> = <S as InsertAt<D>>::Inserted<X>;

/// A new dimension can go at position `D` of the shape `Self`
/// (`unsqueeze`, `stack`): `D` is at most the rank, and the result has at
/// most 4 dimensions.
///
/// ```
/// use nncore::shape::*;
/// fn batch_of_one<S: InsertRule<0>>(s: S) -> InsertDim<S, 0, U1> {
///     s.inserted(U1::new())
/// }
/// assert_eq!(batch_of_one((U3::new(),)).dims().as_slice(), &[1, 3]);
/// ```
pub trait InsertRule<const D: usize>: InsertAt<D> {}

shape_gate! {
    /// A new dimension goes at most after the last one, and the result has at most 4 dimensions.
    gate InsertInRange, digits InsertInRangeDigits, lits InsertInRangeLits,
    route InsertInRangeRoute, check InsertInRangeCheck;
    params (DIM, RANK);
    message = "cannot insert a dimension at {DIM} into a {RANK}-D tensor",
    label = "a new dimension goes at 0 to {RANK} here",
    note = "a new dimension goes before an existing one or after the last, and Kiln tensors have at most 4 dimensions",
}

impl<S, const D: usize> InsertRule<D> for S
where
    S: InsertAt<D> + TypeRank,
    <S as InsertAt<D>>::InRange: InsertInRangeCheck<<S as InsertAt<D>>::Index, RankOf<S>>,
{
}

macro_rules! insert_valid {
    ($d:literal; [$($b:ident $bi:tt),*] [$($a:ident $ai:tt),*]) => {
        impl<$($b: Dim,)* $($a: Dim),*> InsertAt<$d> for ($($b,)* $($a,)*) {
            type InRange = B1;
            type Index = U<$d>;
            type Inserted<X: Dim> = ($($b,)* X, $($a,)*);
            #[inline]
            fn inserted<X: Dim>(self, x: X) -> Self::Inserted<X> {
                ($(self.$bi,)* x, $(self.$ai,)*)
            }
        }
    };
}

macro_rules! insert_invalid {
    ($($d:literal),*; $vars:tt) => {
        $(insert_invalid!(@one $d; $vars);)*
    };
    (@one $d:literal; [$($v:ident),*]) => {
        impl<$($v: Dim),*> InsertAt<$d> for ($($v,)*) {
            type InRange = B0;
            type Index = U<$d>;
            type Inserted<X: Dim> = ($(invalid!($v),)*);
            #[inline]
            fn inserted<X: Dim>(self, _x: X) -> Self::Inserted<X> {
                ($(invalid!($v),)*)
            }
        }
    };
}

insert_valid!(0; [] []);
insert_invalid!(1, 2, 3; []);
insert_valid!(0; [] [A 0]);
insert_valid!(1; [A 0] []);
insert_invalid!(2, 3; [A]);
insert_valid!(0; [] [A 0, B 1]);
insert_valid!(1; [A 0] [B 1]);
insert_valid!(2; [A 0, B 1] []);
insert_invalid!(3; [A, B]);
insert_valid!(0; [] [A 0, B 1, C 2]);
insert_valid!(1; [A 0] [B 1, C 2]);
insert_valid!(2; [A 0, B 1] [C 2]);
insert_valid!(3; [A 0, B 1, C 2] []);
insert_invalid!(0, 1, 2, 3; [A, B, C, D]);
