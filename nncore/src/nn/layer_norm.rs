//! `nn.LayerNorm`: normalisation over the trailing dimensions of each
//! sample, with an elementwise affine transform.

use super::PyNumber;
use super::dynamic::OptValue;
use super::module::training_flag;
use super::spec::{Args, LayerSpec, py_bool, py_tuple};
use super::{DynForward, Forward, Module, Parameter, fmt_module};
use crate::ops::layer_norm;
use crate::shape::Shape;
use crate::{DynTensor, Result, Tensor};
use std::fmt;

/// Layer normalisation over the last dimensions, which must equal
/// `normalized_shape`, like `nn.LayerNorm(normalized_shape, eps=1e-5,
/// elementwise_affine=True, bias=True)`; the same in train and eval mode.
/// `normalized_shape` is a runtime value (checked at each call; the typed
/// forward keeps the input's shape).
///
/// ```
/// use nncore::nn::{DynForward, LayerNorm};
/// use nncore::DynTensor;
/// let ln = LayerNorm::new(&[4]);
/// assert_eq!(ln.to_string(), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)");
/// let y = ln.forward_dyn(&DynTensor::randn(&[2, 3, 4]).unwrap()).unwrap();
/// assert_eq!(y.shape(), &[2, 3, 4]);
/// let err = ln.forward_dyn(&DynTensor::zeros(&[2, 5]).unwrap()).unwrap_err();
/// assert_eq!(err.to_string(), "LayerNorm: shape mismatch: expected an input of shape [*, 4], found [2, 5]");
/// assert_eq!(
///     LayerNorm::new(&[4, 5]).eps(1e-6).elementwise_affine(false).to_string(),
///     "LayerNorm((4, 5), eps=1e-06, elementwise_affine=False, bias=False)"
/// );
/// ```
pub struct LayerNorm {
    normalized_shape: Vec<usize>,
    eps: f64,
    weight: Option<Parameter>,
    bias: Option<Parameter>,
    training: bool,
}

impl LayerNorm {
    /// `nn.LayerNorm(normalized_shape)`: weight ones, bias zeros.
    pub fn new(normalized_shape: &[usize]) -> Self {
        let n: usize = normalized_shape.iter().product();
        LayerNorm {
            normalized_shape: normalized_shape.to_vec(),
            eps: 1e-5,
            weight: Some(Parameter::new(vec![1.0; n], normalized_shape)),
            bias: Some(Parameter::new(vec![0.0; n], normalized_shape)),
            training: true,
        }
    }
    /// `eps`, added to the variance.
    pub fn eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }
    /// `elementwise_affine=False` removes the weight and the bias.
    pub fn elementwise_affine(mut self, affine: bool) -> Self {
        if !affine {
            self.weight = None;
            self.bias = None;
        }
        self
    }
    /// `bias=False` removes the bias only.
    pub fn bias(mut self, bias: bool) -> Self {
        if !bias {
            self.bias = None;
        }
        self
    }
    /// The weight, if any.
    pub fn weight(&self) -> Option<&Parameter> {
        self.weight.as_ref()
    }
    /// Its constructor arguments.
    pub fn spec(&self) -> LayerNormSpec {
        LayerNormSpec {
            normalized_shape: self.normalized_shape.clone(),
            eps: PyNumber::Float(self.eps),
            elementwise_affine: self.weight.is_some(),
            bias: self.bias.is_some(),
        }
    }
}

impl Module for LayerNorm {
    training_flag!();
    fn type_name(&self) -> &str {
        "LayerNorm"
    }
    fn extra_repr(&self) -> String {
        self.spec().extra_repr()
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        let mut p = Vec::new();
        if let Some(w) = &self.weight {
            p.push(("weight", w));
        }
        if let Some(b) = &self.bias {
            p.push(("bias", b));
        }
        p
    }
}

impl DynForward for LayerNorm {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        layer_norm(
            x,
            &self.normalized_shape,
            self.weight.as_deref(),
            self.bias.as_deref(),
            self.eps,
        )
    }
}

impl<S: Shape> Forward<Tensor<S>> for LayerNorm {
    type Output = Tensor<S>;
    /// # Panics
    /// When the input's trailing dimensions are not `normalized_shape`.
    fn forward(&self, x: Tensor<S>) -> Tensor<S> {
        let shape = x.shape();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, shape)
    }
}

impl fmt::Display for LayerNorm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// `nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True,
/// bias=True)`'s arguments: what [`LayerNorm`] prints and a runtime
/// description parses.
///
/// ```
/// use nncore::nn::LayerNormSpec;
/// use nncore::nn::spec::{LayerSpec, parse};
/// use nncore::nn::dynamic::LayerOptions;
/// let spec: LayerNormSpec = parse(&LayerOptions::new().with("normalized_shape", 10))?;
/// assert_eq!(spec.extra_repr(), "(10,), eps=1e-05, elementwise_affine=True, bias=True");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LayerNormSpec {
    /// `normalized_shape` (an int is a 1-tuple).
    pub normalized_shape: Vec<usize>,
    /// `eps`, as given.
    pub eps: PyNumber,
    /// `elementwise_affine`.
    pub elementwise_affine: bool,
    /// `bias` (only with `elementwise_affine`).
    pub bias: bool,
}

impl LayerSpec for LayerNormSpec {
    const NAME: &'static str = "LayerNorm";
    fn parse(a: &Args<'_>) -> Result<Self> {
        let size = |v: &OptValue| match v {
            OptValue::Int(i) if *i >= 0 => Some(*i as usize),
            _ => None,
        };
        let normalized_shape = match a.value("normalized_shape")? {
            OptValue::Tuple(items) => items.iter().map(size).collect::<Option<Vec<_>>>(),
            v => size(&v).map(|n| vec![n]),
        }
        .ok_or_else(|| a.error("normalized_shape", "is not a size or a tuple of sizes"))?;
        Ok(LayerNormSpec {
            normalized_shape,
            eps: a.number("eps")?,
            elementwise_affine: a.flag("elementwise_affine")?,
            bias: a.flag("bias")?,
        })
    }
    fn extra_repr(&self) -> String {
        format!(
            "{}, eps={}, elementwise_affine={}, bias={}",
            py_tuple(&self.normalized_shape),
            self.eps,
            py_bool(self.elementwise_affine),
            py_bool(self.elementwise_affine && self.bias)
        )
    }
}
