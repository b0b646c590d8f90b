//! Argument values PyTorch prints as they were given.

use std::fmt;

/// A pooling size PyTorch keeps as given: an int (`kernel_size=2`) or a
/// pair (`kernel_size=(2, 3)`), printed the same way.
///
/// ```
/// use nncore::nn::spec::IntOrPair;
/// assert_eq!(IntOrPair::One(2).to_string(), "2");
/// assert_eq!(IntOrPair::Pair(2, 3).to_string(), "(2, 3)");
/// assert_eq!(IntOrPair::One(2).hw(), (2, 2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPair {
    /// One size for both sides.
    One(usize),
    /// (height, width).
    Pair(usize, usize),
}

impl IntOrPair {
    /// (height, width).
    pub fn hw(self) -> (usize, usize) {
        match self {
            IntOrPair::One(v) => (v, v),
            IntOrPair::Pair(h, w) => (h, w),
        }
    }
}

impl fmt::Display for IntOrPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPair::One(v) => write!(f, "{v}"),
            IntOrPair::Pair(h, w) => write!(f, "({h}, {w})"),
        }
    }
}

/// Python's `True` / `False`.
///
/// ```
/// assert_eq!(nncore::nn::spec::py_bool(true), "True");
/// ```
pub fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// `", inplace=True"` when set: the suffix PyTorch's activations print.
pub(crate) fn inplace_suffix(inplace: bool) -> &'static str {
    if inplace { ", inplace=True" } else { "" }
}

/// The whole `extra_repr` of a layer whose only argument is `inplace`
/// (ReLU, ReLU6, SiLU): `"inplace=True"` when set, else nothing.
pub(crate) fn inplace_only(inplace: bool) -> String {
    if inplace { "inplace=True" } else { "" }.into()
}
