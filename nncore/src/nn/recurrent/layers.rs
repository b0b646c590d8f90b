//! `nn.RNN`, `nn.LSTM`, `nn.GRU` with runtime sizes: PyTorch's parameters,
//! initialisation, printout and forwards (padded or packed input).

use super::forward::{recurrent_forward, recurrent_forward_packed};
use super::packed::PackedSequence;
use super::run::Hidden;
use super::spec::{Mode, RecurrentSpec};
use crate::init::uniform_;
use crate::nn::{Module, Parameter, fmt_module};
use crate::{DynTensor, Error, Result};
use std::fmt;

/// PyTorch's parameters for `shapes`, each drawn from U(-1/√hidden, 1/√hidden).
pub(crate) fn init_parameters(
    shapes: Vec<(String, Vec<usize>)>,
    hidden_size: usize,
) -> Vec<(String, Parameter)> {
    let bound = 1.0 / (hidden_size as f64).sqrt();
    shapes
        .into_iter()
        .map(|(name, shape)| {
            let p = Parameter::new(vec![0.0; shape.iter().product()], &shape);
            uniform_(&p, -bound, bound);
            (name, p)
        })
        .collect()
}

/// What the three layers share: the spec, the parameters in PyTorch's
/// order, the mode flag.
struct Core {
    spec: RecurrentSpec,
    params: Vec<(String, Parameter)>,
    training: bool,
}

impl Core {
    fn new(spec: RecurrentSpec, expected: &[Mode]) -> Result<Self> {
        if !expected.contains(&spec.mode) {
            return Err(Error::option(
                spec.name(),
                "mode",
                format!("this layer runs {expected:?}, not {:?}", spec.mode),
            ));
        }
        spec.check()?;
        Ok(Core {
            params: init_parameters(spec.parameter_shapes(), spec.hidden_size),
            spec,
            training: true,
        })
    }

    fn tensors(&self) -> Vec<&DynTensor> {
        self.params.iter().map(|(_, p)| p.tensor()).collect()
    }

    fn forward(&self, input: &DynTensor, hx: Option<&Hidden>) -> Result<(DynTensor, Hidden)> {
        recurrent_forward(&self.spec, &self.tensors(), input, hx, self.training)
    }

    fn forward_packed(
        &self,
        input: &PackedSequence,
        hx: Option<&Hidden>,
    ) -> Result<(PackedSequence, Hidden)> {
        recurrent_forward_packed(&self.spec, &self.tensors(), input, hx, self.training)
    }
}

/// `forward` and `forward_packed` of a layer whose state is `h` alone
/// (RNN, GRU).
macro_rules! h_only_forwards {
    ($name:ident) => {
        impl $name {
            /// `output, h_n = layer(input, h_0)`: see [`recurrent_forward`]
            /// for the shapes.
            pub fn forward(
                &self,
                input: &DynTensor,
                h0: Option<&DynTensor>,
            ) -> Result<(DynTensor, DynTensor)> {
                let (out, h_n) = self.core.forward(input, h_state(h0).as_ref())?;
                Ok((out, h_n.h))
            }

            /// `output, h_n = layer(packed, h_0)`: the output packed like
            /// the input.
            pub fn forward_packed(
                &self,
                input: &PackedSequence,
                h0: Option<&DynTensor>,
            ) -> Result<(PackedSequence, DynTensor)> {
                let (out, h_n) = self.core.forward_packed(input, h_state(h0).as_ref())?;
                Ok((out, h_n.h))
            }
        }
    };
}

fn h_state(h0: Option<&DynTensor>) -> Option<Hidden> {
    h0.map(|h| Hidden {
        h: h.clone(),
        c: None,
    })
}

/// An Elman RNN, like `nn.RNN(input_size, hidden_size, num_layers=1,
/// nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0,
/// bidirectional=False)`: `h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)`
/// (or relu). Parameters as PyTorch names and lays them out, drawn from
/// U(-1/√hidden_size, 1/√hidden_size).
///
/// ```
/// use nncore::nn::{Mode, RNN, RecurrentSpec};
/// use nncore::DynTensor;
/// let rnn = RNN::from_spec(RecurrentSpec::new(Mode::RnnRelu, 3, 4).num_layers(2))?;
/// assert_eq!(rnn.to_string(), "RNN(3, 4, num_layers=2)");
/// let (output, h_n) = rnn.forward(&DynTensor::randn(&[7, 2, 3])?, None)?; // [seq, batch, feature]
/// assert_eq!((output.shape(), h_n.shape()), (&[7, 2, 4][..], &[2, 2, 4][..]));
/// let err = rnn.forward(&DynTensor::zeros(&[7, 2, 5])?, None).unwrap_err();
/// assert_eq!(err.to_string(), "RNN: invalid input: input.size(-1) must be equal to input_size. Expected 3, got 5");
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct RNN {
    core: Core,
}

impl RNN {
    /// `nn.RNN(input_size, hidden_size)`.
    pub fn new(input_size: usize, hidden_size: usize) -> Result<Self> {
        Self::from_spec(RecurrentSpec::new(Mode::RnnTanh, input_size, hidden_size))
    }

    /// A layer with these options (mode `RnnTanh` or `RnnRelu`), checked as
    /// PyTorch's constructor checks them.
    pub fn from_spec(spec: RecurrentSpec) -> Result<Self> {
        Core::new(spec, &[Mode::RnnTanh, Mode::RnnRelu]).map(|core| RNN { core })
    }
}
recurrent_module!(RNN, RecurrentSpec);
h_only_forwards!(RNN);

/// A long short-term memory layer, like `nn.LSTM(input_size, hidden_size,
/// num_layers=1, bias=True, batch_first=False, dropout=0.0,
/// bidirectional=False, proj_size=0)`: gates i, f, g, o (in that order
/// in the weights), `c_t = f ⊙ c_(t-1) + i ⊙ g`, `h_t = o ⊙ tanh(c_t)`,
/// projected by `weight_hr` when `proj_size > 0`.
///
/// ```
/// use nncore::nn::{LSTM, Mode, RecurrentSpec};
/// use nncore::DynTensor;
/// let spec = RecurrentSpec::new(Mode::Lstm, 28, 128).num_layers(2).dropout(0.25).bidirectional(true);
/// let lstm = LSTM::from_spec(spec)?;
/// assert_eq!(lstm.to_string(), "LSTM(28, 128, num_layers=2, dropout=0.25, bidirectional=True)");
/// let (output, (h_n, c_n)) = lstm.forward(&DynTensor::randn(&[5, 3, 28])?, None)?;
/// assert_eq!(output.shape(), &[5, 3, 256]);
/// assert_eq!((h_n.shape(), c_n.shape()), (&[4, 3, 128][..], &[4, 3, 128][..]));
/// let err = LSTM::from_spec(RecurrentSpec::new(Mode::Lstm, 4, 3).proj_size(3)).err().unwrap();
/// assert_eq!(err.to_string(), "LSTM: invalid proj_size: proj_size has to be smaller than hidden_size");
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct LSTM {
    core: Core,
}

impl LSTM {
    /// `nn.LSTM(input_size, hidden_size)`.
    pub fn new(input_size: usize, hidden_size: usize) -> Result<Self> {
        Self::from_spec(RecurrentSpec::new(Mode::Lstm, input_size, hidden_size))
    }

    /// A layer with these options (mode `Lstm`), checked as PyTorch's
    /// constructor checks them.
    pub fn from_spec(spec: RecurrentSpec) -> Result<Self> {
        Core::new(spec, &[Mode::Lstm]).map(|core| LSTM { core })
    }

    /// `output, (h_n, c_n) = lstm(input, (h_0, c_0))`: see
    /// [`recurrent_forward`] for the shapes.
    pub fn forward(
        &self,
        input: &DynTensor,
        hx: Option<(&DynTensor, &DynTensor)>,
    ) -> Result<(DynTensor, (DynTensor, DynTensor))> {
        let (out, h_n) = self.core.forward(input, lstm_state(hx).as_ref())?;
        Ok((out, lstm_pair(h_n)))
    }

    /// `output, (h_n, c_n) = lstm(packed, (h_0, c_0))`: the output packed
    /// like the input.
    pub fn forward_packed(
        &self,
        input: &PackedSequence,
        hx: Option<(&DynTensor, &DynTensor)>,
    ) -> Result<(PackedSequence, (DynTensor, DynTensor))> {
        let (out, h_n) = self.core.forward_packed(input, lstm_state(hx).as_ref())?;
        Ok((out, lstm_pair(h_n)))
    }
}
recurrent_module!(LSTM, RecurrentSpec);

fn lstm_state(hx: Option<(&DynTensor, &DynTensor)>) -> Option<Hidden> {
    hx.map(|(h, c)| Hidden {
        h: h.clone(),
        c: Some(c.clone()),
    })
}

fn lstm_pair(h: Hidden) -> (DynTensor, DynTensor) {
    (h.h, h.c.expect("an LSTM returns c_n"))
}

/// A gated recurrent unit layer, like `nn.GRU(input_size, hidden_size,
/// num_layers=1, bias=True, batch_first=False, dropout=0.0,
/// bidirectional=False)`: gates r, z, n (in that order in the weights),
/// `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 - z) ⊙ n + z ⊙ h`.
///
/// ```
/// use nncore::nn::{GRU, Mode, RecurrentSpec};
/// use nncore::DynTensor;
/// let gru = GRU::from_spec(RecurrentSpec::new(Mode::Gru, 32, 64).batch_first(true))?;
/// assert_eq!(gru.to_string(), "GRU(32, 64, batch_first=True)");
/// let (output, h_n) = gru.forward(&DynTensor::randn(&[2, 9, 32])?, None)?; // [batch, seq, feature]
/// assert_eq!((output.shape(), h_n.shape()), (&[2, 9, 64][..], &[1, 2, 64][..]));
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct GRU {
    core: Core,
}

impl GRU {
    /// `nn.GRU(input_size, hidden_size)`.
    pub fn new(input_size: usize, hidden_size: usize) -> Result<Self> {
        Self::from_spec(RecurrentSpec::new(Mode::Gru, input_size, hidden_size))
    }

    /// A layer with these options (mode `Gru`), checked as PyTorch's
    /// constructor checks them.
    pub fn from_spec(spec: RecurrentSpec) -> Result<Self> {
        Core::new(spec, &[Mode::Gru]).map(|core| GRU { core })
    }
}
recurrent_module!(GRU, RecurrentSpec);
h_only_forwards!(GRU);
