//! Layers whose sizes are runtime values: built from a type name and
//! PyTorch's constructor options.

use super::value::LayerOptions;
use crate::nn::module::training_flag;
use crate::nn::spec::{Built, ErasedRun, LayerSpec, RunSpec, not_runnable, registered};
use crate::nn::{DynForward, DynModule, Module, Parameter, fmt_module};
use crate::{DynTensor, Error, Result};
use std::fmt;

/// A layer whose sizes are runtime values, built from PyTorch's class name
/// and constructor options: `DynLayer::new("Linear", in_features=784,
/// out_features=256)`. It has PyTorch's parameters (same names, shapes and
/// initialisation), prints PyTorch's `repr`, and runs through
/// [`DynForward`], so a size that does not fit is an error at the call.
///
/// This is what a model read from a config uses (and the conformance
/// runner); a model written in Rust uses the statically sized layers
/// (`Linear<U784, U256>`), whose mistakes are compile errors.
///
/// Runnable types: every type of [`registry`](crate::nn::spec::registry)
/// registered as runnable, with the options its [`RunSpec::runnable`]
/// accepts (`Conv1d`/`Conv2d` with the zeros padding mode, `MaxPool2d`
/// without `return_indices`, `Softmax` with a `dim`, ...): `Linear`, the
/// convolutions, the pools, the activations, `Flatten`, `Unflatten`,
/// `Dropout`, `Dropout2d`, `Identity`. [`build_layer`] describes the other
/// PyTorch types with a [`DescribedLayer`].
///
/// ```
/// use nncore::nn::dynamic::{DynLayer, LayerOptions};
/// use nncore::nn::{DynForward, ModuleExt};
/// use nncore::DynTensor;
/// let fc = DynLayer::new("Linear", &LayerOptions::new().with("in_features", 4).with("out_features", 3)).unwrap();
/// assert_eq!(fc.to_string(), "Linear(in_features=4, out_features=3, bias=True)");
/// assert_eq!(fc.named_parameters()[0].1.shape(), &[3, 4]);
/// assert_eq!(fc.forward_dyn(&DynTensor::zeros(&[2, 4]).unwrap()).unwrap().shape(), &[2, 3]);
/// ```
pub struct DynLayer {
    type_name: &'static str,
    spec: Box<dyn ErasedRun>,
    weight: Option<Parameter>,
    bias: Option<Parameter>,
    training: bool,
}

impl DynLayer {
    /// Builds a runnable layer. Errors: a type Kiln cannot run (see the
    /// list above; [`build_layer`] falls back to a description), or a
    /// missing or ill-typed option, naming it.
    pub fn new(type_name: &str, o: &LayerOptions) -> Result<Self> {
        let layer = registered(type_name)?;
        match layer.build(o)? {
            Built::Runs(layer) => Ok(layer),
            Built::Described(_) | Built::Module(_) => Err(not_runnable(layer.name)),
        }
    }

    /// The runnable layer of `spec`, its parameters created as PyTorch
    /// creates them.
    pub fn from_spec<S: RunSpec>(spec: S) -> Self {
        let (weight, bias) = spec.parameters();
        DynLayer {
            type_name: S::NAME,
            spec: Box::new(spec),
            weight,
            bias,
            training: true,
        }
    }

    /// The weight, if the layer has one.
    pub fn weight(&self) -> Option<&Parameter> {
        self.weight.as_ref()
    }

    /// The bias, if the layer has one.
    pub fn bias(&self) -> Option<&Parameter> {
        self.bias.as_ref()
    }
}

impl Module for DynLayer {
    training_flag!();
    fn type_name(&self) -> &str {
        self.type_name
    }
    fn extra_repr(&self) -> String {
        self.spec.extra_repr()
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        let w = self.weight.iter().map(|p| ("weight", p));
        w.chain(self.bias.iter().map(|p| ("bias", p))).collect()
    }
}

impl DynForward for DynLayer {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        let (weight, bias) = (self.weight.as_deref(), self.bias.as_deref());
        self.spec.forward(x, weight, bias, self.training)
    }
}

impl fmt::Display for DynLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// A PyTorch layer that Kiln can describe but not yet run: it prints
/// exactly as PyTorch does from its options alone (so a model tree read
/// from a config can be shown and compared), has no parameters, and its
/// forward is an error naming the type. [`build_layer`] makes one for
/// every known type [`DynLayer`] cannot run.
///
/// ```
/// use nncore::nn::dynamic::{DescribedLayer, LayerOptions};
/// use nncore::nn::DynForward;
/// use nncore::DynTensor;
/// let bn = DescribedLayer::new("BatchNorm1d", &LayerOptions::new().with("num_features", 10)).unwrap();
/// assert_eq!(bn.to_string(), "BatchNorm1d(10, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)");
/// let err = bn.forward_dyn(&DynTensor::zeros(&[2, 10]).unwrap()).unwrap_err();
/// assert_eq!(err.to_string(), "BatchNorm1d: invalid type: is described only (printout, no parameters): Kiln cannot run it at run time yet");
/// ```
pub struct DescribedLayer {
    type_name: &'static str,
    extra: String,
}

impl DescribedLayer {
    /// Describes a known PyTorch layer type from its options.
    pub fn new(type_name: &str, o: &LayerOptions) -> Result<Self> {
        let registered = registered(type_name)?;
        match registered.build(o)? {
            Built::Runs(layer) => Ok(DescribedLayer {
                type_name: layer.type_name,
                extra: layer.extra_repr(),
            }),
            Built::Module(layer) => Ok(DescribedLayer {
                type_name: registered.name,
                extra: layer.extra_repr(),
            }),
            Built::Described(layer) => Ok(layer),
        }
    }

    /// The description of `spec`.
    pub fn from_spec<S: LayerSpec>(spec: &S) -> Self {
        DescribedLayer {
            type_name: S::NAME,
            extra: spec.extra_repr(),
        }
    }
}

impl Module for DescribedLayer {
    fn type_name(&self) -> &str {
        self.type_name
    }
    fn extra_repr(&self) -> String {
        self.extra.clone()
    }
}

impl DynForward for DescribedLayer {
    fn forward_dyn(&self, _: &DynTensor) -> Result<DynTensor> {
        Err(Error::option(
            self.type_name,
            "type",
            "is described only (printout, no parameters): Kiln cannot run it at run time yet",
        ))
    }
}

impl fmt::Display for DescribedLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// Builds a leaf layer from PyTorch's class name and options: a runnable
/// [`DynLayer`] when Kiln can run it, the layer itself for the attention,
/// transformer and recurrent layers and cells (runnable too; a recurrent
/// layer's `forward_dyn` gives `output`, and
/// [`forward_dyn_tuple`](DynForward::forward_dyn_tuple) takes and returns
/// the states), else a [`DescribedLayer`].
///
/// ```
/// use nncore::nn::dynamic::{build_layer, LayerOptions};
/// use nncore::DynTensor;
/// let gelu = build_layer("GELU", &LayerOptions::new()).unwrap();
/// assert_eq!(gelu.extra_repr(), "approximate='none'");
/// let o = LayerOptions::new().with("input_size", 8).with("hidden_size", 16).with("bidirectional", true);
/// let gru = build_layer("GRU", &o).unwrap();
/// assert_eq!(gru.extra_repr(), "8, 16, bidirectional=True");
/// let output = gru.forward_dyn(&DynTensor::zeros(&[5, 2, 8]).unwrap()).unwrap();
/// assert_eq!(output.shape(), &[5, 2, 32]);
/// let err = build_layer("Linearr", &LayerOptions::new()).err().unwrap();
/// assert!(err.to_string().starts_with("build_layer: invalid type: \"Linearr\" is not a layer type"));
/// ```
pub fn build_layer(type_name: &str, o: &LayerOptions) -> Result<Box<dyn DynModule>> {
    Ok(match registered(type_name)?.build(o)? {
        Built::Runs(layer) => Box::new(layer),
        Built::Described(layer) => Box::new(layer),
        Built::Module(layer) => layer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::ModuleExt;

    #[test]
    fn conv2d_has_pytorch_shapes_and_runs() {
        let o = LayerOptions::new()
            .with("in_channels", 4)
            .with("out_channels", 6)
            .with("kernel_size", 3)
            .with("groups", 2)
            .with("padding", 1);
        let conv = DynLayer::new("Conv2d", &o).unwrap();
        assert_eq!(conv.named_parameters()[0].1.shape(), &[6, 2, 3, 3]);
        let y = conv
            .forward_dyn(&DynTensor::zeros(&[1, 4, 5, 5]).unwrap())
            .unwrap();
        assert_eq!(y.shape(), &[1, 6, 5, 5]);
        assert_eq!(
            conv.to_string(),
            "Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2)"
        );
    }

    #[test]
    fn bad_groups_and_missing_sizes_are_errors() {
        let o = LayerOptions::new()
            .with("in_channels", 3)
            .with("out_channels", 6)
            .with("kernel_size", 3)
            .with("groups", 2);
        assert_eq!(
            DynLayer::new("Conv2d", &o).err().unwrap().to_string(),
            "Conv2d: invalid groups: 2 must be positive and divide in_channels (3) and out_channels (6)"
        );
        assert_eq!(
            build_layer("Linear", &LayerOptions::new().with("in_features", 3))
                .err()
                .unwrap()
                .to_string(),
            "Linear: invalid out_features: is required"
        );
    }

    #[test]
    fn dropout_is_the_identity_in_eval_and_scales_in_training() {
        let mut d = DynLayer::new("Dropout", &LayerOptions::new().with("p", 0.5)).unwrap();
        let x = DynTensor::ones(&[1000]).unwrap();
        let y = d.forward_dyn(&x).unwrap().to_vec();
        assert!(y.iter().all(|v| *v == 0.0 || *v == 2.0));
        let kept = y.iter().filter(|v| **v == 2.0).count();
        assert!((350..650).contains(&kept), "{kept} of 1000 kept at p = 0.5");
        d.eval();
        assert_eq!(d.forward_dyn(&x).unwrap().to_vec(), x.to_vec());
    }
}
