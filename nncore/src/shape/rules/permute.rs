//! Reordering dimensions: `transpose::<D0, D1>()` swaps two, and
//! `permute::<P0, P1, ..>()` lists the input dimension of each output
//! dimension, like `x.transpose(0, 1)` and `x.permute(0, 2, 1, 3)`.

use core::ops::Add;

use typenum::{Eq, IsEqual, Sum, U0, U1, U2, U3, U4, U7, U8, U15};

use crate::shape::shape::Shape;

use super::axis::{At, AxisRule, ReplaceDim, SizeAt};
use crate::shape::gate::shape_gate;

/// The output shape of `transpose::<D0, D1>()` (unchecked: the checks are
/// [`TransposeRule`]'s).
pub trait TransposeOutput<const D0: usize, const D1: usize>: Shape {
    /// The shape with dimensions `D0` and `D1` swapped.
    type Output: Shape;
    /// Its value.
    fn transpose_output(self) -> Self::Output;
}

impl<S, const D0: usize, const D1: usize> TransposeOutput<D0, D1> for S
where
    S: At<D0> + At<D1>,
    ReplaceDim<S, D0, SizeAt<S, D1>>: At<D1>,
{
    type Output = <ReplaceDim<S, D0, SizeAt<S, D1>> as At<D1>>::With<SizeAt<S, D0>>;
    #[inline]
    fn transpose_output(self) -> Self::Output {
        let (a, b) = (<S as At<D0>>::size_at(self), <S as At<D1>>::size_at(self));
        <S as At<D0>>::with(self, b).with(a)
    }
}

/// The output shape of `transpose::<D0, D1>()` on an input of shape `S`.
pub type TransposeOut<S, const D0: usize, const D1: usize> = <S as TransposeOutput<D0, D1>>::Output;

/// The shape rule of `transpose::<D0, D1>()`: both are dimensions of the
/// input ([`AxisRule`]).
///
/// ```
/// use nncore::shape::*;
/// fn t<S: TransposeRule<0, 2>>(s: S) -> TransposeOut<S, 0, 2> {
///     s.transpose_output()
/// }
/// assert_eq!(t((Dyn(2), U3::new(), U4::new())).dims().as_slice(), &[4, 3, 2]);
/// ```
pub trait TransposeRule<const D0: usize, const D1: usize>:
    TransposeOutput<D0, D1> + AxisRule<D0> + AxisRule<D1>
{
}

impl<S, const D0: usize, const D1: usize> TransposeRule<D0, D1> for S where
    S: TransposeOutput<D0, D1> + AxisRule<D0> + AxisRule<D1>
{
}

/// `2^D0 + 2^D1 + ..` for a tuple of typenum dimension numbers: a
/// permutation's dims are distinct and in range exactly when this is
/// `2^rank - 1` (adding equal powers of two carries, and a carry leaves
/// fewer than `rank` bits set).
pub trait PermuteMask {
    /// The sum of the powers of two.
    type Mask;
}

/// `2^D` for a dimension number `D` (0 to 3).
pub trait DimBit {
    /// `2^D`.
    type Bit;
}
impl DimBit for U0 {
    type Bit = U1;
}
impl DimBit for U1 {
    type Bit = U2;
}
impl DimBit for U2 {
    type Bit = U4;
}
impl DimBit for U3 {
    type Bit = U8;
}

type Pow2<D> = <D as DimBit>::Bit;

impl<A: DimBit, B: DimBit> PermuteMask for (A, B)
where
    Pow2<A>: Add<Pow2<B>>,
{
    type Mask = Sum<Pow2<A>, Pow2<B>>;
}

impl<A: DimBit, B: DimBit, C: DimBit> PermuteMask for (A, B, C)
where
    Pow2<A>: Add<Pow2<B>>,
    Sum<Pow2<A>, Pow2<B>>: Add<Pow2<C>>,
{
    type Mask = Sum<Sum<Pow2<A>, Pow2<B>>, Pow2<C>>;
}

impl<A: DimBit, B: DimBit, C: DimBit, D: DimBit> PermuteMask for (A, B, C, D)
where
    Pow2<A>: Add<Pow2<B>>,
    Sum<Pow2<A>, Pow2<B>>: Add<Pow2<C>>,
    Sum<Sum<Pow2<A>, Pow2<B>>, Pow2<C>>: Add<Pow2<D>>,
{
    type Mask = Sum<Sum<Sum<Pow2<A>, Pow2<B>>, Pow2<C>>, Pow2<D>>;
}

/// The mask of the dims `P0, P1, ..` of shape `S` (see [`PermuteMask`]).
type MaskOf<T> = <T as PermuteMask>::Mask;

macro_rules! permute_rule {
    (
        $(#[$doc:meta])*
        rule $rule:ident, output $output:ident, alias $alias:ident, rank $rank:literal, full $full:ident;
        gate $gate:ident, $digits:ident, $lits:ident, $route:ident, $check:ident;
        message = $msg:literal;
        dims ($($p:ident),+)
    ) => {
        $(#[$doc])*
        pub trait $rule<$(const $p: usize),+>: $output<$($p),+> {}

        #[doc = concat!("The output shape of `permute` on a ", stringify!($rank), "-D input (unchecked: the checks are [`", stringify!($rule), "`]'s).")]
        pub trait $output<$(const $p: usize),+>: Shape {
            /// Output dimension `i` is input dimension `P_i`.
            type Output: Shape;
            /// Its value.
            fn permute_output(self) -> Self::Output;
        }

        #[doc = concat!("The output shape of `permute` on a ", stringify!($rank), "-D input of shape `S`.")]
        pub type $alias<S, $(const $p: usize),+> = <S as $output<$($p),+>>::Output;

        impl<S, $(const $p: usize),+> $output<$($p),+> for S
        where
            S: $(At<$p> +)+ Shape,
        {
            type Output = ($(SizeAt<S, $p>,)+);
            #[inline]
            fn permute_output(self) -> Self::Output {
                ($(<S as At<$p>>::size_at(self),)+)
            }
        }

        shape_gate! {
            /// The dims of a permute list each dimension once.
            gate $gate, digits $digits, lits $lits, route $route, check $check;
            params ($($p),+);
            message = $msg,
            label = "not a reordering of this tensor's dimensions",
            note = "permute lists, for each output dimension, the input dimension it takes; each must appear exactly once",
        }

        impl<S, $(const $p: usize),+> $rule<$($p),+> for S
        where
            S: $output<$($p),+> $(+ At<$p>)+,
            ($(<S as At<$p>>::Index,)+): PermuteMask,
            MaskOf<($(<S as At<$p>>::Index,)+)>: IsEqual<$full>,
            Eq<MaskOf<($(<S as At<$p>>::Index,)+)>, $full>: $check<$(<S as At<$p>>::Index),+>,
        {
        }
    };
}

permute_rule! {
    /// The shape rule of `permute::<P0, P1>()` on a 2-D tensor: the dims
    /// are 0 and 1 in some order.
    ///
    /// ```
    /// use nncore::shape::*;
    /// fn p<S: PermuteRule2<1, 0>>(s: S) -> Permute2Out<S, 1, 0> { s.permute_output() }
    /// assert_eq!(p((Dyn(2), U3::new())).dims().as_slice(), &[3, 2]);
    /// ```
    rule PermuteRule2, output PermuteOutput2, alias Permute2Out, rank 2, full U3;
    gate Permute2Dims, Permute2DimsDigits, Permute2DimsLits, Permute2DimsRoute, Permute2DimsCheck;
    message = "permute::<{P0}, {P1}>() does not list each of the 2 dimensions 0 and 1 exactly once";
    dims (P0, P1)
}

permute_rule! {
    /// The shape rule of `permute::<P0, P1, P2>()` on a 3-D tensor: the
    /// dims are 0, 1 and 2 in some order.
    ///
    /// ```
    /// use nncore::shape::*;
    /// fn p<S: PermuteRule3<2, 0, 1>>(s: S) -> Permute3Out<S, 2, 0, 1> { s.permute_output() }
    /// assert_eq!(p((Dyn(2), U3::new(), U4::new())).dims().as_slice(), &[4, 2, 3]);
    /// ```
    rule PermuteRule3, output PermuteOutput3, alias Permute3Out, rank 3, full U7;
    gate Permute3Dims, Permute3DimsDigits, Permute3DimsLits, Permute3DimsRoute, Permute3DimsCheck;
    message = "permute::<{P0}, {P1}, {P2}>() does not list each of the 3 dimensions 0, 1 and 2 exactly once";
    dims (P0, P1, P2)
}

permute_rule! {
    /// The shape rule of `permute::<P0, P1, P2, P3>()` on a 4-D tensor: the
    /// dims are 0, 1, 2 and 3 in some order.
    ///
    /// ```
    /// use nncore::shape::*;
    /// // NCHW -> NHWC
    /// fn p<S: PermuteRule4<0, 2, 3, 1>>(s: S) -> Permute4Out<S, 0, 2, 3, 1> { s.permute_output() }
    /// assert_eq!(p((Dyn(2), U3::new(), U4::new(), U5::new())).dims().as_slice(), &[2, 4, 5, 3]);
    /// ```
    rule PermuteRule4, output PermuteOutput4, alias Permute4Out, rank 4, full U15;
    gate Permute4Dims, Permute4DimsDigits, Permute4DimsLits, Permute4DimsRoute, Permute4DimsCheck;
    message = "permute::<{P0}, {P1}, {P2}, {P3}>() does not list each of the 4 dimensions 0, 1, 2 and 3 exactly once";
    dims (P0, P1, P2, P3)
}
