//! Constructor options of a runtime-built layer, and how Python prints them.

use crate::py_float;
use crate::{Error, Result};

/// One constructor argument as Python holds it, so a layer built at run
/// time prints exactly as PyTorch's `repr()` does (`2` vs `2.0`,
/// `(3, 5)`, `None`, `'tanh'`).
///
/// ```
/// use nncore::nn::dynamic::OptValue;
/// assert_eq!(OptValue::Float(1e-5).py_str(), "1e-05");
/// assert_eq!(OptValue::Tuple(vec![OptValue::None, 7.into()]).py_str(), "(None, 7)");
/// assert_eq!(OptValue::from("tanh").py_repr(), "'tanh'");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum OptValue {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// A Python int.
    Int(i64),
    /// A Python float.
    Float(f64),
    /// A Python str.
    Str(String),
    /// A Python tuple (a JSON list in the conformance files).
    Tuple(Vec<OptValue>),
}

impl OptValue {
    /// Python's `str()` of the value (strings unquoted), what `format`
    /// writes in most `extra_repr`s.
    pub fn py_str(&self) -> String {
        match self {
            OptValue::Str(s) => s.clone(),
            other => other.py_repr(),
        }
    }

    /// Python's `repr()` of the value (strings quoted).
    pub fn py_repr(&self) -> String {
        match self {
            OptValue::None => "None".into(),
            OptValue::Bool(b) => if *b { "True" } else { "False" }.into(),
            OptValue::Int(i) => i.to_string(),
            OptValue::Float(x) => py_float(*x),
            OptValue::Str(s) => format!("'{s}'"),
            OptValue::Tuple(items) => {
                let inner: Vec<String> = items.iter().map(OptValue::py_repr).collect();
                if inner.len() == 1 {
                    format!("({},)", inner[0])
                } else {
                    format!("({})", inner.join(", "))
                }
            }
        }
    }

    /// The value as a number (an int or a float).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            OptValue::Int(i) => Some(*i as f64),
            OptValue::Float(x) => Some(*x),
            _ => None,
        }
    }
}

impl From<i64> for OptValue {
    fn from(v: i64) -> Self {
        OptValue::Int(v)
    }
}

impl From<i32> for OptValue {
    fn from(v: i32) -> Self {
        OptValue::Int(v.into())
    }
}

impl From<usize> for OptValue {
    fn from(v: usize) -> Self {
        OptValue::Int(v as i64)
    }
}

impl From<f64> for OptValue {
    fn from(v: f64) -> Self {
        OptValue::Float(v)
    }
}

impl From<bool> for OptValue {
    fn from(v: bool) -> Self {
        OptValue::Bool(v)
    }
}

impl From<&str> for OptValue {
    fn from(v: &str) -> Self {
        OptValue::Str(v.to_string())
    }
}

/// A layer's constructor arguments by name, in the order given.
///
/// ```
/// use nncore::nn::dynamic::LayerOptions;
/// let o = LayerOptions::new().with("in_features", 3).with("bias", false);
/// assert_eq!(o.get("bias"), Some(&false.into()));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerOptions {
    entries: Vec<(String, OptValue)>,
}

impl LayerOptions {
    /// No options (every argument at PyTorch's default).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) an argument.
    pub fn with(mut self, name: &str, value: impl Into<OptValue>) -> Self {
        self.set(name, value.into());
        self
    }

    /// Sets an argument.
    pub fn set(&mut self, name: &str, value: OptValue) {
        match self.entries.iter_mut().find(|(k, _)| k == name) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((name.to_string(), value)),
        }
    }

    /// The argument as given, if given.
    pub fn get(&self, name: &str) -> Option<&OptValue> {
        self.entries.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The argument, or `default` when absent.
    pub(crate) fn or(&self, name: &str, default: OptValue) -> OptValue {
        self.get(name).cloned().unwrap_or(default)
    }

    /// The names given, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// A required non-negative int.
    pub(crate) fn size(&self, op: &'static str, name: &'static str) -> Result<usize> {
        match self.get(name) {
            Some(OptValue::Int(v)) if *v >= 0 => Ok(*v as usize),
            Some(other) => Err(Error::option(
                op,
                name,
                format!("{} is not a size", other.py_repr()),
            )),
            None => Err(Error::option(op, name, "is required")),
        }
    }

    /// An int with a default.
    pub(crate) fn int(&self, op: &'static str, name: &'static str, default: i64) -> Result<i64> {
        match self.get(name) {
            None => Ok(default),
            Some(OptValue::Int(v)) => Ok(*v),
            Some(other) => Err(Error::option(
                op,
                name,
                format!("{} is not an int", other.py_repr()),
            )),
        }
    }

    /// A bool with a default.
    pub(crate) fn flag(&self, op: &'static str, name: &'static str, default: bool) -> Result<bool> {
        match self.get(name) {
            None => Ok(default),
            Some(OptValue::Bool(b)) => Ok(*b),
            Some(other) => Err(Error::option(
                op,
                name,
                format!("{} is not a bool", other.py_repr()),
            )),
        }
    }

    /// An int-or-pair size as (height, width), with a default.
    pub(crate) fn pair(
        &self,
        op: &'static str,
        name: &'static str,
        default: usize,
    ) -> Result<(usize, usize)> {
        let size = |v: &OptValue| match v {
            OptValue::Int(i) if *i >= 0 => Some(*i as usize),
            _ => None,
        };
        match self.get(name) {
            None | Some(OptValue::None) => Ok((default, default)),
            Some(v @ OptValue::Int(_)) => size(v)
                .map(|s| (s, s))
                .ok_or_else(|| Error::option(op, name, format!("{} is not a size", v.py_repr()))),
            Some(OptValue::Tuple(t)) if t.len() == 2 => match (size(&t[0]), size(&t[1])) {
                (Some(h), Some(w)) => Ok((h, w)),
                _ => Err(Error::option(op, name, "is not a pair of sizes")),
            },
            Some(other) => Err(Error::option(
                op,
                name,
                format!("{} is not a size or a pair of sizes", other.py_repr()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuples_print_as_python_tuples() {
        assert_eq!(OptValue::Tuple(vec![10.into()]).py_str(), "(10,)");
        assert_eq!(OptValue::Tuple(vec![4.into(), 5.into()]).py_str(), "(4, 5)");
    }

    #[test]
    fn a_wrong_type_is_an_error_naming_the_option() {
        let o = LayerOptions::new().with("in_features", "x");
        assert_eq!(
            o.size("Linear", "in_features").unwrap_err().to_string(),
            "Linear: invalid in_features: 'x' is not a size"
        );
    }
}
