//! `softmax` and `log_softmax` along one dimension, numerically stable
//! (the max is subtracted first), like `F.softmax` / `F.log_softmax`.

use super::split_at_dim;
use crate::autograd::{Backward, BackwardContext, Saved, input_grads};
use crate::kernels::softmax::{
    log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward,
};
use crate::{DynTensor, Element, Result, pool};

struct SoftmaxBackward {
    outer: usize,
    n: usize,
    inner: usize,
    log: bool,
}

impl<E: Element> Backward<E> for SoftmaxBackward {
    fn name(&self) -> &'static str {
        if self.log {
            "LogSoftmaxBackward"
        } else {
            "SoftmaxBackward"
        }
    }
    /// The output only.
    fn saved(&self) -> Saved {
        Saved::NOTHING.output()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        // The four softmax kernels overwrite their output.
        let mut gx = pool::take_overwritable(ctx.output.len());
        let (o, n, i) = (self.outer, self.n, self.inner);
        if self.log {
            log_softmax_backward(o, n, i, ctx.output, ctx.grad_output, &mut gx);
        } else {
            softmax_backward(o, n, i, ctx.output, ctx.grad_output, &mut gx);
        }
        Ok(input_grads([Some(gx)]))
    }
}

fn softmax_op<E: Element>(x: &DynTensor<E>, dim: isize, log: bool) -> Result<DynTensor<E>> {
    let (outer, n, inner, _) =
        split_at_dim(if log { "log_softmax" } else { "softmax" }, x.shape(), dim)?;
    let mut y = pool::take_overwritable(x.numel());
    if log {
        log_softmax_forward(outer, n, inner, &x.data(), &mut y);
    } else {
        softmax_forward(outer, n, inner, &x.data(), &mut y);
    }
    Ok(DynTensor::from_op(y, x.shape(), &[x], || SoftmaxBackward {
        outer,
        n,
        inner,
        log,
    }))
}

impl<E: Element> DynTensor<E> {
    /// `exp(x) / sum(exp(x))` along `dim`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::zeros(&[2, 4]).unwrap();
    /// assert_eq!(x.softmax(1).unwrap().to_vec(), vec![0.25; 8]);
    /// ```
    pub fn softmax(&self, dim: isize) -> Result<Self> {
        softmax_op(self, dim, false)
    }

    /// `x - logsumexp(x)` along `dim`.
    pub fn log_softmax(&self, dim: isize) -> Result<Self> {
        softmax_op(self, dim, true)
    }
}

#[cfg(test)]
mod tests {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults.
    #[test]
    fn gradcheck_softmax_and_log_softmax() {
        let x = rand64(&[2, 3, 4], 8)
            .mul_scalar(3.0)
            .detach()
            .requires_grad_(true);
        for dim in [0, 1, -1] {
            gradcheck(
                |t| t[0].softmax(dim),
                std::slice::from_ref(&x),
                GradcheckOptions::default(),
            )
            .unwrap();
            gradcheck(
                |t| t[0].log_softmax(dim),
                std::slice::from_ref(&x),
                GradcheckOptions::default(),
            )
            .unwrap();
        }
    }
}
