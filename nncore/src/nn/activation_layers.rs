//! The activation layers besides ReLU, and `Identity`: modules without
//! parameters that apply an elementwise function (or a softmax over one
//! dimension). Each keeps the shape, static or not.
//!
//! Each layer holds its spec (PyTorch's arguments: `LeakyReLUSpec`, ...),
//! which prints it and runs it; a layer built at run time runs the same
//! spec.

use super::module::training_flag;
use super::spec::{Args, LayerSpec, RunSpec, inplace_only, inplace_suffix, pytorch_default};
use super::{DynForward, Forward, Module, PyNumber, fmt_module};
use crate::ops::GeluApproximate;
use crate::shape::Shape;
use crate::{DynTensor, Element, Error, Result, Tensor};
use std::fmt;

/// Implements `Module`, `DynForward`, the shape-keeping `Forward` and
/// `Display` for an activation layer whose struct holds its `spec` and a
/// `training` flag.
macro_rules! activation_layer {
    ($ty:ident, $name:literal) => {
        impl Module for $ty {
            training_flag!();
            fn type_name(&self) -> &str {
                $name
            }
            fn extra_repr(&self) -> String {
                self.spec.extra_repr()
            }
        }

        impl DynForward for $ty {
            fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
                self.spec.run(x, None, None, self.training)
            }
        }

        impl<S: Shape> Forward<Tensor<S>> for $ty {
            type Output = Tensor<S>;
            /// # Panics
            /// Only where the runtime form returns an error (a softmax
            /// `dim` outside the input's rank).
            fn forward(&self, x: Tensor<S>) -> Tensor<S> {
                let shape = x.shape();
                let y = self
                    .forward_dyn(x.as_dyn())
                    .unwrap_or_else(|e| panic!("{e}"));
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

pub(super) use activation_layer;

/// `impl RunSpec` for a spec whose forward is an elementwise function of
/// its input.
macro_rules! elementwise_run {
    ($spec:ty, |$s:ident, $x:ident| $body:expr) => {
        impl RunSpec for $spec {
            fn run<E: Element>(
                &self,
                $x: &DynTensor<E>,
                _: Option<&DynTensor<E>>,
                _: Option<&DynTensor<E>>,
                _training: bool,
            ) -> Result<DynTensor<E>> {
                let $s = self;
                $body
            }
        }
    };
}

pub(super) use elementwise_run;

/// `nn.LeakyReLU(negative_slope=0.01, inplace=False)`'s arguments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyReLUSpec {
    /// `negative_slope`, as given.
    pub negative_slope: PyNumber,
    /// `inplace` (printed only).
    pub inplace: bool,
}

impl LayerSpec for LeakyReLUSpec {
    const NAME: &'static str = "LeakyReLU";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(LeakyReLUSpec {
            negative_slope: a.number("negative_slope")?,
            inplace: a.flag("inplace")?,
        })
    }
    fn extra_repr(&self) -> String {
        let inplace = inplace_suffix(self.inplace);
        format!("negative_slope={}{inplace}", self.negative_slope)
    }
}

elementwise_run!(LeakyReLUSpec, |s, x| Ok(
    x.leaky_relu(s.negative_slope.value())
));

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
    spec: LeakyReLUSpec,
    training: bool,
}

impl LeakyReLU {
    /// `nn.LeakyReLU(negative_slope)`: an integer or a float, printed as
    /// given.
    pub fn new(negative_slope: impl Into<PyNumber>) -> Self {
        let spec = LeakyReLUSpec {
            negative_slope: negative_slope.into(),
            inplace: false,
        };
        LeakyReLU {
            spec,
            training: true,
        }
    }
}

impl Default for LeakyReLU {
    fn default() -> Self {
        LeakyReLU {
            spec: pytorch_default(),
            training: true,
        }
    }
}

activation_layer!(LeakyReLU, "LeakyReLU");

/// `nn.ELU(alpha=1.0, inplace=False)`'s arguments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ELUSpec {
    /// `alpha`, as given.
    pub alpha: PyNumber,
    /// `inplace` (printed only).
    pub inplace: bool,
}

impl LayerSpec for ELUSpec {
    const NAME: &'static str = "ELU";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(ELUSpec {
            alpha: a.number("alpha")?,
            inplace: a.flag("inplace")?,
        })
    }
    fn extra_repr(&self) -> String {
        format!("alpha={}{}", self.alpha, inplace_suffix(self.inplace))
    }
}

elementwise_run!(ELUSpec, |s, x| Ok(x.elu(s.alpha.value())));

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
    spec: ELUSpec,
    training: bool,
}

impl ELU {
    /// `nn.ELU(alpha)`: an integer or a float, printed as given.
    pub fn new(alpha: impl Into<PyNumber>) -> Self {
        let spec = ELUSpec {
            alpha: alpha.into(),
            inplace: false,
        };
        ELU {
            spec,
            training: true,
        }
    }
}

impl Default for ELU {
    fn default() -> Self {
        ELU {
            spec: pytorch_default(),
            training: true,
        }
    }
}

activation_layer!(ELU, "ELU");

/// `nn.GELU(approximate='none')`'s argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GELUSpec {
    /// `approximate`: `'none'` or `'tanh'`.
    pub approximate: GeluApproximate,
}

impl LayerSpec for GELUSpec {
    const NAME: &'static str = "GELU";
    fn parse(a: &Args<'_>) -> Result<Self> {
        let approximate = match a.value("approximate")? {
            crate::nn::dynamic::OptValue::Str(s) if s == "none" => GeluApproximate::None,
            crate::nn::dynamic::OptValue::Str(s) if s == "tanh" => GeluApproximate::Tanh,
            other => {
                return Err(a.error(
                    "approximate",
                    format!("{} is not 'none' or 'tanh'", other.py_repr()),
                ));
            }
        };
        Ok(GELUSpec { approximate })
    }
    fn extra_repr(&self) -> String {
        match self.approximate {
            GeluApproximate::None => "approximate='none'".into(),
            GeluApproximate::Tanh => "approximate='tanh'".into(),
        }
    }
}

elementwise_run!(GELUSpec, |s, x| Ok(x.gelu(s.approximate)));

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
    spec: GELUSpec,
    training: bool,
}

impl GELU {
    /// The exact GELU (`approximate='none'`).
    pub fn new() -> Self {
        GELU {
            spec: pytorch_default(),
            training: true,
        }
    }
    /// The tanh approximation (`approximate='tanh'`).
    pub fn tanh() -> Self {
        GELU {
            spec: GELUSpec {
                approximate: GeluApproximate::Tanh,
            },
            training: true,
        }
    }
}

impl Default for GELU {
    fn default() -> Self {
        Self::new()
    }
}

activation_layer!(GELU, "GELU");

/// `nn.SiLU(inplace=False)`'s argument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SiLUSpec {
    /// `inplace` (printed only).
    pub inplace: bool,
}

impl LayerSpec for SiLUSpec {
    const NAME: &'static str = "SiLU";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(SiLUSpec {
            inplace: a.flag("inplace")?,
        })
    }
    fn extra_repr(&self) -> String {
        inplace_only(self.inplace)
    }
}

elementwise_run!(SiLUSpec, |_s, x| Ok(x.silu()));

/// Declares a parameterless activation layer without arguments and its
/// (empty) spec.
macro_rules! plain_activation {
    ($(#[$doc:meta])* $ty:ident, $spec:ident, $name:literal, |$x:ident| $body:expr) => {
        #[doc = concat!("`nn.", $name, "()`'s arguments: none.")]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $spec;

        impl LayerSpec for $spec {
            const NAME: &'static str = $name;
            fn parse(_: &Args<'_>) -> Result<Self> {
                Ok($spec)
            }
            fn extra_repr(&self) -> String {
                String::new()
            }
        }

        elementwise_run!($spec, |_s, $x| $body);

        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $ty {
            spec: $spec,
            training: bool,
        }

        impl $ty {
            #[doc = concat!("`nn.", $name, "()`.")]
            pub fn new() -> Self {
                $ty { spec: $spec, training: true }
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                Self::new()
            }
        }

        activation_layer!($ty, $name);
    };
}

/// `nn.SiLU()`: `x·sigmoid(x)`.
///
/// ```
/// use nncore::nn::SiLU;
/// assert_eq!(SiLU::new().to_string(), "SiLU()");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SiLU {
    spec: SiLUSpec,
    training: bool,
}

impl SiLU {
    /// `nn.SiLU()`.
    pub fn new() -> Self {
        SiLU {
            spec: SiLUSpec::default(),
            training: true,
        }
    }
}

impl Default for SiLU {
    fn default() -> Self {
        Self::new()
    }
}

activation_layer!(SiLU, "SiLU");

plain_activation!(
    /// `nn.Sigmoid()`: `1 / (1 + exp(-x))`.
    ///
    /// ```
    /// use nncore::nn::Sigmoid;
    /// assert_eq!(Sigmoid::new().to_string(), "Sigmoid()");
    /// ```
    Sigmoid, SigmoidSpec, "Sigmoid", |x| Ok(x.sigmoid())
);
plain_activation!(
    /// `nn.Tanh()`.
    ///
    /// ```
    /// use nncore::nn::Tanh;
    /// assert_eq!(Tanh::new().to_string(), "Tanh()");
    /// ```
    Tanh, TanhSpec, "Tanh", |x| Ok(x.tanh())
);
plain_activation!(
    /// `nn.Identity()`: returns its input.
    ///
    /// ```
    /// use nncore::nn::{DynForward, Identity};
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f32>::ones(&[2]).unwrap();
    /// assert_eq!(Identity::new().forward_dyn(&x).unwrap().to_vec(), x.to_vec());
    /// assert_eq!(Identity::new().to_string(), "Identity()");
    /// ```
    Identity, IdentitySpec, "Identity", |x| Ok(x.clone())
);

/// `nn.Softplus(beta=1.0, threshold=20.0)`'s arguments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SoftplusSpec {
    /// `beta`, as given.
    pub beta: PyNumber,
    /// `threshold`, as given.
    pub threshold: PyNumber,
}

impl LayerSpec for SoftplusSpec {
    const NAME: &'static str = "Softplus";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(SoftplusSpec {
            beta: a.number("beta")?,
            threshold: a.number("threshold")?,
        })
    }
    fn extra_repr(&self) -> String {
        format!("beta={}, threshold={}", self.beta, self.threshold)
    }
}

elementwise_run!(SoftplusSpec, |s, x| Ok(
    x.softplus(s.beta.value(), s.threshold.value())
));

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
    spec: SoftplusSpec,
    training: bool,
}

impl Softplus {
    /// `nn.Softplus(beta, threshold)`: each an integer or a float, printed
    /// as given.
    pub fn new(beta: impl Into<PyNumber>, threshold: impl Into<PyNumber>) -> Self {
        let spec = SoftplusSpec {
            beta: beta.into(),
            threshold: threshold.into(),
        };
        Softplus {
            spec,
            training: true,
        }
    }
}

impl Default for Softplus {
    fn default() -> Self {
        Softplus {
            spec: pytorch_default(),
            training: true,
        }
    }
}

activation_layer!(Softplus, "Softplus");

/// `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`'s arguments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HardtanhSpec {
    /// `min_val`, as given.
    pub min_val: PyNumber,
    /// `max_val`, as given.
    pub max_val: PyNumber,
    /// `inplace` (printed only).
    pub inplace: bool,
}

impl LayerSpec for HardtanhSpec {
    const NAME: &'static str = "Hardtanh";
    fn parse(a: &Args<'_>) -> Result<Self> {
        HardtanhSpec::checked(
            a.number("min_val")?,
            a.number("max_val")?,
            a.flag("inplace")?,
        )
    }
    fn extra_repr(&self) -> String {
        format!(
            "min_val={}, max_val={}{}",
            self.min_val,
            self.max_val,
            inplace_suffix(self.inplace)
        )
    }
}

impl HardtanhSpec {
    /// PyTorch's rule (`max_val` above `min_val`), for the static layer
    /// and the runtime-built one alike.
    fn checked(min_val: PyNumber, max_val: PyNumber, inplace: bool) -> Result<Self> {
        // Not `a <= b`: a NaN limit compares as neither, and is refused too.
        if max_val.value().partial_cmp(&min_val.value()) != Some(std::cmp::Ordering::Greater) {
            return Err(Error::option(
                Self::NAME,
                "max_val",
                format!("{max_val} must be greater than min_val ({min_val})"),
            ));
        }
        Ok(HardtanhSpec {
            min_val,
            max_val,
            inplace,
        })
    }
}

elementwise_run!(HardtanhSpec, |s, x| Ok(
    x.hardtanh(s.min_val.value(), s.max_val.value())
));

/// `nn.Hardtanh(min_val=-1.0, max_val=1.0)`: `x` clamped to the range.
/// The limits print as they were given, as PyTorch prints them (see
/// [`PyNumber`]).
///
/// ```
/// use nncore::nn::Hardtanh;
/// assert_eq!(Hardtanh::default().to_string(), "Hardtanh(min_val=-1.0, max_val=1.0)");
/// // nn.Hardtanh(-2, 2), nn.Hardtanh(-2.5, 2)
/// assert_eq!(Hardtanh::new(-2, 2)?.to_string(), "Hardtanh(min_val=-2, max_val=2)");
/// assert_eq!(Hardtanh::new(-2.5, 2)?.to_string(), "Hardtanh(min_val=-2.5, max_val=2)");
/// assert_eq!(
///     Hardtanh::new(1, 1).unwrap_err().to_string(),
///     "Hardtanh: invalid max_val: 1 must be greater than min_val (1)"
/// );
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Hardtanh {
    spec: HardtanhSpec,
    training: bool,
}

impl Hardtanh {
    /// `nn.Hardtanh(min_val, max_val)`: each an integer or a float, printed
    /// as given. An error unless `max_val > min_val`, as in PyTorch.
    pub fn new(min_val: impl Into<PyNumber>, max_val: impl Into<PyNumber>) -> Result<Self> {
        Ok(Hardtanh {
            spec: HardtanhSpec::checked(min_val.into(), max_val.into(), false)?,
            training: true,
        })
    }
}

impl Default for Hardtanh {
    fn default() -> Self {
        Hardtanh {
            spec: pytorch_default(),
            training: true,
        }
    }
}

activation_layer!(Hardtanh, "Hardtanh");

/// Declares a softmax-like layer over one `dim` and its spec.
macro_rules! softmax_layer {
    ($(#[$doc:meta])* $ty:ident, $spec:ident, $name:literal, $op:ident) => {
        #[doc = concat!("`nn.", $name, "(dim=None)`'s argument; Kiln runs it with a `dim` only (PyTorch's implicit choice is deprecated).")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $spec {
            /// `dim` (negative counts from the end).
            pub dim: Option<i64>,
        }

        impl LayerSpec for $spec {
            const NAME: &'static str = $name;
            fn parse(a: &Args<'_>) -> Result<Self> {
                Ok($spec { dim: a.opt_int("dim")? })
            }
            fn extra_repr(&self) -> String {
                match self.dim {
                    Some(dim) => format!("dim={dim}"),
                    None => "dim=None".into(),
                }
            }
        }

        impl RunSpec for $spec {
            fn runnable(&self) -> bool {
                self.dim.is_some()
            }
            fn run<E: Element>(
                &self,
                x: &DynTensor<E>,
                _: Option<&DynTensor<E>>,
                _: Option<&DynTensor<E>>,
                _training: bool,
            ) -> Result<DynTensor<E>> {
                match self.dim {
                    Some(dim) => x.$op(dim as isize),
                    None => Err(super::spec::not_runnable($name)),
                }
            }
        }

        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $ty {
            spec: $spec,
            training: bool,
        }

        impl $ty {
            #[doc = concat!("`nn.", $name, "(dim)`.")]
            pub fn new(dim: isize) -> Self {
                $ty {
                    spec: $spec { dim: Some(dim as i64) },
                    training: true,
                }
            }
        }

        activation_layer!($ty, $name);
    };
}

softmax_layer!(
    /// `nn.Softmax(dim)`: `exp(x) / Σ exp(x)` along `dim` (negative counts
    /// from the end).
    ///
    /// ```
    /// use nncore::nn::{DynForward, Softmax};
    /// use nncore::DynTensor;
    /// let y = Softmax::new(-1).forward_dyn(&DynTensor::<f32>::zeros(&[1, 4]).unwrap()).unwrap();
    /// assert_eq!(y.to_vec(), vec![0.25; 4]);
    /// assert_eq!(Softmax::new(1).to_string(), "Softmax(dim=1)");
    /// ```
    Softmax,
    SoftmaxSpec,
    "Softmax",
    softmax
);

softmax_layer!(
    /// `nn.LogSoftmax(dim)`: `log(softmax(x))` along `dim`, computed stably.
    ///
    /// ```
    /// use nncore::nn::LogSoftmax;
    /// assert_eq!(LogSoftmax::new(-1).to_string(), "LogSoftmax(dim=-1)");
    /// ```
    LogSoftmax,
    LogSoftmaxSpec,
    "LogSoftmax",
    log_softmax
);

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
