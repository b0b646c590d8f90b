//! The constructor arguments of `nn.RNN`, `nn.LSTM`, `nn.GRU` and their
//! cells: PyTorch's checks and messages, printout, and the parameter names
//! and shapes each creates.

use super::super::PyNumber;
use super::super::spec::{Args, LayerSpec, py_bool};
use crate::{Error, Result};

/// Which recurrence a layer or cell runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`.
    RnnTanh,
    /// `h' = relu(W_ih x + b_ih + W_hh h + b_hh)`.
    RnnRelu,
    /// Gates i, f, g, o (in that order in the weights), a cell state.
    Lstm,
    /// Gates r, z, n (in that order in the weights).
    Gru,
}

impl Mode {
    /// Gates per hidden unit: rows of `weight_ih` are `gates() * hidden_size`.
    pub fn gates(self) -> usize {
        match self {
            Mode::RnnTanh | Mode::RnnRelu => 1,
            Mode::Lstm => 4,
            Mode::Gru => 3,
        }
    }

    /// The RNN mode of PyTorch's `nonlinearity` argument, with PyTorch's
    /// message for any other value.
    fn of_nonlinearity(name: &'static str, nonlinearity: &str) -> Result<Self> {
        match nonlinearity {
            "tanh" => Ok(Mode::RnnTanh),
            "relu" => Ok(Mode::RnnRelu),
            other => Err(Error::option(
                name,
                "nonlinearity",
                format!("Unknown nonlinearity '{other}'. Select from 'tanh' or 'relu'."),
            )),
        }
    }
}

/// `nn.RNN` / `nn.LSTM` / `nn.GRU`'s arguments, checked as PyTorch's
/// `RNNBase.__init__` checks them.
///
/// ```
/// use nncore::nn::LSTMSpec;
/// use nncore::nn::spec::{LayerSpec, parse};
/// use nncore::nn::dynamic::LayerOptions;
/// let o = LayerOptions::new().with("input_size", 28).with("hidden_size", 128);
/// let spec: LSTMSpec = parse(&o.clone().with("num_layers", 2).with("dropout", 0.25).with("bidirectional", true))?;
/// assert_eq!(spec.extra_repr(), "28, 128, num_layers=2, dropout=0.25, bidirectional=True");
/// assert_eq!(spec.0.output_size(), 256);
/// let err = parse::<LSTMSpec>(&o.with("proj_size", 128)).unwrap_err();
/// assert_eq!(err.to_string(), "LSTM: invalid proj_size: proj_size has to be smaller than hidden_size");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecurrentSpec {
    /// The recurrence.
    pub mode: Mode,
    /// `input_size`.
    pub input_size: usize,
    /// `hidden_size`.
    pub hidden_size: usize,
    /// `num_layers`.
    pub num_layers: usize,
    /// `bias`.
    pub bias: bool,
    /// `batch_first`: input and output are `[batch, seq, feature]`.
    pub batch_first: bool,
    /// `dropout` between layers in training mode (PyTorch keeps it as a float).
    pub dropout: f64,
    /// `bidirectional`.
    pub bidirectional: bool,
    /// `proj_size` (LSTM only; 0: no projection).
    pub proj_size: usize,
}

impl RecurrentSpec {
    /// A layer with PyTorch's defaults: one layer, biases, sequence first,
    /// no dropout, one direction, no projection.
    pub fn new(mode: Mode, input_size: usize, hidden_size: usize) -> Self {
        RecurrentSpec {
            mode,
            input_size,
            hidden_size,
            num_layers: 1,
            bias: true,
            batch_first: false,
            dropout: 0.0,
            bidirectional: false,
            proj_size: 0,
        }
    }

    /// `num_layers`: stacked layers, each reading the previous one's output.
    pub fn num_layers(mut self, num_layers: usize) -> Self {
        self.num_layers = num_layers;
        self
    }

    /// `bias`: whether the layers have `bias_ih` and `bias_hh`.
    pub fn bias(mut self, bias: bool) -> Self {
        self.bias = bias;
        self
    }

    /// `batch_first`: input and output are `[batch, seq, feature]`.
    pub fn batch_first(mut self, batch_first: bool) -> Self {
        self.batch_first = batch_first;
        self
    }

    /// `dropout`: applied to each layer's output but the last's, in
    /// training mode.
    pub fn dropout(mut self, p: f64) -> Self {
        self.dropout = p;
        self
    }

    /// `bidirectional`: a second pass from the last step to the first,
    /// its output concatenated to the first's.
    pub fn bidirectional(mut self, bidirectional: bool) -> Self {
        self.bidirectional = bidirectional;
        self
    }

    /// `proj_size` (LSTM): `h` is projected to this size by `weight_hr`.
    pub fn proj_size(mut self, proj_size: usize) -> Self {
        self.proj_size = proj_size;
        self
    }

    /// PyTorch's class name.
    pub fn name(&self) -> &'static str {
        match self.mode {
            Mode::RnnTanh | Mode::RnnRelu => "RNN",
            Mode::Lstm => "LSTM",
            Mode::Gru => "GRU",
        }
    }

    /// 2 when bidirectional, else 1.
    pub fn directions(&self) -> usize {
        if self.bidirectional { 2 } else { 1 }
    }

    /// The size of `h`: `proj_size` when set, else `hidden_size`.
    pub fn real_hidden_size(&self) -> usize {
        if self.proj_size > 0 {
            self.proj_size
        } else {
            self.hidden_size
        }
    }

    /// The feature size of `output`: directions × the size of `h`.
    pub fn output_size(&self) -> usize {
        self.directions() * self.real_hidden_size()
    }

    /// PyTorch's checks, in PyTorch's order, with its messages.
    pub fn check(&self) -> Result<()> {
        let name = self.name();
        let err = |option, reason: &str| Err(Error::option(name, option, reason));
        if !(0.0..=1.0).contains(&self.dropout) {
            return err(
                "dropout",
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed",
            );
        }
        if self.input_size == 0 {
            return err("input_size", "input_size must be greater than zero");
        }
        if self.hidden_size == 0 {
            return err("hidden_size", "hidden_size must be greater than zero");
        }
        if self.num_layers == 0 {
            return err("num_layers", "num_layers must be greater than zero");
        }
        if self.proj_size > 0 && self.mode != Mode::Lstm {
            return err(
                "proj_size",
                "proj_size argument is only supported for LSTM, not RNN or GRU",
            );
        }
        if self.proj_size >= self.hidden_size {
            return err("proj_size", "proj_size has to be smaller than hidden_size");
        }
        Ok(())
    }

    /// Every parameter's name and shape, in PyTorch's registration order:
    /// per layer and direction `weight_ih_l{k}`, `weight_hh_l{k}`,
    /// `bias_ih_l{k}`, `bias_hh_l{k}`, `weight_hr_l{k}`, with `_reverse`
    /// for the backward direction.
    pub fn parameter_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let gate_size = self.mode.gates() * self.hidden_size;
        let real = self.real_hidden_size();
        let mut out = Vec::new();
        for layer in 0..self.num_layers {
            let layer_input = if layer == 0 {
                self.input_size
            } else {
                real * self.directions()
            };
            for direction in 0..self.directions() {
                let suffix = if direction == 1 { "_reverse" } else { "" };
                let name = |kind: &str| format!("{kind}_l{layer}{suffix}");
                out.push((name("weight_ih"), vec![gate_size, layer_input]));
                out.push((name("weight_hh"), vec![gate_size, real]));
                if self.bias {
                    out.push((name("bias_ih"), vec![gate_size]));
                    out.push((name("bias_hh"), vec![gate_size]));
                }
                if self.proj_size > 0 {
                    out.push((name("weight_hr"), vec![self.proj_size, self.hidden_size]));
                }
            }
        }
        out
    }

    fn parse_as(a: &Args<'_>, mode: Mode) -> Result<Self> {
        let name = a.layer_name();
        let mode = match mode {
            Mode::RnnTanh | Mode::RnnRelu => Mode::of_nonlinearity(name, &a.text("nonlinearity")?)?,
            other => other,
        };
        let dropout = a.number("dropout")?.value();
        let spec = RecurrentSpec {
            mode,
            input_size: a.size("input_size")?,
            hidden_size: a.size("hidden_size")?,
            num_layers: a.size("num_layers")?,
            bias: a.flag("bias")?,
            batch_first: a.flag("batch_first")?,
            dropout,
            bidirectional: a.flag("bidirectional")?,
            proj_size: if mode == Mode::Lstm {
                a.size("proj_size")?
            } else {
                0
            },
        };
        spec.check()?;
        Ok(spec)
    }

    /// PyTorch's `RNNBase.extra_repr`: the sizes, then each option not at
    /// its default (an RNN's nonlinearity is not printed, as in PyTorch).
    pub fn extra_repr(&self) -> String {
        let mut s = format!("{}, {}", self.input_size, self.hidden_size);
        if self.proj_size != 0 {
            s.push_str(&format!(", proj_size={}", self.proj_size));
        }
        if self.num_layers != 1 {
            s.push_str(&format!(", num_layers={}", self.num_layers));
        }
        if !self.bias {
            s.push_str(", bias=False");
        }
        if self.batch_first {
            s.push_str(", batch_first=True");
        }
        if self.dropout != 0.0 {
            s.push_str(&format!(", dropout={}", PyNumber::Float(self.dropout)));
        }
        if self.bidirectional {
            s.push_str(", bidirectional=True");
        }
        s
    }
}

/// `nn.RNNCell` / `nn.LSTMCell` / `nn.GRUCell`'s arguments.
///
/// ```
/// use nncore::nn::RNNCellSpec;
/// use nncore::nn::spec::{LayerSpec, parse};
/// use nncore::nn::dynamic::LayerOptions;
/// let o = LayerOptions::new().with("input_size", 4).with("hidden_size", 5);
/// let spec: RNNCellSpec = parse(&o.clone().with("nonlinearity", "relu").with("bias", false))?;
/// assert_eq!(spec.extra_repr(), "4, 5, bias=False, nonlinearity=relu");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellSpec {
    /// The recurrence.
    pub mode: Mode,
    /// `input_size`.
    pub input_size: usize,
    /// `hidden_size`.
    pub hidden_size: usize,
    /// `bias`.
    pub bias: bool,
}

impl CellSpec {
    /// PyTorch's class name.
    pub fn name(&self) -> &'static str {
        match self.mode {
            Mode::RnnTanh | Mode::RnnRelu => "RNNCell",
            Mode::Lstm => "LSTMCell",
            Mode::Gru => "GRUCell",
        }
    }

    /// `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh` and their shapes.
    pub fn parameter_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let gate_size = self.mode.gates() * self.hidden_size;
        let mut out = vec![
            ("weight_ih".to_string(), vec![gate_size, self.input_size]),
            ("weight_hh".to_string(), vec![gate_size, self.hidden_size]),
        ];
        if self.bias {
            out.push(("bias_ih".to_string(), vec![gate_size]));
            out.push(("bias_hh".to_string(), vec![gate_size]));
        }
        out
    }

    fn parse_as(a: &Args<'_>, mode: Mode) -> Result<Self> {
        let mode = match mode {
            Mode::RnnTanh | Mode::RnnRelu => {
                Mode::of_nonlinearity(a.layer_name(), &a.text("nonlinearity")?)?
            }
            other => other,
        };
        Ok(CellSpec {
            mode,
            input_size: a.size("input_size")?,
            hidden_size: a.size("hidden_size")?,
            bias: a.flag("bias")?,
        })
    }

    /// PyTorch's `RNNCellBase.extra_repr`.
    pub fn extra_repr(&self) -> String {
        let mut s = format!("{}, {}", self.input_size, self.hidden_size);
        if !self.bias {
            s.push_str(&format!(", bias={}", py_bool(self.bias)));
        }
        if self.mode == Mode::RnnRelu {
            s.push_str(", nonlinearity=relu");
        }
        s
    }
}

/// One spec type per PyTorch class (the registry keys on [`LayerSpec::NAME`]),
/// each a newtype of the shared spec.
macro_rules! spec_type {
    ($(#[$doc:meta])* $name:ident($inner:ident), $torch:literal, $mode:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $name(pub $inner);

        impl LayerSpec for $name {
            const NAME: &'static str = $torch;
            fn parse(a: &Args<'_>) -> Result<Self> {
                $inner::parse_as(a, $mode).map($name)
            }
            fn extra_repr(&self) -> String {
                self.0.extra_repr()
            }
        }
    };
}

spec_type!(
    /// `nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False)`.
    RNNSpec(RecurrentSpec), "RNN", Mode::RnnTanh
);
spec_type!(
    /// `nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False, proj_size=0)`.
    LSTMSpec(RecurrentSpec), "LSTM", Mode::Lstm
);
spec_type!(
    /// `nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False)`.
    GRUSpec(RecurrentSpec), "GRU", Mode::Gru
);
spec_type!(
    /// `nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')`.
    RNNCellSpec(CellSpec), "RNNCell", Mode::RnnTanh
);
spec_type!(
    /// `nn.LSTMCell(input_size, hidden_size, bias=True)`.
    LSTMCellSpec(CellSpec), "LSTMCell", Mode::Lstm
);
spec_type!(
    /// `nn.GRUCell(input_size, hidden_size, bias=True)`.
    GRUCellSpec(CellSpec), "GRUCell", Mode::Gru
);
