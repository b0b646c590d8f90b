//! Constructor options of a runtime-built layer, and how Python prints them.

use crate::py_float;

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
    /// A module passed as an argument (`TransformerEncoder`'s
    /// `encoder_layer`, `norm`): its class name and options.
    Module(String, LayerOptions),
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
            OptValue::Module(name, _) => format!("{name}(...)"),
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

    /// The names given, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
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
        let args = crate::nn::spec::Args::new("Linear", &o).unwrap();
        assert_eq!(
            args.size("in_features").unwrap_err().to_string(),
            "Linear: invalid in_features: 'x' is not a size"
        );
    }
}
