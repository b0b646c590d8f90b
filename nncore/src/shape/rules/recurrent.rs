//! `RNN`/`LSTM`/`GRU(input_size = I, ..)`: `(A, B, X) -> (A, B, F)` with
//! `X == I` and `F` the layer's output features (directions × hidden or
//! proj size), computed by the compiler from the layer's type.

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::dim::{Dim, StaticDim};
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// The shape rule of a recurrent layer with `I` input features and `F`
/// output features, on its input shape: `(seq, batch, X)` (or `(batch,
/// seq, X)` with `batch_first`) with `X == I` gives `(.., .., F)`.
#[diagnostic::on_unimplemented(
    message = "a recurrent layer cannot take an input of shape `{Self}`",
    note = "RNN, LSTM and GRU take a 3-D input (seq, batch, input_size), or (batch, seq, input_size) with batch_first"
)]
pub trait RecurrentRule<I: StaticDim, F: StaticDim>: RecurrentOutput<F> {}

/// The output shape of a recurrent layer with `F` output features
/// (unchecked: the checks are [`RecurrentRule`]'s).
pub trait RecurrentOutput<F>: Shape {
    /// The output shape.
    type Output: Shape;
    /// The output shape's value.
    fn recurrent_output(self) -> Self::Output;
}

/// The output shape of a recurrent layer with `F` output features on `S`.
pub type RecurrentOut<S, F> = <S as RecurrentOutput<F>>::Output;

shape_gate! {
    /// The last dimension of a recurrent layer's input equals its `input_size`.
    gate RecurrentInputSize, digits RecurrentInputSizeDigits, lits RecurrentInputSizeLits,
    route RecurrentInputSizeRoute, check RecurrentInputSizeCheck;
    params (EXPECTED, FOUND);
    message = "shape mismatch: the recurrent layer expects {EXPECTED} input features (input_size), but the incoming tensor has {FOUND}",
    label = "this tensor's last dimension is {FOUND}, the layer's input_size is {EXPECTED}",
    note = "the last dimension of an RNN, LSTM or GRU input must equal its input_size",
}

rank_gate! {
    /// A typed recurrent layer's input has rank 3.
    gate RecurrentRank;
    params (RANK);
    message = "a recurrent layer expects a 3-D input (seq, batch, input_size), but got a {RANK}-D tensor",
    label = "this tensor has {RANK} dimensions",
    note = "an unbatched sequence runs through the runtime layer (nn::LSTM), or add a batch of 1",
}

impl<A: Dim, B: Dim, X: Dim + DimCompat<I>, I: StaticDim, F: StaticDim> RecurrentRule<I, F>
    for (A, B, X)
where
    Compatible<X, I>: RecurrentInputSizeCheck<I, X>,
{
}

impl<A: Dim, B: Dim, X: Dim, F: StaticDim> RecurrentOutput<F> for (A, B, X) {
    type Output = (A, B, F);
    #[inline]
    fn recurrent_output(self) -> Self::Output {
        (self.0, self.1, F::default())
    }
}

macro_rules! impl_recurrent_rank {
    ($rank:literal; $($d:ident),*) => {
        impl<$($d: Dim,)* I: StaticDim, F: StaticDim> RecurrentRule<I, F> for ($($d,)*)
        where
            False<I>: RecurrentRank<$rank>,
        {
        }

        impl<$($d: Dim,)* F: StaticDim> RecurrentOutput<F> for ($($d,)*) {
            type Output = ($($d,)*);
            fn recurrent_output(self) -> Self::Output {
                unreachable!("RecurrentRule refuses this rank")
            }
        }
    };
}

impl_recurrent_rank!(0;);
impl_recurrent_rank!(1; D0);
impl_recurrent_rank!(2; D0, D1);
impl_recurrent_rank!(4; D0, D1, D2, D3);
