//! `flatten_range::<START, END>()`, PyTorch's `torch.flatten(x, start_dim,
//! end_dim)`: the dimensions from `START` to `END` (both included) become
//! one, their product; the dimensions before and after are kept.

// The impl macros write a tuple of every rank; for rank 0 that is `()`.
#![allow(clippy::unused_unit)]

use typenum::{B0, B1, Bit};

use crate::shape::arith::{DimMul, DimProd};
use crate::shape::dim::{Dim, Invalid};
use crate::shape::gate::shape_gate;
use crate::shape::shape::Shape;

use super::axis::{At, AxisRule};

/// The product of a tuple of dimensions, left to right (static when every
/// factor is, [`Dyn`](crate::shape::Dyn) when one is a runtime size).
pub trait DimsProduct {
    /// The product's dimension type.
    type Product: Dim;
    /// Its value.
    fn product(self) -> Self::Product;
}

impl<A: Dim> DimsProduct for (A,) {
    type Product = A;
    #[inline]
    fn product(self) -> A {
        self.0
    }
}

impl<A: DimMul<B>, B: Dim> DimsProduct for (A, B) {
    type Product = DimProd<A, B>;
    #[inline]
    fn product(self) -> Self::Product {
        self.0.dim_mul(self.1)
    }
}

impl<A: DimMul<B>, B: Dim, C: Dim> DimsProduct for (A, B, C)
where
    DimProd<A, B>: DimMul<C>,
{
    type Product = DimProd<DimProd<A, B>, C>;
    #[inline]
    fn product(self) -> Self::Product {
        self.0.dim_mul(self.1).dim_mul(self.2)
    }
}

impl<A: DimMul<B>, B: Dim, C: Dim, D: Dim> DimsProduct for (A, B, C, D)
where
    DimProd<A, B>: DimMul<C>,
    DimProd<DimProd<A, B>, C>: DimMul<D>,
{
    type Product = DimProd<DimProd<DimProd<A, B>, C>, D>;
    #[inline]
    fn product(self) -> Self::Product {
        self.0.dim_mul(self.1).dim_mul(self.2).dim_mul(self.3)
    }
}

/// The output shape of `flatten_range::<START, END>()` (unchecked:
/// [`FlattenRangeRule`] checks that both are dimensions and `START <=
/// END`; otherwise the sizes are [`Invalid`]).
#[diagnostic::on_unimplemented(
    message = "flatten_range::<{START}, {END}>() names a dimension out of range: a Kiln tensor has at most 4 dimensions, numbered 0 to 3",
    label = "dimensions are numbered 0 to 3"
)]
pub trait FlattenRangeOutput<const START: usize, const END: usize>: Shape {
    /// `B1` unless `START` comes after `END` (both in range).
    type Ordered: Bit;
    /// The dims before `START`, the product of `START..=END`, the dims after.
    type Output: Shape;
    /// Its value (a product with a runtime size is computed).
    fn flatten_range_output(self) -> Self::Output;
}

/// The output shape of `flatten_range::<START, END>()` on an input of shape `S`.
pub type FlattenRangeOut<S, const START: usize, const END: usize> =
    <S as FlattenRangeOutput<START, END>>::Output;

shape_gate! {
    /// `flatten`'s start_dim does not come after its end_dim.
    gate FlattenRangeOrder, digits FlattenRangeOrderDigits, lits FlattenRangeOrderLits,
    route FlattenRangeOrderRoute, check FlattenRangeOrderCheck;
    params (START, END);
    message = "flatten() has invalid args: start_dim ({START}) cannot come after end_dim ({END})",
    label = "flatten_range::<{START}, {END}>() flattens dimensions {START} to {END}",
    note = "flatten_range::<START, END>() is torch.flatten(x, start_dim, end_dim): START <= END, both counted from 0",
}

/// The shape rule of `flatten_range::<START, END>()` (`torch.flatten(x,
/// START, END)`): both are dimensions of the input ([`AxisRule`]) and
/// `START <= END` (PyTorch's words: "start_dim cannot come after end_dim").
///
/// ```
/// use nncore::shape::*;
/// fn merge_hw<S: FlattenRangeRule<2, 3>>(s: S) -> FlattenRangeOut<S, 2, 3> {
///     s.flatten_range_output()
/// }
/// assert_eq!(merge_hw((Dyn(2), U64::new(), U12::new(), U12::new())).dims().as_slice(), &[2, 64, 144]);
/// ```
pub trait FlattenRangeRule<const START: usize, const END: usize>:
    FlattenRangeOutput<START, END> + AxisRule<START> + AxisRule<END>
{
}

impl<S, const START: usize, const END: usize> FlattenRangeRule<START, END> for S
where
    S: FlattenRangeOutput<START, END> + AxisRule<START> + AxisRule<END>,
    <S as FlattenRangeOutput<START, END>>::Ordered:
        FlattenRangeOrderCheck<<S as At<START>>::Index, <S as At<END>>::Index>,
{
}

/// `[$before] [$mid] [$after]`: the dims before `START` and after `END`
/// are kept, those between multiplied.
macro_rules! flatten_range {
    ($start:literal, $end:literal; [$($b:ident $bi:tt),*] [$($m:ident $mi:tt),+] [$($a:ident $ai:tt),*]) => {
        impl<$($b: Dim,)* $($m,)+ $($a: Dim),*> FlattenRangeOutput<$start, $end>
            for ($($b,)* $($m,)+ $($a,)*)
        where
            ($($m,)+): DimsProduct,
            $($m: Dim,)+
        {
            type Ordered = B1;
            type Output = ($($b,)* <($($m,)+) as DimsProduct>::Product, $($a,)*);
            #[inline]
            fn flatten_range_output(self) -> Self::Output {
                ($(self.$bi,)* ($(self.$mi,)+).product(), $(self.$ai,)*)
            }
        }
    };
}

/// `START` or `END` out of range (`B1`: the range is reported by
/// [`AxisRule`] only), or `START > END` (`B0`): poisoned sizes, same rank.
macro_rules! flatten_range_invalid {
    ($ordered:ident; $(($s:literal, $e:literal)),*; $vars:tt) => {
        $(flatten_range_invalid!(@one $ordered; $s, $e; $vars);)*
    };
    (@one $ordered:ident; $s:literal, $e:literal; [$($v:ident),*]) => {
        impl<$($v: Dim),*> FlattenRangeOutput<$s, $e> for ($($v,)*) {
            type Ordered = $ordered;
            type Output = ($(flatten_range_invalid!(@ $v),)*);
            #[inline]
            fn flatten_range_output(self) -> Self::Output {
                ($(flatten_range_invalid!(@ $v),)*)
            }
        }
    };
    (@ $v:ident) => {
        Invalid
    };
}

flatten_range_invalid!(B1; (0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1), (2, 2), (2, 3), (3, 0), (3, 1), (3, 2), (3, 3); []);
flatten_range!(0, 0; [] [A 0] []);
flatten_range_invalid!(B1; (0, 1), (0, 2), (0, 3), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1), (2, 2), (2, 3), (3, 0), (3, 1), (3, 2), (3, 3); [A]);
flatten_range!(0, 0; [] [A 0] [B 1]);
flatten_range!(0, 1; [] [A 0, B 1] []);
flatten_range!(1, 1; [A 0] [B 1] []);
flatten_range_invalid!(B1; (0, 2), (0, 3), (1, 2), (1, 3), (2, 0), (2, 1), (2, 2), (2, 3), (3, 0), (3, 1), (3, 2), (3, 3); [A, B]);
flatten_range_invalid!(B0; (1, 0); [A, B]);
flatten_range!(0, 0; [] [A 0] [B 1, C 2]);
flatten_range!(0, 1; [] [A 0, B 1] [C 2]);
flatten_range!(0, 2; [] [A 0, B 1, C 2] []);
flatten_range!(1, 1; [A 0] [B 1] [C 2]);
flatten_range!(1, 2; [A 0] [B 1, C 2] []);
flatten_range!(2, 2; [A 0, B 1] [C 2] []);
flatten_range_invalid!(B1; (0, 3), (1, 3), (2, 3), (3, 0), (3, 1), (3, 2), (3, 3); [A, B, C]);
flatten_range_invalid!(B0; (1, 0), (2, 0), (2, 1); [A, B, C]);
flatten_range!(0, 0; [] [A 0] [B 1, C 2, D 3]);
flatten_range!(0, 1; [] [A 0, B 1] [C 2, D 3]);
flatten_range!(0, 2; [] [A 0, B 1, C 2] [D 3]);
flatten_range!(0, 3; [] [A 0, B 1, C 2, D 3] []);
flatten_range!(1, 1; [A 0] [B 1] [C 2, D 3]);
flatten_range!(1, 2; [A 0] [B 1, C 2] [D 3]);
flatten_range!(1, 3; [A 0] [B 1, C 2, D 3] []);
flatten_range!(2, 2; [A 0, B 1] [C 2] [D 3]);
flatten_range!(2, 3; [A 0, B 1] [C 2, D 3] []);
flatten_range!(3, 3; [A 0, B 1, C 2] [D 3] []);
flatten_range_invalid!(B0; (1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2); [A, B, C, D]);
