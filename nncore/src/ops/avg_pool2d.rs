//! 2-D average pooling, like `F.avg_pool2d`, and adaptive average pooling,
//! like `F.adaptive_avg_pool2d`, over NCHW tensors (kernels in
//! `kernels::avg_pool`).

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::kernels::avg_pool::{
    AdaptivePool2dGeometry, adaptive_avg_pool2d_backward, adaptive_avg_pool2d_forward,
    avg_pool2d_backward, avg_pool2d_forward,
};
use crate::kernels::pool::Pool2dGeometry;
use crate::{DynTensor, Element, Error, Result};

/// The options of [`avg_pool2d`], PyTorch's arguments as (height, width):
/// `stride` defaults to the kernel size, `padding` to 0, `ceil_mode` to
/// false, `count_include_pad` to true, `divisor_override` to none.
///
/// ```
/// use nncore::ops::AvgPool2dOptions;
/// let o = AvgPool2dOptions::new(3).stride(2).padding(1).count_include_pad(false);
/// assert_eq!((o.kernel_size, o.stride, o.count_include_pad), ((3, 3), (2, 2), false));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvgPool2dOptions {
    /// Window size.
    pub kernel_size: (usize, usize),
    /// Window step.
    pub stride: (usize, usize),
    /// Implicit zero padding on each side.
    pub padding: (usize, usize),
    /// Use ceil instead of floor for the output size.
    pub ceil_mode: bool,
    /// Count the padding zeros in the divisor.
    pub count_include_pad: bool,
    /// Divide by this instead of the window size.
    pub divisor_override: Option<usize>,
}

impl AvgPool2dOptions {
    square_setters! {
        stride: "The same stride on both axes.",
        padding: "The same zero padding on both axes.",
    }

    /// A square window with stride equal to the window.
    pub fn new(kernel_size: usize) -> Self {
        AvgPool2dOptions {
            kernel_size: (kernel_size, kernel_size),
            stride: (kernel_size, kernel_size),
            padding: (0, 0),
            ceil_mode: false,
            count_include_pad: true,
            divisor_override: None,
        }
    }
    /// Ceil mode.
    pub fn ceil_mode(mut self, ceil: bool) -> Self {
        self.ceil_mode = ceil;
        self
    }
    /// Whether the padding counts in the divisor.
    pub fn count_include_pad(mut self, count: bool) -> Self {
        self.count_include_pad = count;
        self
    }
    /// A fixed divisor.
    pub fn divisor_override(mut self, divisor: Option<usize>) -> Self {
        self.divisor_override = divisor;
        self
    }
}

struct AvgPool2dBackward {
    geometry: Pool2dGeometry,
    count_include_pad: bool,
    divisor_override: Option<usize>,
}

impl<E: Element> Backward<E> for AvgPool2dBackward {
    fn name(&self) -> &'static str {
        "AvgPool2DBackward"
    }
    /// Sizes only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let mut gx = vec![E::zero(); ctx.inputs[0].numel()];
        avg_pool2d_backward(
            &self.geometry,
            self.count_include_pad,
            self.divisor_override,
            ctx.grad_output,
            &mut gx,
        );
        Ok(vec![Some(gx)])
    }
}

#[nnmacro::__compiled_once]
fn four_d<E: Element>(op: &'static str, input: &DynTensor<E>) -> Result<[usize; 4]> {
    match input.shape() {
        &[n, c, h, w] => Ok([n, c, h, w]),
        _ => Err(Error::shape(
            op,
            "a 4-D input (batch, channels, height, width)",
            format!("a {}-D tensor {:?}", input.rank(), input.shape()),
        )),
    }
}

/// Average pooling of `input` `[N, C, H, W]` (or unbatched `[C, H, W]`),
/// like `F.avg_pool2d`.
///
/// ```
/// use nncore::{ops::{avg_pool2d, AvgPool2dOptions}, DynTensor};
/// let x = DynTensor::<f32>::from_vec((0..16).map(|v| v as f32).collect(), &[1, 1, 4, 4]).unwrap();
/// let y = avg_pool2d(&x, AvgPool2dOptions::new(2)).unwrap();
/// assert_eq!(y.to_vec(), vec![2.5, 4.5, 10.5, 12.5]);
/// ```
#[nnmacro::__compiled_once]
pub fn avg_pool2d<E: Element>(
    input: &DynTensor<E>,
    options: AvgPool2dOptions,
) -> Result<DynTensor<E>> {
    super::unbatched(input, 4, |x| {
        let [batch, channels, in_h, in_w] = four_d("AvgPool2d", x)?;
        if options.divisor_override == Some(0) {
            return Err(Error::option(
                "AvgPool2d",
                "divisor_override",
                "divisor must be not zero",
            ));
        }
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
            dilation_h: 1,
            dilation_w: 1,
            ceil_mode: options.ceil_mode,
        };
        geometry.validate().map_err(|reason| {
            Error::option("AvgPool2d", "geometry", reason.replace("pool2d: ", ""))
        })?;
        let mut out = vec![E::zero(); geometry.output_len()];
        avg_pool2d_forward(
            &geometry,
            options.count_include_pad,
            options.divisor_override,
            &x.data(),
            &mut out,
        );
        let shape = vec![batch, channels, geometry.out_h(), geometry.out_w()];
        Ok(DynTensor::from_op(out, shape, &[x], || AvgPool2dBackward {
            geometry,
            count_include_pad: options.count_include_pad,
            divisor_override: options.divisor_override,
        }))
    })
}

struct AdaptiveAvgPool2dBackward {
    geometry: AdaptivePool2dGeometry,
}

impl<E: Element> Backward<E> for AdaptiveAvgPool2dBackward {
    fn name(&self) -> &'static str {
        "AdaptiveAvgPool2DBackward"
    }
    /// Sizes only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let mut gx = vec![E::zero(); ctx.inputs[0].numel()];
        adaptive_avg_pool2d_backward(&self.geometry, ctx.grad_output, &mut gx);
        Ok(vec![Some(gx)])
    }
}

/// Adaptive average pooling of `input` `[N, C, H, W]` (or `[C, H, W]`) to
/// `output_size` (height, width), like `F.adaptive_avg_pool2d`; `None`
/// keeps that input size, as PyTorch's `None` entries do. Window `i` along
/// an axis covers `[floor(i·in/out), ceil((i+1)·in/out))`.
///
/// ```
/// use nncore::{ops::adaptive_avg_pool2d, DynTensor};
/// let x = DynTensor::<f32>::from_vec((0..16).map(|v| v as f32).collect(), &[1, 1, 4, 4]).unwrap();
/// let y = adaptive_avg_pool2d(&x, (Some(1), Some(1))).unwrap();
/// assert_eq!(y.to_vec(), vec![7.5]);
/// ```
#[nnmacro::__compiled_once]
pub fn adaptive_avg_pool2d<E: Element>(
    input: &DynTensor<E>,
    output_size: (Option<usize>, Option<usize>),
) -> Result<DynTensor<E>> {
    super::unbatched(input, 4, |x| {
        let [batch, channels, in_h, in_w] = four_d("AdaptiveAvgPool2d", x)?;
        let geometry = AdaptivePool2dGeometry {
            batch,
            channels,
            in_h,
            in_w,
            out_h: output_size.0.unwrap_or(in_h),
            out_w: output_size.1.unwrap_or(in_w),
        };
        geometry.validate().map_err(|reason| {
            Error::option(
                "AdaptiveAvgPool2d",
                "output_size",
                reason.replace("adaptive_avg_pool2d: ", ""),
            )
        })?;
        let shape = vec![batch, channels, geometry.out_h, geometry.out_w];
        crate::tensor::admit::<E>("AdaptiveAvgPool2d", &shape)?;
        let mut out = vec![E::zero(); batch * channels * geometry.out_h * geometry.out_w];
        adaptive_avg_pool2d_forward(&geometry, &x.data(), &mut out);
        Ok(DynTensor::from_op(out, shape, &[x], || {
            AdaptiveAvgPool2dBackward { geometry }
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    #[test]
    fn gradcheck_avg_pool2d_over_options() {
        for o in [
            AvgPool2dOptions::new(2),
            AvgPool2dOptions::new(3)
                .stride(2)
                .padding(1)
                .count_include_pad(false),
            AvgPool2dOptions::new(3)
                .stride(2)
                .padding(1)
                .ceil_mode(true),
            AvgPool2dOptions::new(2).divisor_override(Some(3)),
        ] {
            let x = rand64(&[2, 2, 7, 6], 4).requires_grad_(true);
            gradcheck(|t| avg_pool2d(&t[0], o), &[x], GradcheckOptions::default())
                .unwrap_or_else(|e| panic!("{o:?}: {e}"));
        }
    }

    // Tolerance: PyTorch's gradcheck defaults.
    #[test]
    fn gradcheck_adaptive_avg_pool2d() {
        for size in [(Some(1), Some(1)), (Some(3), None), (Some(4), Some(5))] {
            let x = rand64(&[2, 2, 7, 6], 5).requires_grad_(true);
            gradcheck(
                |t| adaptive_avg_pool2d(&t[0], size),
                &[x],
                GradcheckOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{size:?}: {e}"));
        }
    }

    #[test]
    fn bad_sizes_are_errors_naming_the_layer() {
        let x = rand64(&[1, 1, 4, 4], 1);
        let err = avg_pool2d(&x, AvgPool2dOptions::new(2).padding(2))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("AvgPool2d: invalid geometry: pad should be at most half"),
            "{err}"
        );
        let err = avg_pool2d(&x, AvgPool2dOptions::new(2).divisor_override(Some(0))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AvgPool2d: invalid divisor_override: divisor must be not zero"
        );
        let err = adaptive_avg_pool2d(&x, (Some(0), Some(1)))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("AdaptiveAvgPool2d: invalid output_size: sizes must be positive"),
            "{err}"
        );
        assert!(avg_pool2d(&rand64(&[4, 4], 1), AvgPool2dOptions::new(2)).is_err());
    }
}
