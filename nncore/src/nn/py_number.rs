//! A constructor argument that PyTorch prints as the user gave it: an int
//! (`beta=2`) or a float (`beta=2.0`). `nn.Softplus(beta=2)` prints
//! `Softplus(beta=2, threshold=20.0)`, so the layer must remember which.

/// A Python number: an `int` or a `float`, built from a Rust integer or
/// float literal, printed as Python's `repr` prints it.
///
/// ```
/// use nncore::nn::PyNumber;
/// assert_eq!(PyNumber::from(2).to_string(), "2");
/// assert_eq!(PyNumber::from(2.0).to_string(), "2.0");
/// assert_eq!(PyNumber::from(2.5).value(), 2.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PyNumber {
    /// A Python `int`.
    Int(i64),
    /// A Python `float`.
    Float(f64),
}

impl PyNumber {
    /// The value as an `f64`, what the computation uses.
    pub fn value(self) -> f64 {
        match self {
            PyNumber::Int(i) => i as f64,
            PyNumber::Float(x) => x,
        }
    }
}

impl From<i32> for PyNumber {
    fn from(v: i32) -> Self {
        PyNumber::Int(v.into())
    }
}

impl From<i64> for PyNumber {
    fn from(v: i64) -> Self {
        PyNumber::Int(v)
    }
}

impl From<f64> for PyNumber {
    fn from(v: f64) -> Self {
        PyNumber::Float(v)
    }
}

use crate::python::py_float;

impl std::fmt::Display for PyNumber {
    /// Python's `repr`: `2`, `2.0`, `1e-05`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PyNumber::Int(i) => write!(f, "{i}"),
            PyNumber::Float(x) => f.write_str(&py_float(*x)),
        }
    }
}
