//! One definition per layer: a layer's PyTorch name, constructor options
//! with PyTorch's defaults, their validation and its `extra_repr` live in
//! its options struct (`LinearSpec`, `Conv2dSpec`, ...), beside the layer in
//! its file. Every consumer reads that struct:
//!
//! - the static layer (`Linear<U784, U256>`) builds its spec from its type
//!   parameters and prints through [`LayerSpec::extra_repr`];
//! - a layer built at run time ([`build_layer`](super::dynamic::build_layer),
//!   [`DynLayer`](super::dynamic::DynLayer)) parses its spec from
//!   PyTorch's keyword arguments through the [`registry`] and runs it
//!   through [`RunSpec::run`];
//! - the conformance runner parses the same specs and runs them in f64
//!   ([`run_layer`]);
//! - `sequential!` (a proc macro, which cannot call this code) reads the
//!   arguments and defaults from the same table, `nnspec::LAYERS`, that
//!   [`Args`] fills defaults from; [`registry`]'s test fails when a layer is
//!   in one and not the other.
//!
//! ```
//! use nncore::nn::spec::{LayerSpec, parse};
//! use nncore::nn::LinearSpec;
//! use nncore::nn::dynamic::LayerOptions;
//! let spec: LinearSpec = parse(&LayerOptions::new().with("in_features", 3).with("out_features", 4))?;
//! assert_eq!(spec.extra_repr(), "in_features=3, out_features=4, bias=True");
//! # Ok::<(), nncore::Error>(())
//! ```

mod args;
mod registry;
mod values;

pub use args::Args;
pub(crate) use registry::not_runnable;
pub use registry::{Built, Registered, registered, registry, run_layer};
pub use values::{IntOrPair, py_bool};
pub(crate) use values::{inplace_only, inplace_suffix};

use super::Parameter;
use super::dynamic::LayerOptions;
use crate::{DynTensor, Element, Error, Result};

/// A layer's constructor call: PyTorch's class name, the arguments read
/// and checked as PyTorch's constructor does, and the printout.
pub trait LayerSpec: Clone + std::fmt::Debug + Send + Sync + 'static {
    /// PyTorch's class name; its row in `nnspec::LAYERS` lists the
    /// arguments and their defaults.
    const NAME: &'static str;

    /// Reads the arguments from `args` (PyTorch's defaults filled in) and
    /// checks them as PyTorch's constructor does, with its messages.
    fn parse(args: &Args<'_>) -> Result<Self>;

    /// PyTorch's `extra_repr()`: what the printout shows in parentheses.
    fn extra_repr(&self) -> String;
}

/// A spec Kiln can run: its parameters and its forward on runtime shapes,
/// generic over the element type so the conformance runner checks it in
/// f64 with the same code.
pub trait RunSpec: LayerSpec {
    /// Whether Kiln runs these options (`false`: the layer is described
    /// only, e.g. a `padding_mode` other than zeros).
    fn runnable(&self) -> bool {
        true
    }

    /// The weight and bias PyTorch creates, initialised as it does (none by
    /// default).
    fn parameters(&self) -> (Option<Parameter>, Option<Parameter>) {
        (None, None)
    }

    /// The forward on `x`, with the parameters [`parameters`](Self::parameters)
    /// made (or the conformance case's).
    fn run<E: Element>(
        &self,
        x: &DynTensor<E>,
        weight: Option<&DynTensor<E>>,
        bias: Option<&DynTensor<E>>,
        training: bool,
    ) -> Result<DynTensor<E>>;
}

/// A spec of a layer with children (`MultiheadAttention`'s `out_proj`, a
/// transformer layer's blocks): [`build_layer`](super::dynamic::build_layer)
/// builds the whole layer from it.
pub trait BuildsModule: LayerSpec {
    /// The layer, initialised as PyTorch does.
    fn build_module(&self) -> Result<Box<dyn super::DynModule>>;
}

/// Parses `S` from PyTorch's keyword arguments.
pub fn parse<S: LayerSpec>(given: &LayerOptions) -> Result<S> {
    S::parse(&Args::new(S::NAME, given)?)
}

/// The spec with every argument at PyTorch's default (what `Default` of a
/// spec whose arguments all have one returns).
///
/// # Panics
/// When `S` has a required argument (a bug in the spec's `Default`).
pub(crate) fn pytorch_default<S: LayerSpec>() -> S {
    parse(&LayerOptions::new()).unwrap_or_else(|e| panic!("{} has no default: {e}", S::NAME))
}

/// A [`RunSpec`] behind a pointer, run in f32: what a
/// [`DynLayer`](super::dynamic::DynLayer) holds.
pub(crate) trait ErasedRun: Send + Sync {
    fn extra_repr(&self) -> String;
    fn forward(
        &self,
        x: &DynTensor,
        weight: Option<&DynTensor>,
        bias: Option<&DynTensor>,
        training: bool,
    ) -> Result<DynTensor>;
}

impl<S: RunSpec> ErasedRun for S {
    fn extra_repr(&self) -> String {
        LayerSpec::extra_repr(self)
    }
    fn forward(
        &self,
        x: &DynTensor,
        weight: Option<&DynTensor>,
        bias: Option<&DynTensor>,
        training: bool,
    ) -> Result<DynTensor> {
        self.run(x, weight, bias, training)
    }
}

/// The weight a [`RunSpec::run`] needs: an error naming the layer when
/// the caller passed none.
pub(crate) fn weight_of<'a, E: Element>(
    layer: &'static str,
    weight: Option<&'a DynTensor<E>>,
) -> Result<&'a DynTensor<E>> {
    weight.ok_or_else(|| Error::option(layer, "weight", "is missing: this layer has a weight"))
}

/// `(3,)`, `(3, 5)`: sizes as the Python tuple PyTorch prints.
pub(crate) fn py_tuple<T: std::fmt::Display>(items: &[T]) -> String {
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    if items.len() == 1 {
        format!("({},)", items[0])
    } else {
        format!("({})", items.join(", "))
    }
}
