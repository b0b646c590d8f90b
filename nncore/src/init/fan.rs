//! Fans and gains: the numbers the scaled initialisers are built from.

use crate::{Error, Result};

/// The nonlinearity a gain is computed for, as `torch.nn.init.calculate_gain`
/// names them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Nonlinearity {
    /// `linear` and the conv variants: gain 1.
    Linear,
    /// `sigmoid`: gain 1.
    Sigmoid,
    /// `tanh`: gain 5/3.
    Tanh,
    /// `relu`: gain √2.
    Relu,
    /// `leaky_relu` with a negative slope: gain √(2 / (1 + slope²)).
    LeakyRelu(f64),
    /// `selu`: gain 3/4.
    Selu,
}

impl std::str::FromStr for Nonlinearity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d"
            | "conv_transpose3d" => Nonlinearity::Linear,
            "sigmoid" => Nonlinearity::Sigmoid,
            "tanh" => Nonlinearity::Tanh,
            "relu" => Nonlinearity::Relu,
            "leaky_relu" => Nonlinearity::LeakyRelu(0.01),
            "selu" => Nonlinearity::Selu,
            other => {
                return Err(Error::option(
                    "calculate_gain",
                    "nonlinearity",
                    format!("Unsupported nonlinearity {other}"),
                ));
            }
        })
    }
}

/// The recommended gain for a nonlinearity, like `calculate_gain`.
///
/// ```
/// use nncore::init::{calculate_gain, Nonlinearity};
/// assert_eq!(calculate_gain(Nonlinearity::Relu), 2f64.sqrt());
/// ```
pub fn calculate_gain(nonlinearity: Nonlinearity) -> f64 {
    match nonlinearity {
        Nonlinearity::Linear | Nonlinearity::Sigmoid => 1.0,
        Nonlinearity::Tanh => 5.0 / 3.0,
        Nonlinearity::Relu => 2f64.sqrt(),
        Nonlinearity::LeakyRelu(slope) => (2.0 / (1.0 + slope * slope)).sqrt(),
        Nonlinearity::Selu => 0.75,
    }
}

/// Whether a scaled initialiser preserves the variance of the forward
/// (`fan_in`) or of the backward pass (`fan_out`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FanMode {
    /// Input connections per unit (PyTorch's default).
    #[default]
    FanIn,
    /// Output connections per unit.
    FanOut,
}

/// PyTorch's `_calculate_fan_in_and_fan_out`: for a weight
/// `[out, in, k...]`, fan_in = in·∏k and fan_out = out·∏k. Needs at least
/// 2 dimensions.
///
/// ```
/// use nncore::init::calculate_fan_in_and_fan_out;
/// assert_eq!(calculate_fan_in_and_fan_out(&[6, 1, 5, 5]).unwrap(), (25, 150));
/// ```
pub fn calculate_fan_in_and_fan_out(shape: &[usize]) -> Result<(usize, usize)> {
    if shape.len() < 2 {
        return Err(Error::option(
            "init",
            "tensor",
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
                .to_string(),
        ));
    }
    let receptive: usize = shape[2..].iter().product();
    Ok((shape[1] * receptive, shape[0] * receptive))
}

impl std::str::FromStr for FanMode {
    type Err = Error;
    /// `"fan_in"` or `"fan_out"`, as PyTorch spells them.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "fan_in" => Ok(FanMode::FanIn),
            "fan_out" => Ok(FanMode::FanOut),
            other => Err(Error::option(
                "init",
                "mode",
                format!("Mode {other} not supported, please use one of ['fan_in', 'fan_out']"),
            )),
        }
    }
}

impl Nonlinearity {
    /// The nonlinearity PyTorch names `name`, with `param` the negative
    /// slope of `leaky_relu` (default 0.01), like `calculate_gain(name,
    /// param)`.
    ///
    /// ```
    /// use nncore::init::{calculate_gain, Nonlinearity};
    /// let n = Nonlinearity::named("leaky_relu", Some(0.2)).unwrap();
    /// assert_eq!(calculate_gain(n), (2.0f64 / 1.04).sqrt());
    /// assert!(Nonlinearity::named("softmax", None).is_err());
    /// ```
    pub fn named(name: &str, param: Option<f64>) -> Result<Self> {
        Self::with_param(name, &param.map_or(GainParam::None, GainParam::Float))
    }

    /// [`Nonlinearity::named`] with `param` as a dynamic caller (a config
    /// file, the conformance runner) may hold it: PyTorch takes an int or
    /// a float as `leaky_relu`'s negative slope and refuses anything else,
    /// a bool included (`negative_slope True not a valid number`); the
    /// other nonlinearities ignore `param`, whatever it is.
    ///
    /// ```
    /// use nncore::init::{GainParam, Nonlinearity};
    /// let err = Nonlinearity::with_param("leaky_relu", &GainParam::Bool(true)).unwrap_err();
    /// assert_eq!(err.to_string(), "calculate_gain: invalid param: negative_slope True not a valid number");
    /// assert_eq!(Nonlinearity::with_param("leaky_relu", &GainParam::Int(0)).unwrap(), Nonlinearity::LeakyRelu(0.0));
    /// assert_eq!(Nonlinearity::with_param("relu", &GainParam::Bool(true)).unwrap(), Nonlinearity::Relu);
    /// ```
    pub fn with_param(name: &str, param: &GainParam) -> Result<Self> {
        let n: Nonlinearity = name.parse()?;
        let Nonlinearity::LeakyRelu(default) = n else {
            return Ok(n);
        };
        let slope = match param {
            GainParam::None => default,
            GainParam::Int(i) => *i as f64,
            GainParam::Float(x) => *x,
            GainParam::Bool(_) | GainParam::Other(_) => {
                return Err(Error::option(
                    "calculate_gain",
                    "param",
                    format!("negative_slope {param} not a valid number"),
                ));
            }
        };
        Ok(Nonlinearity::LeakyRelu(slope))
    }
}

/// `calculate_gain`'s `param` as Python may pass it, for callers whose
/// values are not typed (see [`Nonlinearity::with_param`]).
#[derive(Clone, Debug, PartialEq)]
pub enum GainParam {
    /// `None`: the default slope.
    None,
    /// A Python `int`.
    Int(i64),
    /// A Python `float`.
    Float(f64),
    /// A Python `bool`, which PyTorch refuses although `bool` is an `int`.
    Bool(bool),
    /// Anything else, as Python's `str()` prints it (`abc`, `[0.1]`).
    Other(String),
}

impl std::fmt::Display for GainParam {
    /// Python's `str()` of the value, as PyTorch's message prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GainParam::None => f.write_str("None"),
            GainParam::Int(i) => write!(f, "{i}"),
            GainParam::Float(x) => f.write_str(&crate::py_float(*x)),
            GainParam::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            GainParam::Other(s) => f.write_str(s),
        }
    }
}

pub(crate) fn fan(shape: &[usize], mode: FanMode) -> Result<usize> {
    let (fan_in, fan_out) = calculate_fan_in_and_fan_out(shape)?;
    Ok(match mode {
        FanMode::FanIn => fan_in,
        FanMode::FanOut => fan_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyTorch 2.15's `calculate_gain("leaky_relu", param)` for each param.
    #[test]
    fn leaky_relu_takes_ints_and_floats_and_refuses_the_rest_as_pytorch_does() {
        let gain = |p: GainParam| Nonlinearity::with_param("leaky_relu", &p).map(calculate_gain);
        assert_eq!(gain(GainParam::Int(3)).unwrap(), (2.0f64 / 10.0).sqrt());
        assert_eq!(gain(GainParam::Float(0.2)).unwrap(), 1.3867504905630728);
        assert_eq!(gain(GainParam::None).unwrap(), 1.4141428569978354);
        let message = |p: GainParam| gain(p).unwrap_err().to_string();
        assert_eq!(
            message(GainParam::Bool(false)),
            "calculate_gain: invalid param: negative_slope False not a valid number"
        );
        assert_eq!(
            message(GainParam::Other("abc".into())),
            "calculate_gain: invalid param: negative_slope abc not a valid number"
        );
        assert_eq!(
            message(GainParam::Other("[0.1]".into())),
            "calculate_gain: invalid param: negative_slope [0.1] not a valid number"
        );
        // The name is checked first, as in PyTorch.
        assert_eq!(
            Nonlinearity::with_param("softmax", &GainParam::Bool(true))
                .unwrap_err()
                .to_string(),
            "calculate_gain: invalid nonlinearity: Unsupported nonlinearity softmax"
        );
    }
}
