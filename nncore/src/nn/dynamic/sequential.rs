//! `nn.Sequential` built at run time.

use crate::nn::dyn_module::chain_dyn;
use crate::nn::module::training_flag;
use crate::nn::module_dict::check_name;
use crate::nn::{DynForward, DynModule, Module, fmt_module};
use crate::{DynTensor, Result};
use std::fmt;

/// A `Sequential` whose layers are chosen at run time (read from a
/// config): named children (`0`, `1`, ... or `fc1`, ... as with
/// `Sequential(OrderedDict(...))`), applied in order through
/// [`DynForward`]; a size that does not fit is an error naming the layer.
/// Written in Rust, use `sequential!`, whose sizes the compiler checks.
///
/// ```
/// use nncore::nn::dynamic::{build_layer, DynSequential, LayerOptions};
/// use nncore::nn::{DynForward, ModuleExt};
/// use nncore::DynTensor;
/// let mut net = DynSequential::new();
/// net.push(build_layer("Linear", &LayerOptions::new().with("in_features", 4).with("out_features", 2)).unwrap());
/// net.push(build_layer("ReLU", &LayerOptions::new()).unwrap());
/// assert_eq!(net.named_parameters()[1].0, "0.bias");
/// let err = net.forward_dyn(&DynTensor::zeros(&[1, 3]).unwrap()).unwrap_err();
/// assert_eq!(err.to_string(), "Sequential: shape mismatch: expected layer (0) Linear to get input [*, 4], found [1, 3]");
/// ```
pub struct DynSequential {
    layers: Vec<(String, Box<dyn DynModule>)>,
    training: bool,
}

impl DynSequential {
    /// An empty `Sequential()`.
    pub fn new() -> Self {
        DynSequential {
            layers: Vec::new(),
            training: true,
        }
    }

    /// Appends a layer named by its position (`"3"`), like `append`.
    pub fn push(&mut self, layer: Box<dyn DynModule>) -> &mut Self {
        let name = self.layers.len().to_string();
        self.layers.push((name, layer));
        self
    }

    /// Appends a layer under `name`, as `Sequential(OrderedDict(...))`
    /// does; a name used before replaces that layer in place. Errors on an
    /// empty name or one containing `.`.
    pub fn push_named(&mut self, name: &str, layer: Box<dyn DynModule>) -> Result<&mut Self> {
        check_name(name)?;
        match self.layers.iter_mut().find(|(k, _)| k == name) {
            Some(entry) => entry.1 = layer,
            None => self.layers.push((name.to_string(), layer)),
        }
        Ok(self)
    }

    /// The layer under `name` (`"0"`, `"fc1"`).
    pub fn get(&self, name: &str) -> Option<&dyn DynModule> {
        let found = self.layers.iter().find(|(k, _)| k == name);
        found.map(|(_, m)| m.as_ref())
    }

    /// The number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// Whether there are no layers.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

impl Default for DynSequential {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for DynSequential {
    training_flag!();
    fn type_name(&self) -> &str {
        "Sequential"
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        let layers = self.layers.iter();
        layers.map(|(k, m)| (k.clone(), m as &dyn Module)).collect()
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        let layers = self.layers.iter_mut();
        layers
            .map(|(k, m)| (k.clone(), m as &mut dyn Module))
            .collect()
    }
}

impl DynForward for DynSequential {
    fn forward_dyn(&self, input: &DynTensor) -> Result<DynTensor> {
        let layers = self.layers.iter().map(|(k, m)| (k.clone(), m));
        chain_dyn("Sequential", layers, input)
    }
}

impl fmt::Display for DynSequential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
