//! Elementwise functions of one tensor (activations, `exp`, `log`), all
//! through one generic op over `kernels::elementwise::UnaryKernel`: a new
//! activation is a kernel struct plus a one-line method here.

use crate::autograd::{Backward, BackwardContext, input_grads};
use crate::kernels::elementwise::{self as ew, UnaryKernel, unary_backward, unary_forward};
use crate::{DynTensor, Element, Result, pool};

struct UnaryBackward<K> {
    kernel: K,
    name: &'static str,
}

impl<E: Element, K: UnaryKernel + Send + Sync + 'static> Backward<E> for UnaryBackward<K> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        // `unary_backward` writes every element: no need to zero it first.
        let mut gx = pool::take_overwritable(ctx.output.len());
        unary_backward(
            &self.kernel,
            &ctx.inputs[0].data(),
            ctx.output,
            ctx.grad_output,
            &mut gx,
        );
        Ok(input_grads([Some(gx)]))
    }
}

/// Applies `kernel` elementwise, recording its derivative.
pub(crate) fn unary<E: Element, K: UnaryKernel + Send + Sync + 'static>(
    x: &DynTensor<E>,
    kernel: K,
    name: &'static str,
) -> DynTensor<E> {
    // `unary_forward` writes every element.
    let mut y = pool::take_overwritable(x.numel());
    unary_forward(&kernel, &x.data(), &mut y);
    DynTensor::from_op(y, x.shape(), &[x], || UnaryBackward { kernel, name })
}

/// `exp(x)`; its derivative reads the output.
#[derive(Clone, Copy, Debug)]
struct Exp;
impl UnaryKernel for Exp {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        x.exp()
    }
    #[inline(always)]
    fn df<E: Element>(&self, _x: E, y: E) -> E {
        y
    }
}

/// `ln(x)`.
#[derive(Clone, Copy, Debug)]
struct Log;
impl UnaryKernel for Log {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        x.ln()
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        E::one() / x
    }
}

// Each method calls a function compiled once in nncore (see
// `nnmacro::__compiled_once`), so a crate calling `relu` does not compile
// the kernel and its backward again.
#[nnmacro::__compiled_once]
fn relu_op<E: Element>(x: &DynTensor<E>) -> DynTensor<E> {
    unary(x, ew::Relu, "ReluBackward")
}

#[nnmacro::__compiled_once]
fn sigmoid_op<E: Element>(x: &DynTensor<E>) -> DynTensor<E> {
    unary(x, ew::Sigmoid, "SigmoidBackward")
}

#[nnmacro::__compiled_once]
fn tanh_op<E: Element>(x: &DynTensor<E>) -> DynTensor<E> {
    unary(x, ew::Tanh, "TanhBackward")
}

#[nnmacro::__compiled_once]
fn exp_op<E: Element>(x: &DynTensor<E>) -> DynTensor<E> {
    unary(x, Exp, "ExpBackward")
}

#[nnmacro::__compiled_once]
fn log_op<E: Element>(x: &DynTensor<E>) -> DynTensor<E> {
    unary(x, Log, "LogBackward")
}

impl<E: Element> DynTensor<E> {
    /// `max(x, 0)`, like `F.relu`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f32>::from_vec(vec![-1.0, 2.0], &[2]).unwrap();
    /// assert_eq!(x.relu().to_vec(), vec![0.0, 2.0]);
    /// ```
    pub fn relu(&self) -> Self {
        relu_op(self)
    }

    /// `1 / (1 + exp(-x))`, like `torch.sigmoid`.
    pub fn sigmoid(&self) -> Self {
        sigmoid_op(self)
    }

    /// `tanh(x)`.
    pub fn tanh(&self) -> Self {
        tanh_op(self)
    }

    /// `exp(x)`.
    pub fn exp(&self) -> Self {
        exp_op(self)
    }

    /// `ln(x)`.
    pub fn log(&self) -> Self {
        log_op(self)
    }
}

#[cfg(test)]
mod tests {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults. ReLU is checked away from 0,
    // where it is not differentiable.
    #[test]
    fn gradcheck_unary_ops() {
        let o = GradcheckOptions::default();
        let x = rand64(&[3, 5], 11);
        let away_from_zero = x
            .add(&x.sign_like())
            .unwrap()
            .mul_scalar(0.5)
            .detach()
            .requires_grad_(true);
        gradcheck(|t| Ok(t[0].relu()), &[away_from_zero], o).unwrap();
        let x = x.requires_grad_(true);
        gradcheck(|t| Ok(t[0].sigmoid()), std::slice::from_ref(&x), o).unwrap();
        gradcheck(|t| Ok(t[0].tanh()), std::slice::from_ref(&x), o).unwrap();
        gradcheck(|t| Ok(t[0].exp()), std::slice::from_ref(&x), o).unwrap();
        let positive = x.exp().detach().requires_grad_(true);
        gradcheck(|t| Ok(t[0].log()), &[positive], o).unwrap();
    }

    impl crate::DynTensor<f64> {
        fn sign_like(&self) -> Self {
            crate::DynTensor::from_vec(
                self.to_vec().iter().map(|v| v.signum()).collect(),
                self.shape(),
            )
            .unwrap()
        }
    }
}
