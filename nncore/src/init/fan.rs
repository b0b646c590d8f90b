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
        let n: Nonlinearity = name.parse()?;
        Ok(match (n, param) {
            (Nonlinearity::LeakyRelu(_), Some(slope)) => Nonlinearity::LeakyRelu(slope),
            (n, _) => n,
        })
    }
}

pub(crate) fn fan(shape: &[usize], mode: FanMode) -> Result<usize> {
    let (fan_in, fan_out) = calculate_fan_in_and_fan_out(shape)?;
    Ok(match mode {
        FanMode::FanIn => fan_in,
        FanMode::FanOut => fan_out,
    })
}
