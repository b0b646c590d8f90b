//! `nn.Linear`: `y = x · Wᵀ + b` over the last dimension.

use super::conv_common::conv_parameters;
use super::module::training_flag;
use super::spec::{Args, LayerSpec, RunSpec, py_bool, weight_of};
use super::{DynForward, Forward, Module, Parameter, fmt_module};
use crate::init::{FanMode, Nonlinearity, kaiming_uniform_, uniform_};
use crate::shape::{LinearOut, LinearRule, StaticDim};
use crate::{DynTensor, Element, Result, Tensor, ops};
use std::fmt;
use std::marker::PhantomData;

/// A fully connected layer with `I` input and `O` output features, like
/// `nn.Linear(in_features, out_features, bias=True)`. The sizes are types,
/// so it only accepts inputs whose last dimension is `I`.
///
/// Initialised as PyTorch does: weight from kaiming_uniform with a = √5
/// (U(-1/√I, 1/√I)), bias from U(-1/√I, 1/√I).
///
/// ```
/// use nncore::nn::{Forward, Linear};
/// use nncore::shape::{Dyn, consts::{U784, U256}};
/// use nncore::Tensor;
/// let fc = Linear::<U784, U256>::new();
/// let x = Tensor::<(Dyn, U784)>::zeros((Dyn(32), U784::default())).unwrap();
/// let y: Tensor<(Dyn, U256)> = fc.forward(x);
/// assert_eq!(y.dims().as_slice(), &[32, 256]);
/// assert_eq!(fc.to_string(), "Linear(in_features=784, out_features=256, bias=True)");
/// ```
pub struct Linear<I, O> {
    weight: Parameter,
    bias: Option<Parameter>,
    training: bool,
    sizes: PhantomData<fn() -> (I, O)>,
}

impl<I: StaticDim, O: StaticDim> Linear<I, O> {
    /// A layer with a bias, initialised as PyTorch does.
    pub fn new() -> Self {
        Self::with_bias(true)
    }

    /// A layer with or without a bias (`bias=False` in PyTorch).
    pub fn with_bias(bias: bool) -> Self {
        let (i, o) = (I::USIZE, O::USIZE);
        let weight = Parameter::new(vec![0.0; o * i], &[o, i]);
        kaiming_uniform_(
            &weight,
            FanMode::FanIn,
            Nonlinearity::LeakyRelu(5f64.sqrt()),
        )
        .expect("a 2-D weight always has fans");
        let bias = bias.then(|| {
            let b = Parameter::new(vec![0.0; o], &[o]);
            let bound = if i > 0 { 1.0 / (i as f64).sqrt() } else { 0.0 };
            uniform_(&b, -bound, bound);
            b
        });
        Linear {
            weight,
            bias,
            training: true,
            sizes: PhantomData,
        }
    }

    /// The weight, `[out_features, in_features]`.
    pub fn weight(&self) -> &Parameter {
        &self.weight
    }

    /// The bias, `[out_features]`, if the layer has one.
    pub fn bias(&self) -> Option<&Parameter> {
        self.bias.as_ref()
    }

    /// `in_features`.
    pub fn in_features(&self) -> usize {
        I::USIZE
    }

    /// `out_features`.
    pub fn out_features(&self) -> usize {
        O::USIZE
    }
}

impl<I: StaticDim, O: StaticDim> Default for Linear<I, O> {
    fn default() -> Self {
        Self::new()
    }
}

impl<I: StaticDim, O: StaticDim> Module for Linear<I, O> {
    training_flag!();
    fn type_name(&self) -> &str {
        "Linear"
    }
    fn extra_repr(&self) -> String {
        LinearSpec {
            in_features: I::USIZE,
            out_features: O::USIZE,
            bias: self.bias.is_some(),
        }
        .extra_repr()
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        let mut params = vec![("weight", &self.weight)];
        if let Some(b) = &self.bias {
            params.push(("bias", b));
        }
        params
    }
}

impl<I: StaticDim, O: StaticDim> DynForward for Linear<I, O> {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        ops::linear(x, &self.weight, self.bias.as_deref())
    }
}

impl<I: StaticDim, O: StaticDim, S: LinearRule<I, O>> Forward<Tensor<S>> for Linear<I, O> {
    type Output = Tensor<LinearOut<S, I, O>>;

    /// # Panics
    /// When the input's last dimension is a runtime (`Dyn`) size other than
    /// `I`; static sizes are checked at compile time.
    fn forward(&self, x: Tensor<S>) -> Self::Output {
        let out_shape = x.shape().linear_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, out_shape)
    }
}

impl<I: StaticDim, O: StaticDim> fmt::Display for Linear<I, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// `nn.Linear(in_features, out_features, bias=True)`'s arguments: what
/// [`Linear`] prints, and what a `Linear` built at run time parses and runs.
///
/// ```
/// use nncore::nn::LinearSpec;
/// use nncore::nn::spec::LayerSpec;
/// let spec = LinearSpec { in_features: 4, out_features: 2, bias: false };
/// assert_eq!(spec.extra_repr(), "in_features=4, out_features=2, bias=False");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinearSpec {
    /// `in_features`.
    pub in_features: usize,
    /// `out_features`.
    pub out_features: usize,
    /// `bias`.
    pub bias: bool,
}

impl LayerSpec for LinearSpec {
    const NAME: &'static str = "Linear";
    fn parse(a: &Args<'_>) -> Result<Self> {
        Ok(LinearSpec {
            in_features: a.size("in_features")?,
            out_features: a.size("out_features")?,
            bias: a.flag("bias")?,
        })
    }
    fn extra_repr(&self) -> String {
        format!(
            "in_features={}, out_features={}, bias={}",
            self.in_features,
            self.out_features,
            py_bool(self.bias)
        )
    }
}

impl RunSpec for LinearSpec {
    fn parameters(&self) -> (Option<Parameter>, Option<Parameter>) {
        let (i, o) = (self.in_features, self.out_features);
        let (weight, bias) = conv_parameters(&[o, i], o, self.bias);
        (Some(weight), bias)
    }
    fn run<E: Element>(
        &self,
        x: &DynTensor<E>,
        weight: Option<&DynTensor<E>>,
        bias: Option<&DynTensor<E>>,
        _training: bool,
    ) -> Result<DynTensor<E>> {
        ops::linear(x, weight_of(Self::NAME, weight)?, bias)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{U3, U10, U784};

    #[test]
    fn default_init_is_bounded_by_one_over_sqrt_fan_in() {
        let fc = Linear::<U784, U10>::new();
        let bound = 1.0 / 784f32.sqrt();
        assert!(fc.weight().to_vec().iter().all(|w| w.abs() <= bound));
        assert!(fc.bias().unwrap().to_vec().iter().all(|b| b.abs() <= bound));
        let max = fc
            .weight()
            .to_vec()
            .iter()
            .fold(0f32, |m, w| m.max(w.abs()));
        assert!(max > 0.9 * bound, "draws should fill the range");
    }

    #[test]
    fn without_bias_has_one_parameter_and_prints_false() {
        let fc = Linear::<U3, U10>::with_bias(false);
        assert_eq!(fc.own_parameters().len(), 1);
        assert_eq!(
            fc.extra_repr(),
            "in_features=3, out_features=10, bias=False"
        );
    }
}
