//! 2-D convolution over NCHW tensors, like `F.conv2d`; the work is done
//! by `kernels::conv` (shifted products, direct sums or im2col + gemm,
//! batch-parallel).

use crate::autograd::{Backward, BackwardContext, Saved, input_grads};
use crate::kernels::conv::{
    Conv2dGeometry, conv2d_backward_bias, conv2d_backward_input, conv2d_backward_weight,
    conv2d_forward,
};
use crate::{DynTensor, Element, Error, Result, pool};

/// The options of [`conv2d`], PyTorch's keyword arguments with their
/// defaults (`stride = 1`, `padding = 0`, `dilation = 1`, `groups = 1`),
/// each as (height, width).
///
/// ```
/// use nncore::ops::Conv2dOptions;
/// let o = Conv2dOptions::default().padding(2);
/// assert_eq!(o.padding, (2, 2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv2dOptions {
    /// Step of the window.
    pub stride: (usize, usize),
    /// Zeros added on each side.
    pub padding: (usize, usize),
    /// Spacing between kernel taps.
    pub dilation: (usize, usize),
    /// Number of blocked connections from input to output channels.
    pub groups: usize,
}

impl Default for Conv2dOptions {
    fn default() -> Self {
        Conv2dOptions {
            stride: (1, 1),
            padding: (0, 0),
            dilation: (1, 1),
            groups: 1,
        }
    }
}

impl Conv2dOptions {
    square_setters! {
        stride: "The same stride on both axes.",
        padding: "The same zero padding on both axes.",
        dilation: "The same dilation on both axes.",
    }

    /// The number of groups.
    pub fn groups(mut self, g: usize) -> Self {
        self.groups = g;
        self
    }
}

struct Conv2dBackward {
    geometry: Conv2dGeometry,
}

impl<E: Element> Backward<E> for Conv2dBackward {
    fn name(&self) -> &'static str {
        "ConvolutionBackward"
    }
    /// Input and weight, not the bias.
    fn saved(&self) -> Saved {
        Saved::NOTHING.input(0).input(1)
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let g = &self.geometry;
        let (x, w) = (&ctx.inputs[0], &ctx.inputs[1]);
        // The input gradient overwrites its buffer; the weight and bias
        // gradients accumulate into theirs.
        let gx = ctx.needs[0].then(|| {
            let mut out = pool::take_overwritable(x.numel());
            conv2d_backward_input(g, ctx.grad_output, &w.data(), &mut out);
            out
        });
        let gw = ctx.needs[1].then(|| {
            let mut out = pool::take_zeroed(w.numel());
            conv2d_backward_weight(g, &x.data(), ctx.grad_output, &mut out);
            out
        });
        if ctx.inputs.len() < 3 {
            return Ok(input_grads([gx, gw]));
        }
        let gb = ctx.needs[2].then(|| {
            let mut out = pool::take_zeroed(g.out_channels);
            conv2d_backward_bias(g, ctx.grad_output, &mut out);
            out
        });
        Ok(input_grads([gx, gw, gb]))
    }
}

/// Convolves `input` `[N, C_in, H, W]` (or unbatched `[C_in, H, W]`) with `weight`
/// `[C_out, C_in / groups, kH, kW]` plus `bias` `[C_out]`, like
/// `F.conv2d`; the result is `[N, C_out, H_out, W_out]`.
///
/// ```
/// use nncore::{ops::{conv2d, Conv2dOptions}, DynTensor};
/// let x = DynTensor::<f32>::ones(&[1, 1, 4, 4]).unwrap();
/// let w = DynTensor::<f32>::ones(&[2, 1, 3, 3]).unwrap();
/// let y = conv2d(&x, &w, None, Conv2dOptions::default().padding(1)).unwrap();
/// assert_eq!(y.shape(), &[1, 2, 4, 4]);
/// assert_eq!(y.to_vec()[5], 9.0);
/// ```
#[nnmacro::__compiled_once]
pub fn conv2d<E: Element>(
    input: &DynTensor<E>,
    weight: &DynTensor<E>,
    bias: Option<&DynTensor<E>>,
    options: Conv2dOptions,
) -> Result<DynTensor<E>> {
    super::unbatched(input, 4, |x| conv2d_batched(x, weight, bias, options))
}

fn conv2d_batched<E: Element>(
    input: &DynTensor<E>,
    weight: &DynTensor<E>,
    bias: Option<&DynTensor<E>>,
    options: Conv2dOptions,
) -> Result<DynTensor<E>> {
    let &[batch, in_channels, in_h, in_w] = input.shape() else {
        return Err(Error::shape(
            "Conv2d",
            "a 4-D input (batch, channels, height, width)",
            format!("a {}-D tensor {:?}", input.rank(), input.shape()),
        ));
    };
    let &[out_channels, per_group, kernel_h, kernel_w] = weight.shape() else {
        return Err(Error::shape(
            "Conv2d",
            "a 4-D weight",
            format!("{:?}", weight.shape()),
        ));
    };
    if options.groups == 0
        || in_channels % options.groups != 0
        || per_group * options.groups != in_channels
    {
        return Err(Error::shape(
            "Conv2d",
            format!(
                "{} input channels (weight {:?}, groups={})",
                per_group * options.groups,
                weight.shape(),
                options.groups
            ),
            format!("{in_channels} input channels"),
        ));
    }
    if let Some(b) = bias {
        b.expect_shape("Conv2d (bias)", &[out_channels])?;
    }
    let geometry = Conv2dGeometry {
        batch,
        in_channels,
        out_channels,
        in_h,
        in_w,
        kernel_h,
        kernel_w,
        stride_h: options.stride.0,
        stride_w: options.stride.1,
        pad_h: options.padding.0,
        pad_w: options.padding.1,
        dilation_h: options.dilation.0,
        dilation_w: options.dilation.1,
        groups: options.groups,
    };
    geometry
        .validate()
        .map_err(|reason| Error::option("Conv2d", "geometry", reason))?;
    let shape = [batch, out_channels, geometry.out_h(), geometry.out_w()];
    crate::tensor::admit::<E>("Conv2d", &shape)?;
    // `conv2d_forward` overwrites every element.
    let mut out = pool::take_overwritable(geometry.output_len());
    let bias_data = bias.map(|b| b.data());
    conv2d_forward(
        &geometry,
        &input.data(),
        &weight.data(),
        bias_data.as_deref().map(|v| v.as_slice()),
        &mut out,
    );
    drop(bias_data);
    let backward = || Conv2dBackward { geometry };
    Ok(match bias {
        Some(b) => DynTensor::from_op(out, shape, &[input, weight, b], backward),
        None => DynTensor::from_op(out, shape, &[input, weight], backward),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    #[test]
    fn gradcheck_conv2d_over_options() {
        let cases = [
            (Conv2dOptions::default(), 1),
            (Conv2dOptions::default().padding(1).stride(2), 1),
            (Conv2dOptions::default().dilation(2).padding(2), 1),
            (Conv2dOptions::default().groups(2), 2),
        ];
        for (options, groups) in cases {
            let x = rand64(&[2, 4, 5, 6], 1).requires_grad_(true);
            let w = rand64(&[6, 4 / groups, 3, 3], 2).requires_grad_(true);
            let b = rand64(&[6], 3).requires_grad_(true);
            gradcheck(
                |t| conv2d(&t[0], &t[1], Some(&t[2]), options),
                &[x, w, b],
                GradcheckOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{options:?}: {e}"));
        }
    }

    #[test]
    fn wrong_channels_and_rank_are_errors() {
        let w = rand64(&[6, 3, 3, 3], 2);
        assert_eq!(
            conv2d(
                &rand64(&[1, 2, 5, 5], 1),
                &w,
                None,
                Conv2dOptions::default()
            )
            .unwrap_err()
            .to_string(),
            "Conv2d: shape mismatch: expected 3 input channels (weight [6, 3, 3, 3], groups=1), found 2 input channels"
        );
        assert_eq!(
            conv2d(&rand64(&[5, 5], 1), &w, None, Conv2dOptions::default())
                .unwrap_err()
                .to_string(),
            "Conv2d: shape mismatch: expected a 4-D input (batch, channels, height, width), found a 2-D tensor [5, 5]"
        );
        // An unbatched (C, H, W) input works as in PyTorch.
        assert_eq!(
            conv2d(&rand64(&[3, 5, 5], 1), &w, None, Conv2dOptions::default())
                .unwrap()
                .shape(),
            &[6, 3, 3]
        );
        assert!(
            conv2d(
                &rand64(&[1, 3, 2, 2], 1),
                &w,
                None,
                Conv2dOptions::default()
            )
            .is_err()
        );
    }
}
