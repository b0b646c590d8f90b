//! Elementwise math used by the losses: `abs`, `sqrt`, `log1p`,
//! `log_sigmoid` (stable for any input), with PyTorch's derivatives
//! (`abs` has derivative 0 at 0, as `sign(0)`).

use super::pointwise::pointwise;
use crate::{DynTensor, Element};

/// `log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))`, finite for any `x`.
pub(crate) fn log_sigmoid_f64(x: f64) -> f64 {
    x.min(0.0) - (-x.abs()).exp().ln_1p()
}

/// `sigmoid(x)` without overflow.
pub(crate) fn sigmoid_f64(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let z = x.exp();
        z / (1.0 + z)
    }
}

impl<E: Element> DynTensor<E> {
    /// `|x|`, like `torch.abs`; the derivative at 0 is 0.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![-2.0, 3.0], &[2]).unwrap();
    /// assert_eq!(x.abs().to_vec(), vec![2.0, 3.0]);
    /// ```
    pub fn abs(&self) -> Self {
        unary(self, "AbsBackward", f64::abs, |x| {
            if x == 0.0 { 0.0 } else { x.signum() }
        })
    }

    /// `√x`, like `torch.sqrt`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert_eq!(DynTensor::<f64>::full(&[1], 9.0).unwrap().sqrt().item(), 3.0);
    /// ```
    pub fn sqrt(&self) -> Self {
        unary(self, "SqrtBackward", f64::sqrt, |x| 0.5 / x.sqrt())
    }

    /// `ln(1 + x)`, accurate near 0, like `torch.log1p`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert_eq!(DynTensor::<f64>::full(&[1], 1e-20).unwrap().log1p().item(), 1e-20);
    /// ```
    pub fn log1p(&self) -> Self {
        unary(self, "Log1pBackward", f64::ln_1p, |x| 1.0 / (1.0 + x))
    }

    /// `log(sigmoid(x))`, like `F.logsigmoid`, stable for logits of any
    /// size.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![-1e4, 1e4], &[2]).unwrap();
    /// assert_eq!(x.log_sigmoid().to_vec(), vec![-1e4, 0.0]);
    /// ```
    pub fn log_sigmoid(&self) -> Self {
        unary(self, "LogSigmoidBackward", log_sigmoid_f64, |x| {
            sigmoid_f64(-x)
        })
    }
}

fn unary<E: Element>(
    x: &DynTensor<E>,
    name: &'static str,
    f: fn(f64) -> f64,
    df: fn(f64) -> f64,
) -> DynTensor<E> {
    pointwise("unary", name, [x], move |[x]| f(x), move |[x]| [df(x)])
        .expect("one input always broadcasts")
}

#[cfg(test)]
mod tests {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3);
    // inputs in [-1, 1) keep away from abs's kink (no sample is within 1e-6 of 0).
    #[test]
    fn gradcheck_math_ops() {
        let o = GradcheckOptions::default();
        let x = rand64(&[3, 5], 21).requires_grad_(true);
        gradcheck(|t| Ok(t[0].abs()), std::slice::from_ref(&x), o).unwrap();
        gradcheck(|t| Ok(t[0].log_sigmoid()), std::slice::from_ref(&x), o).unwrap();
        let big = x.mul_scalar(50.0).detach().requires_grad_(true);
        gradcheck(|t| Ok(t[0].log_sigmoid()), &[big], o).unwrap();
        let pos = x.add_scalar(1.5).detach().requires_grad_(true);
        gradcheck(|t| Ok(t[0].sqrt()), std::slice::from_ref(&pos), o).unwrap();
        gradcheck(|t| Ok(t[0].log1p()), std::slice::from_ref(&pos), o).unwrap();
    }

    #[test]
    fn abs_has_zero_derivative_at_zero_and_log_sigmoid_is_stable() {
        let x = crate::DynTensor::<f64>::from_vec(vec![0.0, -1e4, 1e4], &[3])
            .unwrap()
            .requires_grad_(true);
        x.abs().sum().backward().unwrap();
        assert_eq!(x.grad().unwrap(), vec![0.0, -1.0, 1.0]);
        let y = x.log_sigmoid().to_vec();
        assert!(y.iter().all(|v| v.is_finite()));
    }
}
