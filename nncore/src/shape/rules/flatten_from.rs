//! `flatten::<START>()`, PyTorch's `torch.flatten(x, start_dim)`: the
//! dimensions from `START` to the last become one, their product.

// The impl macros write a tuple of every rank; for rank 0 that is `()`.
#![allow(clippy::unused_unit)]

use crate::shape::arith::{DimMul, DimProd};
use crate::shape::dim::{Dim, Invalid};
use crate::shape::shape::Shape;

use super::axis::AxisRule;

/// The output shape of `flatten::<START>()` (unchecked: [`FlattenFromRule`]
/// checks that `START` is a dimension; out of range, the sizes are
/// [`Invalid`]).
pub trait FlattenFromOutput<const START: usize>: Shape {
    /// The dims before `START`, then the product of the rest.
    type Output: Shape;
    /// Its value (a product with a runtime size is computed).
    fn flatten_from_output(self) -> Self::Output;
}

/// The output shape of `flatten::<START>()` on an input of shape `S`.
pub type FlattenFromOut<S, const START: usize> = <S as FlattenFromOutput<START>>::Output;

/// The shape rule of `flatten::<START>()` (`torch.flatten(x, START)`):
/// `START` is a dimension of the input ([`AxisRule`]). The product is
/// static when every factor is, [`Dyn`](crate::shape::Dyn) when one is a
/// runtime size.
///
/// ```
/// use nncore::shape::*;
/// fn flat<S: FlattenFromRule<1>>(s: S) -> FlattenFromOut<S, 1> {
///     s.flatten_from_output()
/// }
/// assert_eq!(flat((Dyn(2), U64::new(), U12::new(), U12::new())).dims().as_slice(), &[2, 9216]);
/// ```
pub trait FlattenFromRule<const START: usize>: FlattenFromOutput<START> + AxisRule<START> {}

impl<S: FlattenFromOutput<START> + AxisRule<START>, const START: usize> FlattenFromRule<START>
    for S
{
}

/// Flattens `[$lead] [$first $rest..]`: the lead dims are kept, the rest
/// multiplied left to right.
macro_rules! flatten_from {
    ($start:literal; [$($l:ident $li:tt),*] $f:ident $fi:tt) => {
        impl<$($l: Dim,)* $f: Dim> FlattenFromOutput<$start> for ($($l,)* $f,) {
            type Output = ($($l,)* $f,);
            #[inline]
            fn flatten_from_output(self) -> Self::Output {
                self
            }
        }
    };
    ($start:literal; [$($l:ident $li:tt),*] $f:ident $fi:tt, $g:ident $gi:tt) => {
        impl<$($l: Dim,)* $f: DimMul<$g>, $g: Dim> FlattenFromOutput<$start> for ($($l,)* $f, $g) {
            type Output = ($($l,)* DimProd<$f, $g>,);
            #[inline]
            fn flatten_from_output(self) -> Self::Output {
                ($(self.$li,)* self.$fi.dim_mul(self.$gi),)
            }
        }
    };
    ($start:literal; [$($l:ident $li:tt),*] $f:ident $fi:tt, $g:ident $gi:tt, $h:ident $hi:tt) => {
        impl<$($l: Dim,)* $f: DimMul<$g>, $g: Dim, $h: Dim> FlattenFromOutput<$start>
            for ($($l,)* $f, $g, $h)
        where
            DimProd<$f, $g>: DimMul<$h>,
        {
            type Output = ($($l,)* DimProd<DimProd<$f, $g>, $h>,);
            #[inline]
            fn flatten_from_output(self) -> Self::Output {
                ($(self.$li,)* self.$fi.dim_mul(self.$gi).dim_mul(self.$hi),)
            }
        }
    };
    ($start:literal; [] A 0, B 1, C 2, D 3) => {
        impl<A: DimMul<B>, B: Dim, C: Dim, D: Dim> FlattenFromOutput<$start> for (A, B, C, D)
        where
            DimProd<A, B>: DimMul<C>,
            DimProd<DimProd<A, B>, C>: DimMul<D>,
        {
            type Output = (DimProd<DimProd<DimProd<A, B>, C>, D>,);
            #[inline]
            fn flatten_from_output(self) -> Self::Output {
                (self.0.dim_mul(self.1).dim_mul(self.2).dim_mul(self.3),)
            }
        }
    };
}

/// `START` at or past the rank: poisoned sizes of the same rank.
macro_rules! flatten_from_invalid {
    ($($start:literal),*; $vars:tt) => {
        $(flatten_from_invalid!(@one $start; $vars);)*
    };
    (@one $start:literal; [$($v:ident),*]) => {
        impl<$($v: Dim),*> FlattenFromOutput<$start> for ($($v,)*) {
            type Output = ($(flatten_from_invalid!(@ $v),)*);
            #[inline]
            fn flatten_from_output(self) -> Self::Output {
                ($(flatten_from_invalid!(@ $v),)*)
            }
        }
    };
    (@ $v:ident) => {
        Invalid
    };
}

flatten_from_invalid!(0, 1, 2, 3; []);
flatten_from!(0; [] A 0);
flatten_from_invalid!(1, 2, 3; [A]);
flatten_from!(0; [] A 0, B 1);
flatten_from!(1; [A 0] B 1);
flatten_from_invalid!(2, 3; [A, B]);
flatten_from!(0; [] A 0, B 1, C 2);
flatten_from!(1; [A 0] B 1, C 2);
flatten_from!(2; [A 0, B 1] C 2);
flatten_from_invalid!(3; [A, B, C]);
flatten_from!(0; [] A 0, B 1, C 2, D 3);
flatten_from!(1; [A 0] B 1, C 2, D 3);
flatten_from!(2; [A 0, B 1] C 2, D 3);
flatten_from!(3; [A 0, B 1, C 2] D 3);
