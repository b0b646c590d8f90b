//! 2-D max pooling over NCHW tensors, like `F.max_pool2d`. The forward
//! stores the position of each maximum so the backward is a scatter.

use crate::autograd::{Backward, BackwardContext, Saved, input_grads};
use crate::kernels::pool::{Pool2dGeometry, PoolIndex, max_pool2d_backward, max_pool2d_forward};
use crate::{DynTensor, Element, Error, Result, pool};

/// The options of [`max_pool2d`], PyTorch's arguments as (height, width):
/// `stride` defaults to the kernel size, `padding` to 0, `dilation` to 1.
///
/// ```
/// use nncore::ops::MaxPool2dOptions;
/// let o = MaxPool2dOptions::new(2);
/// assert_eq!((o.kernel_size, o.stride), ((2, 2), (2, 2)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPool2dOptions {
    /// Window size.
    pub kernel_size: (usize, usize),
    /// Window step.
    pub stride: (usize, usize),
    /// Implicit negative-infinity padding on each side.
    pub padding: (usize, usize),
    /// Spacing between window taps.
    pub dilation: (usize, usize),
    /// Use ceil instead of floor for the output size.
    pub ceil_mode: bool,
}

impl MaxPool2dOptions {
    square_setters! {
        stride: "The same stride on both axes.",
        padding: "The same zero padding on both axes.",
        dilation: "The same dilation on both axes.",
    }

    /// A square window with stride equal to the window.
    pub fn new(kernel_size: usize) -> Self {
        MaxPool2dOptions {
            kernel_size: (kernel_size, kernel_size),
            stride: (kernel_size, kernel_size),
            padding: (0, 0),
            dilation: (1, 1),
            ceil_mode: false,
        }
    }
    /// Ceil mode.
    pub fn ceil_mode(mut self, ceil: bool) -> Self {
        self.ceil_mode = ceil;
        self
    }
}

struct MaxPool2dBackward {
    geometry: Pool2dGeometry,
    argmax: Vec<PoolIndex>,
}

impl<E: Element> Backward<E> for MaxPool2dBackward {
    fn name(&self) -> &'static str {
        "MaxPool2DWithIndicesBackward"
    }
    /// The argmax indices (and the input's size).
    fn saved(&self) -> Saved {
        Saved::NOTHING.buffers()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        // `max_pool2d_backward` zeroes each plane before scattering into it.
        let mut gx = pool::take_overwritable(ctx.inputs[0].numel());
        max_pool2d_backward(&self.geometry, ctx.grad_output, &self.argmax, &mut gx);
        Ok(input_grads([Some(gx)]))
    }

    fn release(&mut self) -> bool {
        pool::give_back(std::mem::take(&mut self.argmax));
        true
    }
}

/// Max pooling of `input` `[N, C, H, W]` (or unbatched `[C, H, W]`), like `F.max_pool2d`.
///
/// ```
/// use nncore::{ops::{max_pool2d, MaxPool2dOptions}, DynTensor};
/// let x = DynTensor::<f32>::from_vec((0..16).map(|v| v as f32).collect(), &[1, 1, 4, 4]).unwrap();
/// let y = max_pool2d(&x, MaxPool2dOptions::new(2)).unwrap();
/// assert_eq!(y.to_vec(), vec![5.0, 7.0, 13.0, 15.0]);
/// ```
#[nnmacro::__compiled_once]
pub fn max_pool2d<E: Element>(
    input: &DynTensor<E>,
    options: MaxPool2dOptions,
) -> Result<DynTensor<E>> {
    super::unbatched(input, 4, |x| max_pool2d_batched(x, options))
}

#[nnmacro::__compiled_once]
fn max_pool2d_batched<E: Element>(
    input: &DynTensor<E>,
    options: MaxPool2dOptions,
) -> Result<DynTensor<E>> {
    let &[batch, channels, in_h, in_w] = input.shape() else {
        return Err(Error::shape(
            "MaxPool2d",
            "a 4-D input (batch, channels, height, width)",
            format!("a {}-D tensor {:?}", input.rank(), input.shape()),
        ));
    };
    let geometry = Pool2dGeometry {
        batch,
        channels,
        in_h,
        in_w,
        kernel_h: options.kernel_size.0,
        kernel_w: options.kernel_size.1,
        stride_h: options.stride.0,
        stride_w: options.stride.1,
        pad_h: options.padding.0,
        pad_w: options.padding.1,
        dilation_h: options.dilation.0,
        dilation_w: options.dilation.1,
        ceil_mode: options.ceil_mode,
    };
    geometry
        .validate()
        .map_err(|reason| Error::option("MaxPool2d", "geometry", reason))?;
    let numel = batch * channels * geometry.out_h() * geometry.out_w();
    // `max_pool2d_forward` writes every output and argmax element.
    let mut out = pool::take_overwritable(numel);
    let mut argmax = pool::take_filled(numel, 0 as PoolIndex);
    max_pool2d_forward(&geometry, &input.data(), &mut out, &mut argmax);
    let shape = [batch, channels, geometry.out_h(), geometry.out_w()];
    Ok(DynTensor::from_op(out, shape, &[input], || {
        MaxPool2dBackward { geometry, argmax }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults; random inputs have distinct
    // values, so the max is unique and differentiable.
    #[test]
    fn gradcheck_max_pool2d_over_options() {
        for options in [
            MaxPool2dOptions::new(2),
            MaxPool2dOptions::new(3).stride(2).padding(1),
            MaxPool2dOptions::new(2).dilation(2),
            MaxPool2dOptions::new(2).ceil_mode(true),
        ] {
            let x = rand64(&[2, 3, 7, 6], 4).requires_grad_(true);
            gradcheck(
                |t| max_pool2d(&t[0], options),
                &[x],
                GradcheckOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{options:?}: {e}"));
        }
    }

    #[test]
    fn window_larger_than_input_is_an_error() {
        assert!(max_pool2d(&rand64(&[1, 1, 2, 2], 1), MaxPool2dOptions::new(3)).is_err());
        assert!(max_pool2d(&rand64(&[2, 2], 1), MaxPool2dOptions::new(2)).is_err());
        assert_eq!(
            max_pool2d(&rand64(&[1, 2, 2], 1), MaxPool2dOptions::new(2))
                .unwrap()
                .shape(),
            &[1, 1, 1]
        );
    }
}
