//! `nn.RNNCell`, `nn.LSTMCell`, `nn.GRUCell`: one time step, the loop left
//! to the caller.

use super::forward::cell_forward;
use super::layers::init_parameters;
use super::spec::{CellSpec, Mode};
use crate::nn::{Module, Parameter, fmt_module};
use crate::{DynTensor, Result};
use std::fmt;

/// What the three cells share.
struct Core {
    spec: CellSpec,
    params: Vec<(String, Parameter)>,
    training: bool,
}

impl Core {
    fn new(mode: Mode, input_size: usize, hidden_size: usize, bias: bool) -> Self {
        let spec = CellSpec {
            mode,
            input_size,
            hidden_size,
            bias,
        };
        Core {
            params: init_parameters(spec.parameter_shapes(), hidden_size),
            spec,
            training: true,
        }
    }

    fn step(
        &self,
        input: &DynTensor,
        hx: Option<(&DynTensor, Option<&DynTensor>)>,
    ) -> Result<(DynTensor, Option<DynTensor>)> {
        let params: Vec<&DynTensor> = self.params.iter().map(|(_, p)| p.tensor()).collect();
        cell_forward(&self.spec, &params, input, hx)
    }
}

/// An Elman RNN cell, like `nn.RNNCell(input_size, hidden_size, bias=True,
/// nonlinearity='tanh')`: `h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`.
///
/// ```
/// use nncore::nn::RNNCell;
/// use nncore::DynTensor;
/// let cell = RNNCell::new(4, 5).relu();
/// assert_eq!(cell.to_string(), "RNNCell(4, 5, nonlinearity=relu)");
/// let h = cell.forward(&DynTensor::randn(&[3, 4])?, None)?;
/// assert_eq!(h.shape(), &[3, 5]);
/// let err = cell.forward(&DynTensor::randn(&[3, 6])?, None).unwrap_err();
/// assert_eq!(err.to_string(), "RNNCell: invalid input: input has inconsistent input_size: got 6 expected 4");
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct RNNCell {
    core: Core,
}

impl RNNCell {
    /// `nn.RNNCell(input_size, hidden_size)`.
    pub fn new(input_size: usize, hidden_size: usize) -> Self {
        Self::with_bias(input_size, hidden_size, true)
    }

    /// `nn.RNNCell(input_size, hidden_size, bias=bias)`.
    pub fn with_bias(input_size: usize, hidden_size: usize, bias: bool) -> Self {
        RNNCell {
            core: Core::new(Mode::RnnTanh, input_size, hidden_size, bias),
        }
    }

    /// `nonlinearity='relu'`.
    pub fn relu(mut self) -> Self {
        self.core.spec.mode = Mode::RnnRelu;
        self
    }

    /// `h' = cell(input, h)`: `input` `[batch, input_size]` or `[input_size]`,
    /// `h` `[batch, hidden_size]` or `[hidden_size]` (zeros when absent).
    pub fn forward(&self, input: &DynTensor, hx: Option<&DynTensor>) -> Result<DynTensor> {
        Ok(self.core.step(input, hx.map(|h| (h, None)))?.0)
    }
}
recurrent_module!(RNNCell, CellSpec);

/// A long short-term memory cell, like `nn.LSTMCell(input_size,
/// hidden_size, bias=True)`.
///
/// ```
/// use nncore::nn::LSTMCell;
/// use nncore::DynTensor;
/// let cell = LSTMCell::new(4, 5);
/// assert_eq!(cell.to_string(), "LSTMCell(4, 5)");
/// let (h, c) = cell.forward(&DynTensor::randn(&[4])?, None)?; // unbatched
/// assert_eq!((h.shape(), c.shape()), (&[5][..], &[5][..]));
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct LSTMCell {
    core: Core,
}

impl LSTMCell {
    /// `nn.LSTMCell(input_size, hidden_size)`.
    pub fn new(input_size: usize, hidden_size: usize) -> Self {
        Self::with_bias(input_size, hidden_size, true)
    }

    /// `nn.LSTMCell(input_size, hidden_size, bias=bias)`.
    pub fn with_bias(input_size: usize, hidden_size: usize, bias: bool) -> Self {
        LSTMCell {
            core: Core::new(Mode::Lstm, input_size, hidden_size, bias),
        }
    }

    /// `h', c' = cell(input, (h, c))`.
    pub fn forward(
        &self,
        input: &DynTensor,
        hx: Option<(&DynTensor, &DynTensor)>,
    ) -> Result<(DynTensor, DynTensor)> {
        let (h, c) = self.core.step(input, hx.map(|(h, c)| (h, Some(c))))?;
        Ok((h, c.expect("an LSTM cell returns c")))
    }
}
recurrent_module!(LSTMCell, CellSpec);

/// A gated recurrent unit cell, like `nn.GRUCell(input_size, hidden_size,
/// bias=True)`.
///
/// ```
/// use nncore::nn::GRUCell;
/// use nncore::DynTensor;
/// let cell = GRUCell::with_bias(4, 5, false);
/// assert_eq!(cell.to_string(), "GRUCell(4, 5, bias=False)");
/// let h = cell.forward(&DynTensor::randn(&[2, 4])?, Some(&DynTensor::zeros(&[2, 5])?))?;
/// assert_eq!(h.shape(), &[2, 5]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct GRUCell {
    core: Core,
}

impl GRUCell {
    /// `nn.GRUCell(input_size, hidden_size)`.
    pub fn new(input_size: usize, hidden_size: usize) -> Self {
        Self::with_bias(input_size, hidden_size, true)
    }

    /// `nn.GRUCell(input_size, hidden_size, bias=bias)`.
    pub fn with_bias(input_size: usize, hidden_size: usize, bias: bool) -> Self {
        GRUCell {
            core: Core::new(Mode::Gru, input_size, hidden_size, bias),
        }
    }

    /// `h' = cell(input, h)`.
    pub fn forward(&self, input: &DynTensor, hx: Option<&DynTensor>) -> Result<DynTensor> {
        Ok(self.core.step(input, hx.map(|h| (h, None)))?.0)
    }
}
recurrent_module!(GRUCell, CellSpec);
