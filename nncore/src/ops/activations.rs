//! The parametrised activations of `torch.nn.functional`: `leaky_relu`,
//! `elu`, `gelu` (exact or tanh), `silu`, `softplus`, `hardtanh`, each a
//! `kernels::elementwise` kernel through the generic unary op.

use super::unary::unary;
use crate::kernels::elementwise as ew;
use crate::{DynTensor, Element, Error, Result};

/// GELU's `approximate` argument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GeluApproximate {
    /// `x Φ(x)` with the exact normal CDF (`'none'`, the default).
    #[default]
    None,
    /// The tanh approximation (`'tanh'`).
    Tanh,
}

impl std::str::FromStr for GeluApproximate {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(GeluApproximate::None),
            "tanh" => Ok(GeluApproximate::Tanh),
            other => Err(Error::option(
                "gelu",
                "approximate",
                format!("`{other}` is not one of none, tanh"),
            )),
        }
    }
}

impl<E: Element> DynTensor<E> {
    /// `x` for `x > 0`, else `negative_slope * x`, like `F.leaky_relu`
    /// (PyTorch's default slope is 0.01).
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![-2.0, 3.0], &[2]).unwrap();
    /// assert_eq!(x.leaky_relu(0.1).to_vec(), vec![-0.2, 3.0]);
    /// ```
    pub fn leaky_relu(&self, negative_slope: f64) -> Self {
        let k = ew::LeakyRelu {
            slope: negative_slope,
        };
        unary(self, k, "LeakyReluBackward")
    }

    /// `x` for `x > 0`, else `alpha * (exp(x) - 1)`, like `F.elu`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![0.0, 2.0], &[2]).unwrap();
    /// assert_eq!(x.elu(1.0).to_vec(), vec![0.0, 2.0]);
    /// ```
    pub fn elu(&self, alpha: f64) -> Self {
        unary(self, ew::Elu { alpha }, "EluBackward")
    }

    /// `x Φ(x)`, exact or with the tanh approximation, like `F.gelu`.
    ///
    /// ```
    /// use nncore::{DynTensor, ops::GeluApproximate};
    /// let x = DynTensor::<f64>::from_vec(vec![0.0, 10.0], &[2]).unwrap();
    /// assert_eq!(x.gelu(GeluApproximate::None).to_vec(), vec![0.0, 10.0]);
    /// ```
    pub fn gelu(&self, approximate: GeluApproximate) -> Self {
        match approximate {
            GeluApproximate::None => unary(self, ew::Gelu, "GeluBackward"),
            GeluApproximate::Tanh => unary(self, ew::GeluTanh, "GeluBackward"),
        }
    }

    /// `x * sigmoid(x)`, like `F.silu`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert_eq!(DynTensor::<f64>::zeros(&[1]).unwrap().silu().item(), 0.0);
    /// ```
    pub fn silu(&self) -> Self {
        unary(self, ew::Silu, "SiluBackward")
    }

    /// `log(1 + exp(beta x)) / beta`, and `x` where `beta x > threshold`,
    /// like `F.softplus` (defaults: beta 1, threshold 20).
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![0.0, 30.0], &[2]).unwrap();
    /// assert_eq!(x.softplus(1.0, 20.0).to_vec(), vec![2f64.ln(), 30.0]);
    /// ```
    pub fn softplus(&self, beta: f64, threshold: f64) -> Self {
        unary(self, ew::Softplus { beta, threshold }, "SoftplusBackward")
    }

    /// `clamp(x, min_val, max_val)` with gradient 0 at and beyond the
    /// limits, like `F.hardtanh` (defaults -1, 1).
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![-3.0, 0.5, 3.0], &[3]).unwrap();
    /// assert_eq!(x.hardtanh(-1.0, 1.0).to_vec(), vec![-1.0, 0.5, 1.0]);
    /// ```
    pub fn hardtanh(&self, min_val: f64, max_val: f64) -> Self {
        let k = ew::Hardtanh {
            min: min_val,
            max: max_val,
        };
        unary(self, k, "HardtanhBackward")
    }
}

#[cfg(test)]
mod tests {
    use super::GeluApproximate;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3);
    // inputs are scaled to [-3, 3) and no sample lies within eps of a kink.
    #[test]
    fn gradcheck_activations() {
        let o = GradcheckOptions::default();
        let x = rand64(&[4, 5], 51)
            .mul_scalar(3.0)
            .detach()
            .requires_grad_(true);
        let xs = std::slice::from_ref(&x);
        gradcheck(|t| Ok(t[0].leaky_relu(0.2)), xs, o).unwrap();
        gradcheck(|t| Ok(t[0].elu(0.5)), xs, o).unwrap();
        gradcheck(|t| Ok(t[0].gelu(GeluApproximate::None)), xs, o).unwrap();
        gradcheck(|t| Ok(t[0].gelu(GeluApproximate::Tanh)), xs, o).unwrap();
        gradcheck(|t| Ok(t[0].silu()), xs, o).unwrap();
        gradcheck(|t| Ok(t[0].softplus(2.0, 2.0)), xs, o).unwrap();
        gradcheck(|t| Ok(t[0].hardtanh(-0.5, 2.0)), xs, o).unwrap();
    }

    #[test]
    fn bad_approximate_is_an_error() {
        assert_eq!(
            "erf".parse::<GeluApproximate>().unwrap_err().to_string(),
            "gelu: invalid approximate: `erf` is not one of none, tanh"
        );
    }
}
