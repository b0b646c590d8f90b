//! Arithmetic with a constant: `add_scalar`, `mul_scalar`, `neg`,
//! `pow_scalar`.

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Result};

struct AffineBackward<E> {
    scale: E,
}

impl<E: Element> Backward<E> for AffineBackward<E> {
    fn name(&self) -> &'static str {
        "MulBackward"
    }
    /// The scale only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        Ok(vec![Some(
            ctx.grad_output.iter().map(|&g| g * self.scale).collect(),
        )])
    }
}

struct PowBackward<E> {
    exponent: E,
}

impl<E: Element> Backward<E> for PowBackward<E> {
    fn name(&self) -> &'static str {
        "PowBackward"
    }
    fn saved(&self) -> Saved {
        Saved::NOTHING.input(0)
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let x = ctx.inputs[0].data();
        let p = self.exponent;
        let g = ctx
            .grad_output
            .iter()
            .zip(x.iter())
            .map(|(&g, &x)| g * p * x.powf(p - E::one()))
            .collect();
        Ok(vec![Some(g)])
    }
}

impl<E: Element> DynTensor<E> {
    /// `scale * self + shift` in one op (what `mul_scalar`, `add_scalar` and
    /// `neg` are).
    fn affine(&self, scale: E, shift: E) -> Self {
        let data = self.data().iter().map(|&x| x * scale + shift).collect();
        DynTensor::from_op(data, self.shape(), &[self], || AffineBackward { scale })
    }

    /// `self * value`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert_eq!(DynTensor::<f32>::ones(&[2]).unwrap().mul_scalar(3.0).to_vec(), vec![3.0, 3.0]);
    /// ```
    pub fn mul_scalar(&self, value: E) -> Self {
        self.affine(value, E::zero())
    }

    /// `self + value`.
    pub fn add_scalar(&self, value: E) -> Self {
        self.affine(E::one(), value)
    }

    /// `-self`.
    pub fn neg(&self) -> Self {
        self.affine(-E::one(), E::zero())
    }

    /// `self ** exponent` elementwise, like `torch.pow` with a float exponent.
    pub fn pow_scalar(&self, exponent: E) -> Self {
        let data = self.data().iter().map(|&x| x.powf(exponent)).collect();
        DynTensor::from_op(data, self.shape(), &[self], || PowBackward { exponent })
    }
}

#[cfg(test)]
mod tests {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3).
    #[test]
    fn gradcheck_scalar_ops() {
        let x = rand64(&[3, 4], 5).requires_grad_(true);
        let o = GradcheckOptions::default();
        gradcheck(|x| Ok(x[0].mul_scalar(-2.5)), std::slice::from_ref(&x), o).unwrap();
        gradcheck(|x| Ok(x[0].add_scalar(1.5)), std::slice::from_ref(&x), o).unwrap();
        gradcheck(|x| Ok(x[0].neg()), std::slice::from_ref(&x), o).unwrap();
        let positive = x
            .mul(&x)
            .unwrap()
            .add_scalar(0.5)
            .detach()
            .requires_grad_(true);
        gradcheck(|x| Ok(x[0].pow_scalar(1.7)), &[positive], o).unwrap();
    }
}
