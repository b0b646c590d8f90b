//! `Conv2d(..., groups = G)` and `ConvTranspose2d(..., groups = G)`: `G`
//! must divide both channel counts.

use core::ops::{BitAnd, Rem};

use typenum::{And, Eq, IsEqual, Mod, U0};

use crate::shape::dim::StaticDim;
use crate::shape::gate::shape_gate;

/// Implemented on the group count `G` (a typenum number, at least 1) of a
/// convolution from `Cin` to `Cout` channels when `G` divides both, as
/// PyTorch requires; otherwise the compiler prints
/// [`Conv2dGroups`]'s message.
#[diagnostic::on_unimplemented(
    message = "convolution groups `{Self}` cannot split {Cin} input and {Cout} output channels",
    note = "groups must divide both in_channels and out_channels"
)]
pub trait ConvGroupsRule<Cin, Cout> {}

/// `B1` if `G` divides both `Cin` and `Cout`.
type Divides<Cin, Cout, G> = And<Eq<Mod<Cin, G>, U0>, Eq<Mod<Cout, G>, U0>>;

shape_gate! {
    /// The group count of a convolution divides both channel counts.
    gate Conv2dGroups, digits Conv2dGroupsDigits, lits Conv2dGroupsLits,
    route Conv2dGroupsRoute, check Conv2dGroupsCheck;
    params (GROUPS, IN, OUT);
    message = "convolution groups={GROUPS} must divide both in_channels ({IN}) and out_channels ({OUT})",
    label = "this layer's groups do not divide its channels",
    note = "each of the groups convolves in_channels/groups inputs into out_channels/groups outputs",
}

impl<G, Cin, Cout> ConvGroupsRule<Cin, Cout> for G
where
    G: StaticDim,
    Cin: StaticDim + Rem<G, Output: IsEqual<U0>>,
    Cout: StaticDim + Rem<G, Output: IsEqual<U0>>,
    Eq<Mod<Cin, G>, U0>: BitAnd<Eq<Mod<Cout, G>, U0>>,
    Divides<Cin, Cout, G>: Conv2dGroupsCheck<G, Cin, Cout>,
{
}
