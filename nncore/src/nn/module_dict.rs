//! `nn.ModuleDict`: modules by name, in insertion order.

use super::module::training_flag;
use super::{DynForward, DynModule, Module, fmt_module};
use crate::{DynTensor, Error, Result};
use std::fmt;
use std::ops::Index;

/// Modules by name, like `torch.nn.ModuleDict`: iteration, the printout and
/// the state_dict follow insertion order (as PyTorch's `ModuleDict` does
/// today), and a child's parameters are named `name.weight`.
///
/// `ModuleDict` (= `ModuleDict<Box<dyn DynModule>>`) holds modules of any
/// type; `ModuleDict<Linear<U256, U10>>` holds one type and hands back that
/// type from [`get`](Self::get), so its forward keeps static shapes.
///
/// When the names are known at compile time, write a struct with
/// `#[derive(Module)]` instead: each field is a child under the field's
/// name (`net.output` in Rust, `output.weight` in the state_dict), exactly
/// what a `ModuleDict` with those keys gives, with the types checked.
///
/// ```
/// use nncore::nn::{Linear, ModuleDict, ModuleExt, ReLU};
/// use nncore::shape::{U10, U256, U784};
/// let mut net: ModuleDict = ModuleDict::new();
/// net.insert("hidden", Box::new(Linear::<U784, U256>::new())).unwrap();
/// net.insert("act", Box::new(ReLU::new())).unwrap();
/// net.insert("output", Box::new(Linear::<U256, U10>::new())).unwrap(); // net['output'] = ...
/// assert_eq!(net.keys().collect::<Vec<_>>(), ["hidden", "act", "output"]);
/// assert_eq!(net["output"].extra_repr(), "in_features=256, out_features=10, bias=True");
/// assert_eq!(net.named_parameters()[2].0, "output.weight");
/// ```
pub struct ModuleDict<T = Box<dyn DynModule>> {
    items: Vec<(String, T)>,
    training: bool,
}

impl<T: Module> ModuleDict<T> {
    /// An empty dict, like `nn.ModuleDict()`.
    pub fn new() -> Self {
        ModuleDict {
            items: Vec::new(),
            training: true,
        }
    }

    /// A dict from `(name, module)` pairs in order, like
    /// `nn.ModuleDict({...})`; a repeated name replaces the earlier module
    /// in its place. Errors as [`insert`](Self::insert).
    pub fn from_pairs<S: Into<String>>(pairs: impl IntoIterator<Item = (S, T)>) -> Result<Self> {
        let mut dict = Self::new();
        for (name, module) in pairs {
            dict.insert(name, module)?;
        }
        Ok(dict)
    }

    /// Sets `name` to `module`, like `net[name] = module`: a new name goes
    /// at the end, an existing one is replaced in place and its old module
    /// returned. PyTorch's rules for names apply: not empty and no `.`.
    ///
    /// ```
    /// use nncore::nn::{ModuleDict, ReLU};
    /// let mut d = ModuleDict::<ReLU>::new();
    /// let err = d.insert("fc.1", ReLU::new()).unwrap_err();
    /// assert_eq!(err.to_string(), "ModuleDict.insert: invalid name: \"fc.1\" contains \".\"");
    /// ```
    pub fn insert(&mut self, name: impl Into<String>, module: T) -> Result<Option<T>> {
        let name = name.into();
        check_name(&name)?;
        match self.position(&name) {
            Some(i) => Ok(Some(std::mem::replace(&mut self.items[i].1, module))),
            None => {
                self.items.push((name, module));
                Ok(None)
            }
        }
    }

    /// Removes `name` and returns its module, like `pop(name)`.
    pub fn remove(&mut self, name: &str) -> Option<T> {
        let i = self.position(name)?;
        Some(self.items.remove(i).1)
    }

    /// The module under `name`, like `net[name]`.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.position(name).map(|i| &self.items[i].1)
    }

    /// The module under `name`, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut T> {
        self.position(name).map(move |i| &mut self.items[i].1)
    }

    /// Whether `name` is a key, like `name in net`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// The names in insertion order, like `keys()`.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|(k, _)| k.as_str())
    }

    /// The modules in insertion order, like `values()`.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.items.iter().map(|(_, v)| v)
    }

    /// `(name, module)` in insertion order, like `items()`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.items.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// `(name, module)` in insertion order, mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut T)> {
        self.items.iter_mut().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the dict is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.items.iter().position(|(k, _)| k == name)
    }
}

/// PyTorch's `add_module` checks: a child name is not empty, has no `.`.
pub(crate) fn check_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "the name is empty".to_string()
    } else if name.contains('.') {
        format!("{name:?} contains \".\"")
    } else {
        return Ok(());
    };
    Err(Error::InvalidOption {
        op: "ModuleDict.insert",
        option: "name",
        reason,
    })
}

impl<T: Module> Default for ModuleDict<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// `net["name"]`.
///
/// # Panics
/// When there is no such key, like a `HashMap`; [`ModuleDict::get`]
/// returns `None` instead.
impl<T: Module> Index<&str> for ModuleDict<T> {
    type Output = T;
    fn index(&self, name: &str) -> &T {
        self.get(name)
            .unwrap_or_else(|| panic!("ModuleDict: no module named {name:?}"))
    }
}

impl<T: Module> Module for ModuleDict<T> {
    training_flag!();
    fn type_name(&self) -> &str {
        "ModuleDict"
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        let items = self.items.iter();
        items.map(|(k, m)| (k.clone(), m as &dyn Module)).collect()
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        let items = self.items.iter_mut();
        items
            .map(|(k, m)| (k.clone(), m as &mut dyn Module))
            .collect()
    }
}

/// A `ModuleDict` has no forward, as in PyTorch (calling one raises
/// "missing the required forward function"): the caller picks the entries
/// (`net["output"].forward_dyn(&x)`). This impl exists so a dict can sit
/// inside runtime-built containers; calling it is an error.
///
/// ```
/// use nncore::nn::{DynForward, ModuleDict, ReLU};
/// use nncore::DynTensor;
/// let d = ModuleDict::<ReLU>::new();
/// let err = d.forward_dyn(&DynTensor::zeros(&[1]).unwrap()).unwrap_err();
/// assert_eq!(err.to_string(), "ModuleDict: invalid forward: a ModuleDict has no forward, as in PyTorch: call its entries");
/// ```
impl<T: Module> DynForward for ModuleDict<T> {
    fn forward_dyn(&self, _: &DynTensor) -> Result<DynTensor> {
        Err(Error::option(
            "ModuleDict",
            "forward",
            "a ModuleDict has no forward, as in PyTorch: call its entries",
        ))
    }
}

impl<T: Module> fmt::Display for ModuleDict<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Linear, ModuleExt, ReLU};
    use crate::shape::{U2, U3};

    #[test]
    fn replacing_keeps_the_position_and_the_new_parameters() {
        let mut d: ModuleDict = ModuleDict::new();
        d.insert("a", Box::new(Linear::<U2, U3>::new())).unwrap();
        d.insert("b", Box::new(ReLU::new())).unwrap();
        let old = d.insert("a", Box::new(Linear::<U3, U2>::new())).unwrap();
        assert_eq!(
            old.unwrap().extra_repr(),
            "in_features=2, out_features=3, bias=True"
        );
        assert_eq!(d.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(d.named_parameters()[0].1.shape(), &[2, 3]);
        assert!(d.remove("b").is_some());
        assert!(!d.contains_key("b"));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn an_empty_name_is_rejected() {
        let mut d = ModuleDict::<ReLU>::new();
        assert_eq!(
            d.insert("", ReLU::new()).unwrap_err().to_string(),
            "ModuleDict.insert: invalid name: the name is empty"
        );
        assert!(d.is_empty());
    }

    #[test]
    fn prints_in_insertion_order() {
        let d =
            ModuleDict::from_pairs([("z", ReLU::new()), ("a", ReLU::new().inplace(true))]).unwrap();
        assert_eq!(
            d.to_string(),
            "ModuleDict(\n  (z): ReLU()\n  (a): ReLU(inplace=True)\n)"
        );
    }
}
