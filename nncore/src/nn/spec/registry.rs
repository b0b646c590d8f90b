//! The registry: every layer Kiln builds from PyTorch's class name, one
//! line each. Its test checks it against `nnspec::LAYERS` (what
//! `sequential!` knows) and the static layers `nn` exports.

use super::{BuildsModule, LayerSpec, RunSpec, parse};
use crate::nn::dynamic::{DescribedLayer, DynLayer, LayerOptions};
use crate::nn::*;
use crate::{DynTensor, Error, Result};

/// What [`Registered::build`] made: a runnable layer, or a description.
pub enum Built {
    /// Kiln runs it.
    Runs(DynLayer),
    /// Kiln prints it as PyTorch does but cannot run it (yet).
    Described(DescribedLayer),
    /// A layer built whole as a module: attention and transformer layers
    /// (with children), recurrent layers and cells (with their own
    /// parameter names and a tuple result).
    Module(Box<dyn DynModule>),
}

/// A forward in f64 from PyTorch's keyword arguments (the conformance runner's).
type RunF64 = fn(
    &LayerOptions,
    &DynTensor<f64>,
    Option<&DynTensor<f64>>,
    Option<&DynTensor<f64>>,
    bool,
) -> Result<DynTensor<f64>>;

/// One registered layer type.
pub struct Registered {
    /// PyTorch's class name.
    pub name: &'static str,
    build: fn(&LayerOptions) -> Result<Built>,
    runs: fn(&LayerOptions) -> Result<bool>,
    run_f64: Option<RunF64>,
}

impl Registered {
    /// A layer Kiln runs (for the options [`RunSpec::runnable`] accepts).
    const fn runs<S: RunSpec>() -> Self {
        Registered {
            name: S::NAME,
            build: build_runnable::<S>,
            runs: |o| parse::<S>(o).map(|s| s.runnable()),
            run_f64: Some(run_f64::<S>),
        }
    }

    /// A layer Kiln only describes at run time.
    const fn describes<S: LayerSpec>() -> Self {
        Registered {
            name: S::NAME,
            build: |o| Ok(Built::Described(DescribedLayer::from_spec(&parse::<S>(o)?))),
            runs: |_| Ok(false),
            run_f64: None,
        }
    }

    /// A layer that Kiln builds whole as a module (attention and
    /// transformer layers, recurrent layers and cells): its forward may take
    /// more than one tensor or return a tuple
    /// ([`DynForward::forward_dyn_tuple`]), so the conformance runner calls
    /// it through its spec.
    const fn composite<S: BuildsModule>() -> Self {
        Registered {
            name: S::NAME,
            build: |o| Ok(Built::Module(parse::<S>(o)?.build_module()?)),
            runs: |_| Ok(false),
            run_f64: None,
        }
    }

    /// Parses and checks the options, then builds the layer.
    pub fn build(&self, given: &LayerOptions) -> Result<Built> {
        (self.build)(given)
    }

    /// Whether [`run_layer`] can run this layer with these options: an
    /// error when they do not parse (what `run_layer` would return).
    pub fn runs_with(&self, given: &LayerOptions) -> Result<bool> {
        (self.runs)(given)
    }
}

fn build_runnable<S: RunSpec>(given: &LayerOptions) -> Result<Built> {
    let spec = parse::<S>(given)?;
    Ok(if spec.runnable() {
        Built::Runs(DynLayer::from_spec(spec))
    } else {
        Built::Described(DescribedLayer::from_spec(&spec))
    })
}

fn run_f64<S: RunSpec>(
    given: &LayerOptions,
    x: &DynTensor<f64>,
    weight: Option<&DynTensor<f64>>,
    bias: Option<&DynTensor<f64>>,
    training: bool,
) -> Result<DynTensor<f64>> {
    let spec = parse::<S>(given)?;
    if !spec.runnable() {
        return Err(not_runnable(S::NAME));
    }
    spec.run(x, weight, bias, training)
}

pub(crate) fn not_runnable(name: &'static str) -> Error {
    Error::option(
        name,
        "type",
        "Kiln has no runtime forward for this layer with these options yet",
    )
}

/// Every layer type Kiln builds at run time: one line per layer.
static REGISTRY: &[Registered] = &[
    Registered::runs::<LinearSpec>(),
    Registered::runs::<Conv1dSpec>(),
    Registered::runs::<Conv2dSpec>(),
    Registered::runs::<ConvTranspose2dSpec>(),
    Registered::runs::<MaxPool2dSpec>(),
    Registered::runs::<AvgPool2dSpec>(),
    Registered::runs::<AdaptiveAvgPool2dSpec>(),
    Registered::describes::<BatchNorm1dSpec>(),
    Registered::describes::<BatchNorm2dSpec>(),
    Registered::describes::<LayerNormSpec>(),
    Registered::describes::<EmbeddingSpec>(),
    Registered::runs::<FlattenSpec>(),
    Registered::runs::<UnflattenSpec>(),
    Registered::runs::<DropoutSpec>(),
    Registered::runs::<Dropout2dSpec>(),
    Registered::runs::<ReLUSpec>(),
    Registered::runs::<ReLU6Spec>(),
    Registered::runs::<LeakyReLUSpec>(),
    Registered::runs::<ELUSpec>(),
    Registered::runs::<GELUSpec>(),
    Registered::runs::<SiLUSpec>(),
    Registered::runs::<SigmoidSpec>(),
    Registered::runs::<TanhSpec>(),
    Registered::runs::<IdentitySpec>(),
    Registered::runs::<SoftplusSpec>(),
    Registered::runs::<HardtanhSpec>(),
    Registered::runs::<SoftmaxSpec>(),
    Registered::runs::<LogSoftmaxSpec>(),
    Registered::composite::<MultiheadAttentionSpec>(),
    Registered::composite::<TransformerEncoderLayerSpec>(),
    Registered::composite::<TransformerDecoderLayerSpec>(),
    Registered::composite::<TransformerEncoderSpec>(),
    Registered::composite::<TransformerDecoderSpec>(),
    Registered::composite::<TransformerSpec>(),
    Registered::composite::<RNNSpec>(),
    Registered::composite::<LSTMSpec>(),
    Registered::composite::<GRUSpec>(),
    Registered::composite::<RNNCellSpec>(),
    Registered::composite::<LSTMCellSpec>(),
    Registered::composite::<GRUCellSpec>(),
];

/// Every registered layer type.
pub fn registry() -> &'static [Registered] {
    REGISTRY
}

/// The registered layer of this PyTorch class name. Errors when there is
/// none, listing the known ones.
///
/// ```
/// assert_eq!(nncore::nn::spec::registered("Linear").unwrap().name, "Linear");
/// assert!(nncore::nn::spec::registered("Linearr").is_err());
/// ```
pub fn registered(name: &str) -> Result<&'static Registered> {
    match REGISTRY.iter().find(|r| r.name == name) {
        Some(r) => Ok(r),
        None => Err(unknown(name)),
    }
}

fn unknown(name: &str) -> Error {
    let known: Vec<&str> = REGISTRY.iter().map(|r| r.name).collect();
    Error::option(
        "build_layer",
        "type",
        format!(
            "{name:?} is not a layer type Kiln can build at run time (known: {})",
            known.join(", ")
        ),
    )
}

/// Runs the layer `name` built from `given` on `x` in f64 with the given
/// parameters: the conformance runner's forward, the same code a
/// [`DynLayer`] runs in f32.
///
/// ```
/// use nncore::nn::spec::run_layer;
/// use nncore::nn::dynamic::LayerOptions;
/// use nncore::DynTensor;
/// let x = DynTensor::<f64>::from_vec(vec![-1.0, 2.0], &[1, 2])?;
/// let y = run_layer("ReLU", &LayerOptions::new(), &x, None, None, true)?;
/// assert_eq!(y.to_vec(), vec![0.0, 2.0]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn run_layer(
    name: &str,
    given: &LayerOptions,
    x: &DynTensor<f64>,
    weight: Option<&DynTensor<f64>>,
    bias: Option<&DynTensor<f64>>,
    training: bool,
) -> Result<DynTensor<f64>> {
    let layer = registered(name)?;
    match layer.run_f64 {
        Some(run) => run(given, x, weight, bias, training),
        None => Err(not_runnable(layer.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry and `nnspec::LAYERS` (what `sequential!` reads) name
    /// the same layers: a layer registered in one and not the other fails here.
    #[test]
    fn the_registry_and_the_macro_table_name_the_same_layers() {
        let registered: Vec<&str> = REGISTRY.iter().map(|r| r.name).collect();
        let table: Vec<&str> = nnspec::LAYERS.iter().map(|l| l.name).collect();
        for name in &table {
            assert!(
                registered.contains(name),
                "{name} is in nnspec::LAYERS but not registered"
            );
        }
        for name in &registered {
            assert!(
                table.contains(name),
                "{name} is registered but not in nnspec::LAYERS"
            );
        }
        assert_eq!(registered.len(), table.len(), "a layer is registered twice");
    }

    /// Every spec parses from its defaults plus its required arguments, and
    /// reads no argument its table row lacks.
    #[test]
    fn every_spec_parses_with_its_required_arguments() {
        for layer in nnspec::LAYERS {
            let mut given = LayerOptions::new();
            for arg in layer.args {
                if arg.default == nnspec::Default::Required {
                    let value = match (layer.name, arg.name) {
                        ("LayerNorm", _) => 4.into(),
                        ("Unflatten", "unflattened_size") => {
                            crate::nn::dynamic::OptValue::Tuple(vec![2.into(), 2.into()])
                        }
                        ("Unflatten", "dim") => 1.into(),
                        (_, "encoder_layer" | "decoder_layer") => {
                            let layer = layer.name.replace("coder", "coderLayer");
                            let o = LayerOptions::new().with("d_model", 4).with("nhead", 2);
                            crate::nn::dynamic::OptValue::Module(layer, o)
                        }
                        _ => 4.into(),
                    };
                    given.set(arg.name, value);
                }
            }
            let built = registered(layer.name).unwrap().build(&given);
            assert!(built.is_ok(), "{}: {:?}", layer.name, built.err());
        }
    }
}
