//! Recurrent layers with their sizes in the type: the compiler computes
//! the output's feature size (directions × hidden size, or × proj size),
//! so the next layer's input size is checked where the model is written.
//! Sequence length and batch stay runtime dimensions.

use super::layers::{GRU, LSTM, RNN};
use super::spec::{Mode, RecurrentSpec};
use crate::nn::{Forward, Module, Parameter, fmt_module};
use crate::shape::arith::{DimMul, DimProd};
use crate::shape::{RecurrentOut, RecurrentRule, StaticDim, U1, U2};
use crate::{DynTensor, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;
use typenum::{UInt, UTerm, Unsigned};

/// One direction (`bidirectional=False`).
pub struct Uni;
/// Both directions (`bidirectional=True`): the output has twice the features.
pub struct Bi;

/// A direction marker: how many passes a layer makes.
pub trait Direction: Send + Sync + 'static {
    /// 1 or 2, as a type.
    type Count: StaticDim;
}
impl Direction for Uni {
    type Count = U1;
}
impl Direction for Bi {
    type Count = U2;
}

/// `proj_size` as a type: `U0` is no projection (the size of `h` is the
/// hidden size `H`), any other size is the size of `h`.
pub trait ProjSize<H> {
    /// The size of `h`.
    type Real: StaticDim;
}
impl<H: StaticDim> ProjSize<H> for UTerm {
    type Real = H;
}
impl<U, B, H> ProjSize<H> for UInt<U, B>
where
    UInt<U, B>: StaticDim,
{
    type Real = UInt<U, B>;
}

/// The feature size of a layer's output: directions × the size of `h`.
pub type OutFeatures<H, D, P> = DimProd<<D as Direction>::Count, <P as ProjSize<H>>::Real>;

macro_rules! typed_layer {
    (
        $(#[$doc:meta])*
        $name:ident [$($param:ident = $default:ty)?], $inner:ident, $mode:expr, proj: $proj:ty,
        state: $state:ty, |$layer:ident, $x:ident| $run:expr
    ) => {
        $(#[$doc])*
        pub struct $name<I, H, L = U1, D = Uni $(, $param = $default)?> {
            layer: $inner,
            sizes: PhantomData<fn() -> (I, H, L, D $(, $param)?)>,
        }

        impl<I: StaticDim, H: StaticDim, L: StaticDim, D: Direction $(, $param: StaticDim)?> $name<I, H, L, D $(, $param)?> {
            /// The layer, initialised as PyTorch does.
            ///
            /// # Errors
            /// The sizes PyTorch's constructor refuses, with its messages:
            /// a zero input size, hidden size or layer count, and a
            /// `proj_size` not smaller than the hidden size.
            pub fn new() -> Result<Self> {
                let spec = RecurrentSpec::new($mode, I::USIZE, H::USIZE)
                    .num_layers(L::USIZE)
                    .bidirectional(D::Count::USIZE == 2)
                    .proj_size(<$proj>::USIZE);
                $inner::from_spec(spec).map(Self::from_layer)
            }

            fn from_layer(layer: $inner) -> Self {
                $name { layer, sizes: PhantomData }
            }

            /// The layer rebuilt with `spec` (its parameters drawn anew, as
            /// a new PyTorch layer's are).
            fn rebuilt(&self, spec: RecurrentSpec) -> Result<Self> {
                $inner::from_spec(spec).map(Self::from_layer)
            }

            /// `batch_first=True`: inputs and outputs are `(batch, seq, feature)`.
            pub fn batch_first(self, batch_first: bool) -> Self {
                self.rebuilt(self.layer.spec().batch_first(batch_first))
                    .expect("batch_first is none of the options PyTorch checks, and the rest passed in new()")
            }

            /// `dropout` between layers, in training mode.
            ///
            /// # Errors
            /// When `p` is outside [0, 1] (PyTorch's message).
            pub fn dropout(self, p: f64) -> Result<Self> {
                self.rebuilt(self.layer.spec().dropout(p))
            }

            /// The runtime-shaped layer inside (its `forward` returns the
            /// state as well, and takes an initial state or a packed batch).
            pub fn layer(&self) -> &$inner {
                &self.layer
            }
        }

        impl<I, H, L, D $(, $param)?> Module for $name<I, H, L, D $(, $param)?> {
            fn is_training(&self) -> bool {
                self.layer.is_training()
            }
            fn set_own_training(&mut self, training: bool) {
                self.layer.set_own_training(training)
            }
            fn type_name(&self) -> &str {
                self.layer.type_name()
            }
            fn extra_repr(&self) -> String {
                self.layer.extra_repr()
            }
            fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
                self.layer.own_parameters()
            }
        }

        impl<I, H, L, D $(, $param)?> fmt::Display for $name<I, H, L, D $(, $param)?> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_module(self, f)
            }
        }

        impl<S, I, H, L, D $(, $param)?> Forward<Tensor<S>> for $name<I, H, L, D $(, $param)?>
        where
            I: StaticDim,
            H: StaticDim,
            L: StaticDim,
            D: Direction,
            $($param: StaticDim,)?
            $proj: ProjSize<H>,
            D::Count: DimMul<<$proj as ProjSize<H>>::Real>,
            OutFeatures<H, D, $proj>: StaticDim,
            S: RecurrentRule<I, OutFeatures<H, D, $proj>>,
        {
            /// `output` (its features typed) and the final state, as the
            /// runtime layer returns it (`h_n`, or `(h_n, c_n)` for an LSTM).
            type Output = (Tensor<RecurrentOut<S, OutFeatures<H, D, $proj>>>, $state);

            /// # Panics
            /// When a runtime (`Dyn`) input size differs from `I`; static
            /// sizes are checked at compile time.
            fn forward(&self, x: Tensor<S>) -> Self::Output {
                let shape = x.shape().recurrent_output();
                let $layer = &self.layer;
                let $x = x.as_dyn();
                let (out, state) = $run.unwrap_or_else(|e| panic!("{e}"));
                (Tensor::from_raw_unchecked(out, shape), state)
            }
        }
    };
}

typed_layer!(
    /// `nn.LSTM(I, H, num_layers=L, bidirectional=D is Bi, proj_size=P)`
    /// with its sizes in the type: its `output` has `D × (P or H)`
    /// features, computed by the compiler, so the layer after it is checked.
    ///
    /// ```
    /// use nncore::nn::{Bi, Forward, Linear, TypedLSTM};
    /// use nncore::shape::{Dyn, U1, U10, U28, U128, U256};
    /// use nncore::Tensor;
    /// let lstm = TypedLSTM::<U28, U128, U1, Bi>::new()?.batch_first(true);
    /// let head = Linear::<U256, U10>::new();
    /// let x = Tensor::<(Dyn, Dyn, U28)>::zeros((Dyn(4), Dyn(9), U28::default()))?;
    /// let (output, (h_n, _c_n)) = lstm.forward(x);
    /// let y = head.forward(output); // Linear::<U128, U10> here does not compile
    /// assert_eq!(y.dims().as_slice(), &[4, 9, 10]);
    /// assert_eq!(h_n.shape(), &[2, 4, 128]);
    /// assert_eq!(lstm.to_string(), "LSTM(28, 128, batch_first=True, bidirectional=True)");
    /// // What PyTorch's constructor refuses is an error, in its words:
    /// # use nncore::shape::U16;
    /// let err = TypedLSTM::<U28, U16, U1, Bi, U16>::new().err().unwrap(); // proj_size=16
    /// assert_eq!(err.to_string(), "LSTM: invalid proj_size: proj_size has to be smaller than hidden_size");
    /// let err = lstm.dropout(1.5).err().unwrap();
    /// assert_eq!(err.to_string(), "LSTM: invalid dropout: dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    /// # Ok::<(), nncore::Error>(())
    /// ```
    TypedLSTM [P = typenum::U0], LSTM, Mode::Lstm, proj: P,
    state: (DynTensor, DynTensor), |layer, x| layer.forward(x, None)
);

typed_layer!(
    /// `nn.GRU(I, H, num_layers=L, bidirectional=D is Bi)` with its sizes
    /// in the type: its `output` has `D × H` features.
    ///
    /// ```
    /// use nncore::nn::{Forward, TypedGRU, Uni};
    /// use nncore::shape::{Dyn, U2, U3, U4};
    /// use nncore::Tensor;
    /// let gru = TypedGRU::<U3, U4, U2, Uni>::new()?.dropout(0.1)?;
    /// let (output, h_n) = gru.forward(Tensor::<(Dyn, Dyn, U3)>::zeros((Dyn(5), Dyn(2), U3::default()))?);
    /// let _: &Tensor<(Dyn, Dyn, U4)> = &output;
    /// assert_eq!(h_n.shape(), &[2, 2, 4]);
    /// assert_eq!(gru.to_string(), "GRU(3, 4, num_layers=2, dropout=0.1)");
    /// # Ok::<(), nncore::Error>(())
    /// ```
    TypedGRU [], GRU, Mode::Gru, proj: typenum::U0,
    state: DynTensor, |layer, x| layer.forward(x, None)
);

typed_layer!(
    /// `nn.RNN(I, H, num_layers=L, bidirectional=D is Bi)` (tanh) with its
    /// sizes in the type: its `output` has `D × H` features.
    ///
    /// ```
    /// use nncore::nn::{Bi, Forward, TypedRNN};
    /// use nncore::shape::{Dyn, U1, U3, U8};
    /// use nncore::Tensor;
    /// let rnn = TypedRNN::<U3, U4, U1, Bi>::new()?;
    /// # use nncore::shape::U4;
    /// let (output, _h_n) = rnn.forward(Tensor::<(Dyn, Dyn, U3)>::zeros((Dyn(5), Dyn(2), U3::default()))?);
    /// let _: &Tensor<(Dyn, Dyn, U8)> = &output;
    /// # Ok::<(), nncore::Error>(())
    /// ```
    TypedRNN [], RNN, Mode::RnnTanh, proj: typenum::U0,
    state: DynTensor, |layer, x| layer.forward(x, None)
);

/// Keeps the first element of a layer's output tuple, like `lstm(x)[0]`
/// in PyTorch: the adapter that puts a recurrent layer in a chain whose
/// next layer takes `output` alone (`sequential![..]`).
///
/// ```
/// use nncore::nn::{Forward, Linear, OutputOnly, TypedLSTM, Uni};
/// use nncore::shape::{Dyn, U1, U4, U8, U16};
/// use nncore::Tensor;
/// let lstm = OutputOnly(TypedLSTM::<U4, U16, U1, Uni, U8>::new()?); // proj_size=8
/// let head = Linear::<U8, U1>::new();
/// let y = head.forward(lstm.forward(Tensor::<(Dyn, Dyn, U4)>::zeros((Dyn(3), Dyn(2), U4::default()))?));
/// assert_eq!(y.dims().as_slice(), &[3, 2, 1]);
/// assert_eq!(lstm.to_string(), "LSTM(4, 16, proj_size=8)");
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct OutputOnly<M>(pub M);

impl<M: Module> Module for OutputOnly<M> {
    fn is_training(&self) -> bool {
        self.0.is_training()
    }
    fn set_own_training(&mut self, training: bool) {
        self.0.set_own_training(training)
    }
    fn type_name(&self) -> &str {
        self.0.type_name()
    }
    fn extra_repr(&self) -> String {
        self.0.extra_repr()
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        self.0.own_parameters()
    }
}

impl<M: Module> fmt::Display for OutputOnly<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

impl<X, O, S, M: Forward<X, Output = (O, S)>> Forward<X> for OutputOnly<M> {
    type Output = O;
    fn forward(&self, x: X) -> O {
        self.0.forward(x).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{U0, U2, U4, U5};

    #[test]
    fn typed_constructors_return_pytorchs_errors() {
        let text = |e: Option<crate::Error>| e.unwrap().to_string();
        assert_eq!(
            text(TypedLSTM::<U4, U0>::new().err()),
            "LSTM: invalid hidden_size: hidden_size must be greater than zero"
        );
        assert_eq!(
            text(TypedGRU::<U0, U4>::new().err()),
            "GRU: invalid input_size: input_size must be greater than zero"
        );
        assert_eq!(
            text(TypedRNN::<U4, U4, U0>::new().err()),
            "RNN: invalid num_layers: num_layers must be greater than zero"
        );
        assert_eq!(
            text(TypedLSTM::<U4, U4, U1, Uni, U5>::new().err()),
            "LSTM: invalid proj_size: proj_size has to be smaller than hidden_size"
        );
        let rnn = TypedRNN::<U4, U4, U2>::new().unwrap();
        assert_eq!(
            text(rnn.dropout(-0.1).err()),
            "RNN: invalid dropout: dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
        );
        let gru = TypedGRU::<U4, U4, U2>::new().unwrap().dropout(0.5).unwrap();
        assert_eq!(gru.to_string(), "GRU(4, 4, num_layers=2, dropout=0.5)");
    }
}
