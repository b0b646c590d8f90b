//! The gate machinery behind every shape rule's error message.
//!
//! A rule computes a type-level condition (`B1`/`B0`) that always exists and
//! asks for `Condition: XCheck<sizes...>`. `B1` passes with no further work.
//! `B0` routes the sizes to the rule's gate trait, which carries
//! `#[diagnostic::on_unimplemented]` and is implemented only for `B1`, so
//! the compiler reports the gate's message as the first line:
//!
//! - all sizes below [`LIFT_LIMIT`](super::lift::LIFT_LIMIT): through
//!   `Lit<n>` to a gate with `const usize` parameters, printed `400`;
//! - otherwise to a twin gate with type parameters, printed as digit tuples
//!   `(_2, _5, _0, _8, _8)`.
//!
//! [`shape_gate!`] writes the five traits for one message. Rank errors need
//! no sizes from the type level and use plain gates with `const` ranks.

/// Declares a gate: the message trait with `const` parameters, its twin for
/// digit tuples, and the `Check` entry point implemented on `B1`/`B0`.
macro_rules! shape_gate {
    (
        $(#[doc = $doc:literal])*
        gate $gate:ident, digits $digits:ident, lits $lits:ident, route $route:ident,
        check $check:ident;
        params ($($p:ident),+);
        message = $msg:literal,
        label = $label:literal,
        note = $note:literal $(,)?
    ) => {
        $(#[doc = $doc])*
        ///
        /// A gate: implemented only for `B1`; a failing rule asks it of `B0`
        /// with the sizes in decimal, and the compiler prints its message.
        #[diagnostic::on_unimplemented(message = $msg, label = $label, note = $note)]
        pub trait $gate<$(const $p: usize),+> {}
        #[diagnostic::do_not_recommend]
        impl<$(const $p: usize),+> $gate<$($p),+> for typenum::B1 {}

        #[doc = concat!(
            "[`", stringify!($gate), "`] for sizes beyond the lift table, printed as digit tuples."
        )]
        #[diagnostic::on_unimplemented(
            message = $msg,
            label = $label,
            note = $note,
            note = "when a size is 4160 or more, the sizes are printed digit by digit: (_2, _5, _0, _8, _8) is 25088"
        )]
        #[allow(non_camel_case_types)]
        pub trait $digits<$($p),+> {}
        #[allow(non_camel_case_types)]
        #[diagnostic::do_not_recommend]
        impl<$($p),+> $digits<$($p),+> for typenum::B1 {}

        #[doc = concat!("Step of [`", stringify!($check), "`]: `Lit<n>` types to `const` parameters.")]
        #[allow(non_camel_case_types)]
        pub trait $lits<$($p),+> {}
        impl<$(const $p: usize),+> $lits<$($crate::shape::lift::Lit<$p>),+> for typenum::B0
        where
            typenum::B0: $gate<$($p),+>,
        {
        }

        #[doc = concat!("Step of [`", stringify!($check), "`]: lift (`B1`) or digit tuples (`B0`).")]
        #[allow(non_camel_case_types)]
        pub trait $route<$($p),+> {}
        #[allow(non_camel_case_types)]
        impl<$($p: $crate::shape::lift::ToLit),+> $route<$($p),+> for typenum::B1
        where
            typenum::B0: $lits<$($crate::shape::lift::LitOf<$p>),+>,
        {
        }
        #[allow(non_camel_case_types)]
        impl<$($p: $crate::shape::digits::DigitsInto<()>),+> $route<$($p),+> for typenum::B0
        where
            typenum::B0: $digits<$($crate::shape::digits::DigitsOf<$p>),+>,
        {
        }

        #[doc = concat!(
            "Entry point of the [`", stringify!($gate), "`] gate, implemented on the rule's ",
            "condition: `B1` passes, `B0` reports the error."
        )]
        #[allow(non_camel_case_types)]
        pub trait $check<$($p),+> {}
        #[allow(non_camel_case_types)]
        impl<$($p),+> $check<$($p),+> for typenum::B1 {}
        #[allow(non_camel_case_types)]
        impl<$($p),+> $check<$($p),+> for typenum::B0
        where
            ($($p,)+): $crate::shape::lift::AllLiftable,
            $crate::shape::lift::Liftable<($($p,)+)>: $route<$($p),+>,
        {
        }
    };
}

/// Declares a rank gate: `const` ranks only, implemented only for `B1`.
/// Wrong-rank impls ask it of [`False<T>`] for one of their type parameters.
macro_rules! rank_gate {
    (
        $(#[doc = $doc:literal])*
        gate $gate:ident;
        params ($($p:ident),+);
        message = $msg:literal,
        label = $label:literal,
        note = $note:literal $(,)?
    ) => {
        $(#[doc = $doc])*
        ///
        /// A gate: implemented only for `B1`; a wrong-rank impl asks it of
        /// `False<T>` (`B0`), and the compiler prints its message.
        #[diagnostic::on_unimplemented(message = $msg, label = $label, note = $note)]
        pub trait $gate<$(const $p: usize),+> {}
        #[diagnostic::do_not_recommend]
        impl<$(const $p: usize),+> $gate<$($p),+> for typenum::B1 {}
    };
}

pub(crate) use {rank_gate, shape_gate};

/// `B0` for any type. Rank gates are asked of `False<T>`, a projection on
/// one of the impl's type parameters (so that the bound is not trivially
/// false where the impl is declared), so that the compiler's help line says
/// the gate "is not implemented for `B0`" rather than naming a typenum type.
pub trait AlwaysFalse {
    /// `B0`.
    type Output;
}
impl<T: ?Sized> AlwaysFalse for T {
    type Output = typenum::B0;
}

/// `B0`, written with a type parameter `T` (see [`AlwaysFalse`]).
pub type False<T> = <T as AlwaysFalse>::Output;
