//! The gate machinery behind every shape rule's error message.
//!
//! A rule computes a type-level condition (`B1`/`B0`) that always exists and
//! asks for `Condition: XCheck<sizes...>`. `B1` passes with no further work.
//! `B0` routes the sizes to the rule's gate trait, which carries
//! `#[diagnostic::on_unimplemented]` and is implemented only for `B1`, so
//! the compiler reports the gate's message as the first line:
//!
//! - all sizes below [`PIECE_LIMIT`](super::lift::PIECE_LIMIT) (4,160,000):
//!   through [`PieceOf`](super::lift::PieceOf) (`Lit<400>`, or
//!   `Split<Lit<25>, Lit<0>, Lit<8>, Lit<8>>` for 25088) to a gate with
//!   `const usize` parameters, printed `400` and `25088`;
//! - otherwise to a twin gate with type parameters, printed as digit tuples
//!   `(_4, _1, _9, _4, _3, _0, _4)`.
//!
//! [`shape_gate!`] writes the traits for one message through the
//! `nnmacro::__shape_gate!` procedural macro: one message trait per
//! combination of small and large sizes (a large size has four `const`
//! parameters, and the message is rewritten to print them side by side),
//! which `macro_rules!` cannot write. Rank errors need no sizes from the
//! type level and use plain gates with `const` ranks.

/// Declares a gate: its message traits with `const` parameters, the twin
/// for digit tuples, and the `Check` entry point implemented on `B1`/`B0`.
///
/// ```text
/// shape_gate! {
///     /// What the rule checks.
///     types (L);  // optional: type parameters every trait carries, e.g. the loss, `{L}`
///     gate Name, digits NameDigits, lits NameLits, route NameRoute, check NameCheck;
///     params (EXPECTED, FOUND);
///     message = "... {EXPECTED} ... {FOUND}",
///     label = "...",
///     note = "...",
/// }
/// ```
macro_rules! shape_gate {
    (
        $(#[doc = $doc:literal])*
        $(types ($($t:ident),*);)?
        gate $gate:ident, digits $digits:ident, lits $lits:ident, route $route:ident,
        check $check:ident;
        params ($($p:ident),+);
        message = $msg:literal,
        label = $label:literal,
        note = $note:literal $(,)?
    ) => {
        nnmacro::__shape_gate! {
            [$($doc),*] [$($($t),*)?] $gate $digits $lits $route $check [$($p),+] $msg $label $note
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
