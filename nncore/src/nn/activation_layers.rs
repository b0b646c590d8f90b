//! The activation layers besides ReLU, and `Identity`: modules without
//! parameters that apply an elementwise function (or a softmax over one
//! dimension). Each keeps the shape, static or not.

use super::module::training_flag;
use super::{DynForward, Forward, Module, PyNumber, fmt_module};
use crate::kernels::elementwise as ew;
use crate::ops::unary::unary;
use crate::shape::Shape;
use crate::{DynTensor, Result, Tensor};
use std::fmt;

/// Implements `Default`, `Module`, `DynForward`, the shape-keeping
/// `Forward` and `Display` for an activation layer whose struct has a
/// `training` field and a `fn apply(&self, &DynTensor) -> Result<DynTensor>`.
macro_rules! activation_layer {
    ($ty:ident, $name:literal, |$s:ident| $extra:expr) => {
        impl Module for $ty {
            training_flag!();
            fn type_name(&self) -> &str {
                $name
            }
            fn extra_repr(&self) -> String {
                let $s = self;
                $extra
            }
        }

        impl DynForward for $ty {
            fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
                self.apply(x)
            }
        }

        impl<S: Shape> Forward<Tensor<S>> for $ty {
            type Output = Tensor<S>;
            /// # Panics
            /// Only where the runtime form returns an error (a softmax
            /// `dim` outside the input's rank).
            fn forward(&self, x: Tensor<S>) -> Tensor<S> {
                let shape = x.shape();
                let y = self.apply(x.as_dyn()).unwrap_or_else(|e| panic!("{e}"));
                Tensor::from_raw_unchecked(y, shape)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_module(self, f)
            }
        }
    };
}

/// `nn.LeakyReLU(negative_slope=0.01)`: `x` if `x >= 0`, else `slope·x`.
/// The slope prints as it was given, as PyTorch prints it (an integer `1`
/// as `negative_slope=1`; see [`PyNumber`]).
///
/// ```
/// use nncore::nn::{DynForward, LeakyReLU};
/// use nncore::DynTensor;
/// let m = LeakyReLU::new(0.2);
/// let y = m.forward_dyn(&DynTensor::from_vec(vec![-1.0, 2.0], &[2]).unwrap()).unwrap();
/// assert_eq!(y.to_vec(), vec![-0.2, 2.0]);
/// assert_eq!(m.to_string(), "LeakyReLU(negative_slope=0.2)");
/// assert_eq!(LeakyReLU::default().to_string(), "LeakyReLU(negative_slope=0.01)");
/// assert_eq!(LeakyReLU::new(1).to_string(), "LeakyReLU(negative_slope=1)");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LeakyReLU {
    negative_slope: PyNumber,
    training: bool,
}

impl LeakyReLU {
    /// `nn.LeakyReLU(negative_slope)`: an integer or a float, printed as
    /// given.
    pub fn new(negative_slope: impl Into<PyNumber>) -> Self {
        LeakyReLU {
            negative_slope: negative_slope.into(),
            training: true,
        }
    }
    fn apply(&self, x: &DynTensor) -> Result<DynTensor> {
        Ok(unary(
            x,
            ew::LeakyRelu {
                slope: self.negative_slope.value(),
            },
            "LeakyReluBackward",
        ))
    }
}

impl Default for LeakyReLU {
    fn default() -> Self {
        Self::new(0.01)
    }
}

activation_layer!(LeakyReLU, "LeakyReLU", |s| format!(
    "negative_slope={}",
    s.negative_slope
));

/// `nn.ELU(alpha=1.0)`: `x` if `x > 0`, else `alpha·(exp(x) - 1)`.
/// `alpha` prints as it was given, as PyTorch prints it (see [`PyNumber`]).
///
/// ```
/// use nncore::nn::ELU;
/// assert_eq!(ELU::new(0.5).to_string(), "ELU(alpha=0.5)");
/// // nn.ELU(), nn.ELU(2)
/// assert_eq!(ELU::default().to_string(), "ELU(alpha=1.0)");
/// assert_eq!(ELU::new(2).to_string(), "ELU(alpha=2)");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ELU {
    alpha: PyNumber,
    training: bool,
}

impl ELU {
    /// `nn.ELU(alpha)`: an integer or a float, printed as given.
    pub fn new(alpha: impl Into<PyNumber>) -> Self {
        ELU {
            alpha: alpha.into(),
            training: true,
        }
    }
    fn apply(&self, x: &DynTensor) -> Result<DynTensor> {
        Ok(unary(
            x,
            ew::Elu {
                alpha: self.alpha.value(),
            },
            "EluBackward",
        ))
    }
}

impl Default for ELU {
    fn default() -> Self {
        Self::new(1.0)
    }
}

activation_layer!(ELU, "ELU", |s| format!("alpha={}", s.alpha));

/// `nn.GELU(approximate='none' | 'tanh')`: `x·Φ(x)`, or its tanh
/// approximation.
///
/// ```
/// use nncore::nn::GELU;
/// assert_eq!(GELU::new().to_string(), "GELU(approximate='none')");
/// assert_eq!(GELU::tanh().to_string(), "GELU(approximate='tanh')");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct GELU {
    tanh: bool,
    training: bool,
}

impl GELU {
    /// The exact GELU (`approximate='none'`).
    pub fn new() -> Self {
        GELU {
            tanh: false,
            training: true,
        }
    }
    /// The tanh approximation (`approximate='tanh'`).
    pub fn tanh() -> Self {
        GELU {
            tanh: true,
            training: true,
        }
    }
    fn apply(&self, x: &DynTensor) -> Result<DynTensor> {
        Ok(if self.tanh {
            unary(x, ew::GeluTanh, "GeluBackward")
        } else {
            unary(x, ew::Gelu, "GeluBackward")
        })
    }
}

impl Default for GELU {
    fn default() -> Self {
        Self::new()
    }
}

activation_layer!(GELU, "GELU", |s| format!(
    "approximate='{}'",
    if s.tanh { "tanh" } else { "none" }
));

/// Declares a parameterless activation layer.
macro_rules! plain_activation {
    ($(#[$doc:meta])* $ty:ident, $name:literal, |$x:ident| $body:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $ty {
            training: bool,
        }

        impl $ty {
            #[doc = concat!("`nn.", $name, "()`.")]
            pub fn new() -> Self {
                $ty { training: true }
            }
            fn apply(&self, $x: &DynTensor) -> Result<DynTensor> {
                $body
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                Self::new()
            }
        }

        activation_layer!($ty, $name, |_s| String::new());
    };
}

plain_activation!(
    /// `nn.SiLU()`: `x·sigmoid(x)`.
    ///
    /// ```
    /// use nncore::nn::SiLU;
    /// assert_eq!(SiLU::new().to_string(), "SiLU()");
    /// ```
    SiLU, "SiLU", |x| Ok(unary(x, ew::Silu, "SiluBackward"))
);
plain_activation!(
    /// `nn.Sigmoid()`: `1 / (1 + exp(-x))`.
    ///
    /// ```
    /// use nncore::nn::Sigmoid;
    /// assert_eq!(Sigmoid::new().to_string(), "Sigmoid()");
    /// ```
    Sigmoid, "Sigmoid", |x| Ok(x.sigmoid())
);
plain_activation!(
    /// `nn.Tanh()`.
    ///
    /// ```
    /// use nncore::nn::Tanh;
    /// assert_eq!(Tanh::new().to_string(), "Tanh()");
    /// ```
    Tanh, "Tanh", |x| Ok(x.tanh())
);
plain_activation!(
    /// `nn.Identity()`: returns its input.
    ///
    /// ```
    /// use nncore::nn::{DynForward, Identity};
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f32>::ones(&[2]);
    /// assert_eq!(Identity::new().forward_dyn(&x).unwrap().to_vec(), x.to_vec());
    /// assert_eq!(Identity::new().to_string(), "Identity()");
    /// ```
    Identity, "Identity", |x| Ok(x.clone())
);

/// `nn.Softplus(beta=1.0, threshold=20.0)`: `log(1 + exp(beta·x)) / beta`,
/// linear above `threshold`. Each argument prints as it was given, as
/// PyTorch prints it: an integer `2` as `beta=2`, a float `2.0` as
/// `beta=2.0` (see [`PyNumber`]).
///
/// ```
/// use nncore::nn::Softplus;
/// assert_eq!(Softplus::default().to_string(), "Softplus(beta=1.0, threshold=20.0)");
/// // nn.Softplus(beta=2), nn.Softplus(beta=2.5, threshold=10)
/// assert_eq!(Softplus::new(2, 20.0).to_string(), "Softplus(beta=2, threshold=20.0)");
/// assert_eq!(Softplus::new(2.5, 10).to_string(), "Softplus(beta=2.5, threshold=10)");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Softplus {
    beta: PyNumber,
    threshold: PyNumber,
    training: bool,
}

impl Softplus {
    /// `nn.Softplus(beta, threshold)`: each an integer or a float, printed
    /// as given.
    pub fn new(beta: impl Into<PyNumber>, threshold: impl Into<PyNumber>) -> Self {
        Softplus {
            beta: beta.into(),
            threshold: threshold.into(),
            training: true,
        }
    }
    fn apply(&self, x: &DynTensor) -> Result<DynTensor> {
        let k = ew::Softplus {
            beta: self.beta.value(),
            threshold: self.threshold.value(),
        };
        Ok(unary(x, k, "SoftplusBackward"))
    }
}

impl Default for Softplus {
    fn default() -> Self {
        Self::new(1.0, 20.0)
    }
}

activation_layer!(Softplus, "Softplus", |s| format!(
    "beta={}, threshold={}",
    s.beta, s.threshold
));

/// `nn.Hardtanh(min_val=-1.0, max_val=1.0)`: `x` clamped to the range.
/// The limits print as they were given, as PyTorch prints them (see
/// [`PyNumber`]).
///
/// ```
/// use nncore::nn::Hardtanh;
/// assert_eq!(Hardtanh::default().to_string(), "Hardtanh(min_val=-1.0, max_val=1.0)");
/// // nn.Hardtanh(-2, 2), nn.Hardtanh(-2.5, 2)
/// assert_eq!(Hardtanh::new(-2, 2).to_string(), "Hardtanh(min_val=-2, max_val=2)");
/// assert_eq!(Hardtanh::new(-2.5, 2).to_string(), "Hardtanh(min_val=-2.5, max_val=2)");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Hardtanh {
    min_val: PyNumber,
    max_val: PyNumber,
    training: bool,
}

impl Hardtanh {
    /// `nn.Hardtanh(min_val, max_val)`: each an integer or a float, printed
    /// as given.
    pub fn new(min_val: impl Into<PyNumber>, max_val: impl Into<PyNumber>) -> Self {
        Hardtanh {
            min_val: min_val.into(),
            max_val: max_val.into(),
            training: true,
        }
    }
    fn apply(&self, x: &DynTensor) -> Result<DynTensor> {
        let k = ew::Hardtanh {
            min: self.min_val.value(),
            max: self.max_val.value(),
        };
        Ok(unary(x, k, "HardtanhBackward"))
    }
}

impl Default for Hardtanh {
    fn default() -> Self {
        Self::new(-1.0, 1.0)
    }
}

activation_layer!(Hardtanh, "Hardtanh", |s| format!(
    "min_val={}, max_val={}",
    s.min_val, s.max_val
));

/// `nn.Softmax(dim)`: `exp(x) / Σ exp(x)` along `dim` (negative counts
/// from the end).
///
/// ```
/// use nncore::nn::{DynForward, Softmax};
/// use nncore::DynTensor;
/// let y = Softmax::new(-1).forward_dyn(&DynTensor::<f32>::zeros(&[1, 4])).unwrap();
/// assert_eq!(y.to_vec(), vec![0.25; 4]);
/// assert_eq!(Softmax::new(1).to_string(), "Softmax(dim=1)");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Softmax {
    dim: isize,
    training: bool,
}

impl Softmax {
    /// `nn.Softmax(dim)`.
    pub fn new(dim: isize) -> Self {
        Softmax {
            dim,
            training: true,
        }
    }
    fn apply(&self, x: &DynTensor) -> Result<DynTensor> {
        x.softmax(self.dim)
    }
}

activation_layer!(Softmax, "Softmax", |s| format!("dim={}", s.dim));

/// `nn.LogSoftmax(dim)`: `log(softmax(x))` along `dim`, computed stably.
///
/// ```
/// use nncore::nn::LogSoftmax;
/// assert_eq!(LogSoftmax::new(-1).to_string(), "LogSoftmax(dim=-1)");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LogSoftmax {
    dim: isize,
    training: bool,
}

impl LogSoftmax {
    /// `nn.LogSoftmax(dim)`.
    pub fn new(dim: isize) -> Self {
        LogSoftmax {
            dim,
            training: true,
        }
    }
    fn apply(&self, x: &DynTensor) -> Result<DynTensor> {
        x.log_softmax(self.dim)
    }
}

activation_layer!(LogSoftmax, "LogSoftmax", |s| format!("dim={}", s.dim));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activations_compute_their_function() {
        let x = DynTensor::<f32>::from_vec(vec![-2.0, 0.5, 3.0], &[3]).unwrap();
        let ht = Hardtanh::default().forward_dyn(&x).unwrap().to_vec();
        assert_eq!(ht, vec![-1.0, 0.5, 1.0]);
        let elu = ELU::default().forward_dyn(&x).unwrap().to_vec();
        assert!((elu[0] - ((-2f32).exp() - 1.0)).abs() < 1e-6);
        let silu = SiLU::new().forward_dyn(&x).unwrap().to_vec();
        assert!((silu[2] - 3.0 / (1.0 + (-3f32).exp())).abs() < 1e-6);
        let err = Softmax::new(3).forward_dyn(&x).unwrap_err().to_string();
        assert!(err.contains("dim"), "{err}");
    }
}
