//! Clamping and elementwise extremes: `clamp`, `clamp_min`, `clamp_max`,
//! `maximum`, `minimum`, with PyTorch's derivatives (`clamp` passes the
//! gradient where `min <= x <= max`, limits included; `maximum` and
//! `minimum` split it evenly on ties).

use super::pointwise::pointwise;
use crate::{DynTensor, Element, Result};

impl<E: Element> DynTensor<E> {
    /// `min(max(x, min), max)` with optional limits, like `torch.clamp`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![-2.0, 0.5, 3.0], &[3]).unwrap();
    /// assert_eq!(x.clamp(Some(-1.0), Some(1.0)).to_vec(), vec![-1.0, 0.5, 1.0]);
    /// ```
    pub fn clamp(&self, min: Option<f64>, max: Option<f64>) -> Self {
        let lo = min.unwrap_or(f64::NEG_INFINITY);
        let hi = max.unwrap_or(f64::INFINITY);
        pointwise(
            "clamp",
            "ClampBackward",
            [self],
            move |[x]| {
                if x < lo {
                    lo
                } else if x > hi {
                    hi
                } else {
                    x
                }
            },
            move |[x]| [if x >= lo && x <= hi { 1.0 } else { 0.0 }],
        )
        .expect("one input always broadcasts")
    }

    /// `max(x, min)`, like `torch.clamp_min`.
    pub fn clamp_min(&self, min: f64) -> Self {
        self.clamp(Some(min), None)
    }

    /// `min(x, max)`, like `torch.clamp_max`.
    pub fn clamp_max(&self, max: f64) -> Self {
        self.clamp(None, Some(max))
    }

    /// The elementwise larger of two tensors (broadcast), like
    /// `torch.maximum`; NaN propagates.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let a = DynTensor::<f64>::from_vec(vec![1.0, 5.0], &[2]).unwrap();
    /// let b = DynTensor::<f64>::from_vec(vec![3.0, 2.0], &[2]).unwrap();
    /// assert_eq!(a.maximum(&b).unwrap().to_vec(), vec![3.0, 5.0]);
    /// ```
    pub fn maximum(&self, other: &Self) -> Result<Self> {
        extreme(self, other, "maximum", "MaximumBackward", true)
    }

    /// The elementwise smaller of two tensors (broadcast), like
    /// `torch.minimum`; NaN propagates.
    pub fn minimum(&self, other: &Self) -> Result<Self> {
        extreme(self, other, "minimum", "MinimumBackward", false)
    }
}

fn extreme<E: Element>(
    a: &DynTensor<E>,
    b: &DynTensor<E>,
    op: &'static str,
    name: &'static str,
    larger: bool,
) -> Result<DynTensor<E>> {
    let first = move |a: f64, b: f64| if larger { a > b } else { a < b };
    pointwise(
        op,
        name,
        [a, b],
        move |[a, b]| {
            if a.is_nan() || b.is_nan() {
                f64::NAN
            } else if first(a, b) || a == b {
                a
            } else {
                b
            }
        },
        move |[a, b]| {
            if a == b {
                [0.5, 0.5]
            } else if first(a, b) {
                [1.0, 0.0]
            } else {
                [0.0, 1.0]
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::DynTensor;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults; random inputs are never within
    // eps of a limit or of each other.
    #[test]
    fn gradcheck_clamp_and_extremes() {
        let o = GradcheckOptions::default();
        let x = rand64(&[4, 3], 31).requires_grad_(true);
        let y = rand64(&[3], 32).requires_grad_(true);
        gradcheck(
            |t| Ok(t[0].clamp(Some(-0.3), Some(0.4))),
            std::slice::from_ref(&x),
            o,
        )
        .unwrap();
        gradcheck(|t| Ok(t[0].clamp_min(0.1)), std::slice::from_ref(&x), o).unwrap();
        gradcheck(|t| t[0].maximum(&t[1]), &[x.clone(), y.clone()], o).unwrap();
        gradcheck(|t| t[0].minimum(&t[1]), &[x, y], o).unwrap();
    }

    #[test]
    fn limits_pass_the_gradient_and_ties_split_it() {
        let x = DynTensor::<f64>::from_vec(vec![0.0, 1.0, 2.0], &[3])
            .unwrap()
            .requires_grad_(true);
        x.clamp(Some(0.0), Some(1.0)).sum().backward().unwrap();
        assert_eq!(x.grad().unwrap(), vec![1.0, 1.0, 0.0]);
        let a = DynTensor::<f64>::full(&[1], 2.0)
            .unwrap()
            .requires_grad_(true);
        let b = DynTensor::<f64>::full(&[1], 2.0)
            .unwrap()
            .requires_grad_(true);
        a.minimum(&b).unwrap().sum().backward().unwrap();
        assert_eq!((a.grad().unwrap()[0], b.grad().unwrap()[0]), (0.5, 0.5));
        assert!(
            DynTensor::<f64>::zeros(&[2])
                .unwrap()
                .maximum(&DynTensor::zeros(&[3]).unwrap())
                .unwrap_err()
                .to_string()
                .starts_with("maximum: shape mismatch")
        );
    }
}
