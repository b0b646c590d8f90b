//! How a loss combines its per-element values.

use crate::{DynTensor, Element, Error, Result};

/// PyTorch's `reduction` argument.
///
/// ```
/// use nncore::loss::Reduction;
/// assert_eq!("sum".parse::<Reduction>().unwrap(), Reduction::Sum);
/// assert_eq!(Reduction::default(), Reduction::Mean);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reduction {
    /// One value per element, in the input's (or target's) shape.
    None,
    /// The mean of the values (the default).
    #[default]
    Mean,
    /// The sum of the values.
    Sum,
}

impl std::str::FromStr for Reduction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(Reduction::None),
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            other => Err(Error::option(
                "loss",
                "reduction",
                format!("`{other}` is not one of none, mean, sum"),
            )),
        }
    }
}

impl Reduction {
    /// Applies the reduction to per-element losses.
    pub fn apply<E: Element>(self, losses: DynTensor<E>) -> DynTensor<E> {
        match self {
            Reduction::None => losses,
            Reduction::Mean => losses.mean(),
            Reduction::Sum => losses.sum(),
        }
    }

    /// Fails for `None`, whose result is not a scalar: the typed `forward`
    /// of a loss returns a scalar tensor.
    pub(crate) fn expect_scalar(self, op: &'static str) -> Result<()> {
        if self == Reduction::None {
            return Err(Error::option(
                op,
                "reduction",
                "reduction 'none' gives one loss per element; use the runtime-shaped call `Loss::forward_dyn`".to_string(),
            ));
        }
        Ok(())
    }

    /// PyTorch's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::None => "none",
            Reduction::Mean => "mean",
            Reduction::Sum => "sum",
        }
    }
}
