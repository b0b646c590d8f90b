//! A layer's keyword arguments, read against its row in `nnspec::LAYERS`:
//! an argument not given is PyTorch's default from that row.

use super::IntOrPair;
use crate::nn::PyNumber;
use crate::nn::dynamic::{LayerOptions, OptValue};
use crate::{Error, Result};
use nnspec::Default;

/// The arguments given to one layer, with PyTorch's defaults behind them.
/// Each accessor names the layer and the argument in its error.
///
/// ```
/// use nncore::nn::spec::Args;
/// use nncore::nn::dynamic::LayerOptions;
/// let given = LayerOptions::new().with("in_channels", 3);
/// let args = Args::new("Conv2d", &given)?;
/// assert_eq!(args.size("in_channels")?, 3);
/// assert_eq!(args.int("groups")?, 1);
/// assert_eq!(args.size("out_channels").unwrap_err().to_string(), "Conv2d: invalid out_channels: is required");
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct Args<'a> {
    layer: &'static nnspec::Layer,
    given: &'a LayerOptions,
}

impl<'a> Args<'a> {
    /// The arguments of the layer `name`. Errors when Kiln knows no such
    /// layer, listing the ones it knows.
    pub fn new(name: &str, given: &'a LayerOptions) -> Result<Self> {
        let layer = nnspec::layer(name).ok_or_else(|| {
            let known: Vec<&str> = nnspec::LAYERS.iter().map(|l| l.name).collect();
            Error::option(
                "build_layer",
                "type",
                format!(
                    "{name:?} is not a layer type Kiln can build at run time (known: {})",
                    known.join(", ")
                ),
            )
        })?;
        Ok(Args { layer, given })
    }

    /// PyTorch's class name.
    pub fn layer_name(&self) -> &'static str {
        self.layer.name
    }

    /// An error about argument `name`.
    pub fn error(&self, name: &'static str, reason: impl Into<String>) -> Error {
        Error::option(self.layer.name, name, reason)
    }

    /// The argument as given, else PyTorch's default. `None` given to an
    /// argument that defaults to another (`stride=None`) means that one.
    pub fn value(&self, name: &'static str) -> Result<OptValue> {
        let index = self
            .layer
            .position(name)
            .ok_or_else(|| self.error(name, "is not an argument of this layer"))?;
        let default = self.layer.args[index].default;
        match (self.given.get(name), default) {
            (Some(OptValue::None) | None, Default::SameAs(other)) => {
                self.value(self.layer.args[other].name)
            }
            (Some(v), _) => Ok(v.clone()),
            (None, Default::Required) => Err(self.error(name, "is required")),
            (None, Default::Int(i)) => Ok(OptValue::Int(i)),
            (None, Default::Float(x)) => Ok(OptValue::Float(x)),
            (None, Default::Bool(b)) => Ok(OptValue::Bool(b)),
            (None, Default::Str(s)) => Ok(OptValue::from(s)),
            (None, Default::None) => Ok(OptValue::None),
        }
    }

    /// A non-negative int.
    pub fn size(&self, name: &'static str) -> Result<usize> {
        match self.value(name)? {
            OptValue::Int(v) if v >= 0 => Ok(v as usize),
            other => Err(self.error(name, format!("{} is not a size", other.py_repr()))),
        }
    }

    /// An int.
    pub fn int(&self, name: &'static str) -> Result<i64> {
        match self.value(name)? {
            OptValue::Int(v) => Ok(v),
            other => Err(self.error(name, format!("{} is not an int", other.py_repr()))),
        }
    }

    /// An int or `None`.
    pub fn opt_int(&self, name: &'static str) -> Result<Option<i64>> {
        match self.value(name)? {
            OptValue::None => Ok(None),
            OptValue::Int(v) => Ok(Some(v)),
            other => Err(self.error(name, format!("{} is not an int or None", other.py_repr()))),
        }
    }

    /// A bool.
    pub fn flag(&self, name: &'static str) -> Result<bool> {
        match self.value(name)? {
            OptValue::Bool(b) => Ok(b),
            other => Err(self.error(name, format!("{} is not a bool", other.py_repr()))),
        }
    }

    /// A number, int or float, kept as given (PyTorch prints it so).
    pub fn number(&self, name: &'static str) -> Result<PyNumber> {
        match self.value(name)? {
            OptValue::Int(i) => Ok(PyNumber::Int(i)),
            OptValue::Float(x) => Ok(PyNumber::Float(x)),
            other => Err(self.error(name, format!("{} is not a number", other.py_repr()))),
        }
    }

    /// A number or `None`.
    pub fn opt_number(&self, name: &'static str) -> Result<Option<PyNumber>> {
        match self.value(name)? {
            OptValue::None => Ok(None),
            _ => self.number(name).map(Some),
        }
    }

    /// A str.
    pub fn text(&self, name: &'static str) -> Result<String> {
        match self.value(name)? {
            OptValue::Str(s) => Ok(s),
            other => Err(self.error(name, format!("{} is not a str", other.py_repr()))),
        }
    }

    /// An int or a pair of sizes, kept as given (pooling layers print it so).
    pub fn int_or_pair(&self, name: &'static str) -> Result<IntOrPair> {
        let size = |v: &OptValue| match v {
            OptValue::Int(i) if *i >= 0 => Some(*i as usize),
            _ => None,
        };
        match self.value(name)? {
            v @ OptValue::Int(_) => size(&v)
                .map(IntOrPair::One)
                .ok_or_else(|| self.error(name, format!("{} is not a size", v.py_repr()))),
            OptValue::Tuple(t) if t.len() == 2 => match (size(&t[0]), size(&t[1])) {
                (Some(h), Some(w)) => Ok(IntOrPair::Pair(h, w)),
                _ => Err(self.error(name, "is not a pair of sizes")),
            },
            other => Err(self.error(
                name,
                format!("{} is not a size or a pair of sizes", other.py_repr()),
            )),
        }
    }

    /// An int or an `N`-tuple of sizes, as `N` sizes (`_single`, `_pair`).
    pub fn sizes<const N: usize>(&self, name: &'static str) -> Result<[usize; N]> {
        if N == 2 {
            let (h, w) = self.int_or_pair(name)?.hw();
            return Ok(std::array::from_fn(|i| if i == 0 { h } else { w }));
        }
        let value = match self.value(name)? {
            OptValue::Tuple(items) if items.len() == N && N == 1 => items[0].clone(),
            other => other,
        };
        match value {
            OptValue::Int(v) if v >= 0 => Ok([v as usize; N]),
            other => Err(self.error(name, format!("{} is not a size", other.py_repr()))),
        }
    }
}
