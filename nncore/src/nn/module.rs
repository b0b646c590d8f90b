//! The module trait: what every layer, container and user model is.
//!
//! [`Module`] is deliberately small and object safe: a module names its
//! type, its own parameters and buffers, and its children. Everything a
//! PyTorch user calls on a model (`named_parameters`, `state_dict`,
//! `train`, `zero_grad`, ...) is a provided method of [`ModuleExt`] that
//! walks this tree through `&dyn Module`, so it is written once and
//! compiled once, whatever the model's types.

use super::state_dict::{self, LoadReport, StateDict};
use super::{Buffer, Parameter};
use crate::Result;
use std::path::Path;

/// A node of a model: a layer, a container or a user struct.
///
/// Layers implement it by hand; `#[derive(Module)]` writes it for user
/// structs (every field is a child unless marked `#[module(skip)]`).
///
/// ```
/// use nncore::nn::{Module, ModuleExt, Parameter};
/// struct Scale { weight: Parameter }
/// impl Module for Scale {
///     fn type_name(&self) -> &str { "Scale" }
///     fn own_parameters(&self) -> Vec<(&str, &Parameter)> { vec![("weight", &self.weight)] }
/// }
/// let m = Scale { weight: Parameter::new(vec![1.0; 4], &[4]) };
/// assert_eq!(m.num_parameters(), 4);
/// assert_eq!(m.named_parameters()[0].0, "weight");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a module",
    note = "layers, containers and #[derive(Module)] structs are modules"
)]
pub trait Module: Send + Sync {
    /// The class name PyTorch prints (`Linear`, `Sequential`, `MLP`).
    fn type_name(&self) -> &str;

    /// What PyTorch's `extra_repr()` returns: the text inside the
    /// parentheses of a leaf (`in_features=784, out_features=256, bias=True`).
    fn extra_repr(&self) -> String {
        String::new()
    }

    /// The direct children in registration order, with their names
    /// (`"0"`, `"fc1"`, `"hidden"`).
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        Vec::new()
    }

    /// The direct children, mutably (for `train`/`eval` and loading).
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        Vec::new()
    }

    /// This module's own parameters (not its children's), in PyTorch's
    /// registration order. A parameter that PyTorch sets to `None` (a
    /// Linear without bias) is simply absent.
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        Vec::new()
    }

    /// This module's own buffers, in registration order.
    fn own_buffers(&self) -> Vec<(&str, &Buffer)> {
        Vec::new()
    }

    /// Whether the printout folds runs of identical children into
    /// `(0-2): 3 x ...`, as PyTorch's `ModuleList` does.
    fn folds_repeated_children(&self) -> bool {
        false
    }

    /// Whether this module is in training mode. Containers and user structs
    /// report their children's mode; layers whose forward depends on the
    /// mode (Dropout, BatchNorm) keep a flag.
    fn is_training(&self) -> bool {
        self.named_children().iter().all(|(_, c)| c.is_training())
    }

    /// Sets this module's own mode flag (not its children's); a no-op for
    /// layers that behave the same in both modes. `ModuleExt::train`
    /// calls it on every module of the tree.
    fn set_own_training(&mut self, training: bool) {
        let _ = training;
    }
}

/// What PyTorch's `nn.Module` methods do, for every [`Module`].
///
/// ```
/// use nncore::nn::{Linear, Module, ModuleExt};
/// use nncore::shape::{U3, U2};
/// let mut layer = Linear::<U3, U2>::new();
/// assert_eq!(layer.num_parameters(), 3 * 2 + 2);
/// layer.eval();
/// assert!(!layer.is_training());
/// ```
pub trait ModuleExt: Module {
    /// Every parameter with its dotted path (`0.weight`, `hidden.bias`),
    /// like `named_parameters()`. Handles are shared with the model.
    fn named_parameters(&self) -> Vec<(String, Parameter)> {
        let mut out = Vec::new();
        walk(self.as_dyn(), "", &mut |prefix, m| {
            for (name, p) in m.own_parameters() {
                out.push((join(prefix, name), p.clone()));
            }
        });
        out
    }

    /// Every parameter, like `parameters()`.
    fn parameters(&self) -> Vec<Parameter> {
        self.named_parameters()
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    }

    /// Every buffer with its dotted path, like `named_buffers()`.
    fn named_buffers(&self) -> Vec<(String, Buffer)> {
        let mut out = Vec::new();
        walk(self.as_dyn(), "", &mut |prefix, m| {
            for (name, b) in m.own_buffers() {
                out.push((join(prefix, name), b.clone()));
            }
        });
        out
    }

    /// Every buffer, like `buffers()`.
    fn buffers(&self) -> Vec<Buffer> {
        self.named_buffers().into_iter().map(|(_, b)| b).collect()
    }

    /// The direct children, like `children()`.
    fn children(&self) -> Vec<&dyn Module> {
        self.named_children().into_iter().map(|(_, c)| c).collect()
    }

    /// This module and all below it with dotted names (`""` for the root),
    /// like `named_modules()`.
    fn named_modules(&self) -> Vec<(String, &dyn Module)> {
        let mut out = Vec::new();
        collect_modules(self.as_dyn(), String::new(), &mut out);
        out
    }

    /// This module and all below it, like `modules()`.
    fn modules(&self) -> Vec<&dyn Module> {
        self.named_modules().into_iter().map(|(_, m)| m).collect()
    }

    /// The number of scalar parameters, like
    /// `sum(p.numel() for p in model.parameters())`.
    fn num_parameters(&self) -> usize {
        self.parameters().iter().map(|p| p.numel()).sum()
    }

    /// Sets training mode on this module and every submodule, like
    /// `train(mode)`.
    fn train_mode(&mut self, training: bool) {
        set_training(self.as_dyn_mut(), training);
    }

    /// Training mode everywhere, like `model.train()`.
    fn train(&mut self) {
        self.train_mode(true);
    }

    /// Evaluation mode everywhere, like `model.eval()`.
    fn eval(&mut self) {
        self.train_mode(false);
    }

    /// Clears every parameter's gradient (set to none, PyTorch's default).
    fn zero_grad(&self) {
        for p in self.parameters() {
            p.zero_grad();
        }
    }

    /// Freezes (`false`) or unfreezes every parameter, like
    /// `requires_grad_(flag)`: frozen parameters get no gradient and
    /// optimizers skip them.
    fn requires_grad_(&self, requires_grad: bool) {
        for p in self.parameters() {
            p.set_requires_grad(requires_grad);
        }
    }

    /// Calls `f` on every submodule and then this one (children first, as
    /// PyTorch's `apply`), e.g. to re-initialise every Linear: parameters
    /// are shared handles, so `f` can write them in place.
    fn apply(&self, f: &mut dyn FnMut(&dyn Module)) {
        apply_children_first(self.as_dyn(), f);
    }

    /// The named parameters and buffers, like `state_dict()`: PyTorch's
    /// keys in PyTorch's order, as shared handles.
    fn state_dict(&self) -> StateDict {
        state_dict::state_dict(self.as_dyn())
    }

    /// Copies a state_dict into the model, like `load_state_dict(sd,
    /// strict)`. Strict loading fails on the first missing or unexpected
    /// key; non-strict returns them. A shape that differs is always an
    /// error. On error the model is unchanged.
    fn load_state_dict(&self, state: &StateDict, strict: bool) -> Result<LoadReport> {
        let source: Vec<_> = state
            .iter()
            .map(|(k, t)| (k.clone(), t.shape().to_vec(), t.to_vec()))
            .collect();
        state_dict::load_state_dict(self.as_dyn(), "load_state_dict", &source, strict)
    }

    /// Saves the state_dict as a safetensors file with PyTorch's names,
    /// atomically (temporary file, then rename).
    fn save(&self, path: impl AsRef<Path>) -> Result<()>
    where
        Self: Sized,
    {
        state_dict::save(self.as_dyn(), path.as_ref(), None)
    }

    /// Loads a safetensors state_dict (strict): every key must fit. The
    /// error names the file and the first tensor that does not fit; the
    /// model is unchanged on error.
    fn load(&self, path: impl AsRef<Path>) -> Result<()>
    where
        Self: Sized,
    {
        state_dict::load(self.as_dyn(), path.as_ref(), true).map(|_| ())
    }

    /// Loads a safetensors state_dict, strict or not, returning the keys
    /// that did not match.
    fn load_with(&self, path: impl AsRef<Path>, strict: bool) -> Result<LoadReport>
    where
        Self: Sized,
    {
        state_dict::load(self.as_dyn(), path.as_ref(), strict)
    }

    #[doc(hidden)]
    fn as_dyn(&self) -> &dyn Module;
    #[doc(hidden)]
    fn as_dyn_mut(&mut self) -> &mut dyn Module;
}

impl<M: Module> ModuleExt for M {
    fn as_dyn(&self) -> &dyn Module {
        self
    }
    fn as_dyn_mut(&mut self) -> &mut dyn Module {
        self
    }
}

impl ModuleExt for dyn Module + '_ {
    fn as_dyn(&self) -> &dyn Module {
        self
    }
    fn as_dyn_mut(&mut self) -> &mut dyn Module {
        self
    }
}

pub(crate) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn walk(m: &dyn Module, prefix: &str, f: &mut dyn FnMut(&str, &dyn Module)) {
    f(prefix, m);
    for (name, child) in m.named_children() {
        walk(child, &join(prefix, &name), f);
    }
}

fn collect_modules<'a>(m: &'a dyn Module, prefix: String, out: &mut Vec<(String, &'a dyn Module)>) {
    let children = m.named_children();
    out.push((prefix.clone(), m));
    for (name, child) in children {
        collect_modules(child, join(&prefix, &name), out);
    }
}

fn set_training(m: &mut dyn Module, training: bool) {
    m.set_own_training(training);
    for (_, child) in m.named_children_mut() {
        set_training(child, training);
    }
}

fn apply_children_first(m: &dyn Module, f: &mut dyn FnMut(&dyn Module)) {
    for (_, child) in m.named_children() {
        apply_children_first(child, f);
    }
    f(m);
}

/// The `is_training` / `set_own_training` pair of a layer that stores its
/// mode in a `training: bool` field, as every PyTorch module does.
macro_rules! training_flag {
    () => {
        fn is_training(&self) -> bool {
            self.training
        }
        fn set_own_training(&mut self, training: bool) {
            self.training = training;
        }
    };
}
pub(crate) use training_flag;
