//! Decimal rendering, way 2: a typenum number as a tuple of digit types,
//! `DigitsOf<U25088>` = `(_2, _5, _0, _8, _8)`. No size limit; used for
//! numbers at or above the lift table's bound.
#![allow(non_camel_case_types)]

use core::ops::{Div, Rem};

use typenum::{B0, B1, Eq, IsEqual, Mod, Quot, U0, U10};

macro_rules! digits {
    ($($d:ident = $u:ident),*) => {$(
        #[doc = concat!("The decimal digit ", stringify!($d), " in a rendered size.")]
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $d;
        impl ToDigit for typenum::$u {
            type Output = $d;
        }
    )*};
}

/// Typenum number `0..=9` -> its digit type.
pub trait ToDigit {
    /// The digit type (`_0` ... `_9`).
    type Output;
}

digits!(
    _0 = U0,
    _1 = U1,
    _2 = U2,
    _3 = U3,
    _4 = U4,
    _5 = U5,
    _6 = U6,
    _7 = U7,
    _8 = U8,
    _9 = U9
);

/// Puts `D` in front of a tuple.
pub trait Prepend<D> {
    /// The longer tuple.
    type Output;
}

macro_rules! impl_prepend {
    ($($t:ident),*) => {
        impl<D $(, $t)*> Prepend<D> for ($($t,)*) {
            type Output = (D, $($t,)*);
        }
    };
}
impl_prepend!();
impl_prepend!(A);
impl_prepend!(A, B);
impl_prepend!(A, B, C);
impl_prepend!(A, B, C, D1);
impl_prepend!(A, B, C, D1, E);
impl_prepend!(A, B, C, D1, E, F);
impl_prepend!(A, B, C, D1, E, F, G);
impl_prepend!(A, B, C, D1, E, F, G, H);
impl_prepend!(A, B, C, D1, E, F, G, H, I);

/// Renders `Self` in decimal in front of the digits `Acc`.
pub trait DigitsInto<Acc> {
    /// The digit tuple.
    type Output;
}

type Last<N> = <Mod<N, U10> as ToDigit>::Output;
type WithLast<N, Acc> = <Acc as Prepend<Last<N>>>::Output;

impl<N, Acc> DigitsInto<Acc> for N
where
    N: Div<U10> + Rem<U10>,
    Mod<N, U10>: ToDigit,
    Acc: Prepend<Last<N>>,
    Quot<N, U10>: IsEqual<U0>,
    Eq<Quot<N, U10>, U0>: DigitsStep<Quot<N, U10>, WithLast<N, Acc>>,
{
    type Output = <Eq<Quot<N, U10>, U0> as DigitsStep<Quot<N, U10>, WithLast<N, Acc>>>::Output;
}

/// One step of [`DigitsInto`]: stop (`B1`, nothing left) or continue.
pub trait DigitsStep<Rest, Acc> {
    /// The digit tuple.
    type Output;
}
impl<Rest, Acc> DigitsStep<Rest, Acc> for B1 {
    type Output = Acc;
}
impl<Rest: DigitsInto<Acc>, Acc> DigitsStep<Rest, Acc> for B0 {
    type Output = <Rest as DigitsInto<Acc>>::Output;
}

/// The decimal digits of the typenum number `N`, most significant first.
pub type DigitsOf<N> = <N as DigitsInto<()>>::Output;
