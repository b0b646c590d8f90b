//! 2-D transposed convolution ("deconvolution"), like
//! `F.conv_transpose2d`: the gradient of a convolution with respect to its
//! input, so it reuses the convolution kernels with the roles swapped.

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::kernels::conv::{
    Conv2dGeometry, conv2d_backward_input, conv2d_backward_weight, conv2d_forward,
};
use crate::{DynTensor, Element, Error, Result};

/// The options of [`conv_transpose2d`], PyTorch's keyword arguments as
/// (height, width) with their defaults (`stride = 1`, `padding = 0`,
/// `output_padding = 0`, `dilation = 1`, `groups = 1`).
///
/// ```
/// use nncore::ops::ConvTranspose2dOptions;
/// let o = ConvTranspose2dOptions::default().stride(2).output_padding(1);
/// assert_eq!((o.stride, o.output_padding), ((2, 2), (1, 1)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvTranspose2dOptions {
    /// Step of the (forward) convolution's window.
    pub stride: (usize, usize),
    /// Zeros the forward convolution adds, removed from the output.
    pub padding: (usize, usize),
    /// Extra rows/columns added after the end of the output.
    pub output_padding: (usize, usize),
    /// Spacing between kernel taps.
    pub dilation: (usize, usize),
    /// Number of blocked connections.
    pub groups: usize,
}

impl Default for ConvTranspose2dOptions {
    fn default() -> Self {
        ConvTranspose2dOptions {
            stride: (1, 1),
            padding: (0, 0),
            output_padding: (0, 0),
            dilation: (1, 1),
            groups: 1,
        }
    }
}

impl ConvTranspose2dOptions {
    square_setters! {
        stride: "The same stride on both axes.",
        padding: "The same zero padding on both axes.",
        output_padding: "The same output padding on both axes.",
        dilation: "The same dilation on both axes.",
    }

    /// The number of groups.
    pub fn groups(mut self, g: usize) -> Self {
        self.groups = g;
        self
    }
}

/// The output size of a transposed convolution along one axis:
/// `(size - 1)·stride - 2·padding + dilation·(kernel - 1) + output_padding + 1`,
/// or `None` when it is not positive or does not fit in `usize`.
///
/// ```
/// use nncore::ops::conv_transpose_out;
/// assert_eq!(conv_transpose_out(4, 3, 2, 1, 1, 1), Some(8));
/// ```
pub fn conv_transpose_out(
    size: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    output_padding: usize,
    dilation: usize,
) -> Option<usize> {
    let out = output_size_wide(size, kernel, stride, padding, output_padding, dilation)?;
    usize::try_from(out).ok().filter(|&o| o > 0)
}

/// [`conv_transpose_out`] in `i128`, where no `usize` arguments overflow;
/// `None` for an empty input or kernel.
fn output_size_wide(
    size: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    output_padding: usize,
    dilation: usize,
) -> Option<i128> {
    let [size, kernel, stride, padding, output_padding, dilation] =
        [size, kernel, stride, padding, output_padding, dilation].map(|v| v as i128);
    if size == 0 || kernel == 0 {
        return None;
    }
    Some((size - 1) * stride + dilation * (kernel - 1) + output_padding + 1 - 2 * padding)
}

struct ConvTranspose2dBackward {
    /// The geometry of the convolution this op transposes: its input is
    /// our output and its output our input.
    geometry: Conv2dGeometry,
}

impl<E: Element> Backward<E> for ConvTranspose2dBackward {
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
        let gx = ctx.needs[0].then(|| {
            let mut out = vec![E::zero(); x.numel()];
            conv2d_forward(g, ctx.grad_output, &w.data(), None, &mut out);
            out
        });
        let gw = ctx.needs[1].then(|| {
            let mut out = vec![E::zero(); w.numel()];
            conv2d_backward_weight(g, ctx.grad_output, &x.data(), &mut out);
            out
        });
        let mut grads = vec![gx, gw];
        if ctx.inputs.len() == 3 {
            grads.push(ctx.needs[2].then(|| {
                let c = g.in_channels;
                let plane = g.in_h * g.in_w;
                let mut out = vec![E::zero(); c];
                for (i, chunk) in ctx.grad_output.chunks(plane).enumerate() {
                    out[i % c] += chunk.iter().copied().sum::<E>();
                }
                out
            }));
        }
        Ok(grads)
    }
}

/// Transposed convolution of `input` `[N, C_in, H, W]` (or unbatched
/// `[C_in, H, W]`) with `weight` `[C_in, C_out / groups, kH, kW]` (PyTorch's
/// layout) plus `bias` `[C_out]`, like `F.conv_transpose2d`; the output is
/// `[N, C_out, H_out, W_out]` with
/// `H_out = (H-1)·stride - 2·padding + dilation·(kH-1) + output_padding + 1`.
/// `output_padding` must be smaller than the stride or the dilation.
///
/// ```
/// use nncore::{ops::{conv_transpose2d, ConvTranspose2dOptions}, DynTensor};
/// let x = DynTensor::<f32>::ones(&[1, 1, 2, 2]).unwrap();
/// let w = DynTensor::<f32>::ones(&[1, 1, 2, 2]).unwrap();
/// let y = conv_transpose2d(&x, &w, None, ConvTranspose2dOptions::default().stride(2)).unwrap();
/// assert_eq!(y.shape(), &[1, 1, 4, 4]);
/// assert_eq!(y.to_vec(), vec![1.0; 16]);
/// ```
#[nnmacro::__compiled_once]
pub fn conv_transpose2d<E: Element>(
    input: &DynTensor<E>,
    weight: &DynTensor<E>,
    bias: Option<&DynTensor<E>>,
    options: ConvTranspose2dOptions,
) -> Result<DynTensor<E>> {
    super::unbatched(input, 4, |x| batched(x, weight, bias, options))
}

#[nnmacro::__compiled_once]
fn batched<E: Element>(
    input: &DynTensor<E>,
    weight: &DynTensor<E>,
    bias: Option<&DynTensor<E>>,
    o: ConvTranspose2dOptions,
) -> Result<DynTensor<E>> {
    const OP: &str = "ConvTranspose2d";
    let &[batch, cin, h, w] = input.shape() else {
        return Err(Error::shape(
            OP,
            "a 4-D input (batch, channels, height, width)",
            format!("a {}-D tensor {:?}", input.rank(), input.shape()),
        ));
    };
    let &[wcin, per_group, kh, kw] = weight.shape() else {
        return Err(Error::shape(
            OP,
            "a 4-D weight",
            format!("{:?}", weight.shape()),
        ));
    };
    if o.groups == 0 || wcin != cin || cin % o.groups != 0 {
        return Err(Error::shape(
            OP,
            format!(
                "{wcin} input channels divisible by groups={} (weight {:?})",
                o.groups,
                weight.shape()
            ),
            format!("{cin} input channels"),
        ));
    }
    let cout = per_group * o.groups;
    if let Some(b) = bias {
        b.expect_shape("ConvTranspose2d (bias)", &[cout])?;
    }
    for (axis, op, s, d) in [
        ("height", o.output_padding.0, o.stride.0, o.dilation.0),
        ("width", o.output_padding.1, o.stride.1, o.dilation.1),
    ] {
        if op >= s && op >= d {
            return Err(Error::option(
                OP,
                "output_padding",
                format!(
                    "output padding ({op}) along the {axis} must be smaller than either stride ({s}) or dilation ({d})"
                ),
            ));
        }
    }
    let out = |size, k, s, p, op, d, axis: &str| {
        let wide = output_size_wide(size, k, s, p, op, d).unwrap_or(0);
        if wide > usize::MAX as i128 {
            return Err(Error::TooLarge {
                op: OP,
                shape: format!("[{batch}, {cout}, ..]"),
                reason: format!("its {axis} would be {wide}, more than usize::MAX"),
            });
        }
        conv_transpose_out(size, k, s, p, op, d).ok_or_else(|| {
            Error::option(OP, "padding", format!("the output {axis} would be empty (input {size}, kernel {k}, stride {s}, padding {p})"))
        })
    };
    let oh = out(
        h,
        kh,
        o.stride.0,
        o.padding.0,
        o.output_padding.0,
        o.dilation.0,
        "height",
    )?;
    let ow = out(
        w,
        kw,
        o.stride.1,
        o.padding.1,
        o.output_padding.1,
        o.dilation.1,
        "width",
    )?;
    let geometry = Conv2dGeometry {
        batch,
        in_channels: cout,
        out_channels: cin,
        in_h: oh,
        in_w: ow,
        kernel_h: kh,
        kernel_w: kw,
        stride_h: o.stride.0,
        stride_w: o.stride.1,
        pad_h: o.padding.0,
        pad_w: o.padding.1,
        dilation_h: o.dilation.0,
        dilation_w: o.dilation.1,
        groups: o.groups,
    };
    geometry
        .validate()
        .map_err(|reason| Error::option(OP, "geometry", reason))?;
    debug_assert_eq!((geometry.out_h(), geometry.out_w()), (h, w));
    crate::tensor::admit::<E>(OP, &[batch, cout, oh, ow])?;
    let mut y = vec![E::zero(); batch * cout * oh * ow];
    conv2d_backward_input(&geometry, &input.data(), &weight.data(), &mut y);
    if let Some(b) = bias {
        let b = b.data();
        for (i, plane) in y.chunks_mut(oh * ow).enumerate() {
            let v = b[i % cout];
            plane.iter_mut().for_each(|p| *p += v);
        }
    }
    let shape = vec![batch, cout, oh, ow];
    let backward = || ConvTranspose2dBackward { geometry };
    Ok(match bias {
        Some(b) => DynTensor::from_op(y, shape, &[input, weight, b], backward),
        None => DynTensor::from_op(y, shape, &[input, weight], backward),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::ops::{Conv2dOptions, conv2d};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    #[test]
    fn gradcheck_conv_transpose2d() {
        for (o, g) in [
            (ConvTranspose2dOptions::default(), 1),
            (
                ConvTranspose2dOptions::default()
                    .stride(2)
                    .padding(1)
                    .output_padding(1),
                1,
            ),
            (ConvTranspose2dOptions::default().dilation(2).groups(2), 2),
        ] {
            let x = rand64(&[2, 4, 3, 4], 1).requires_grad_(true);
            let w = rand64(&[4, 6 / g, 3, 2], 2).requires_grad_(true);
            let b = rand64(&[6], 3).requires_grad_(true);
            gradcheck(
                |t| conv_transpose2d(&t[0], &t[1], Some(&t[2]), o),
                &[x, w, b],
                GradcheckOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{o:?}: {e}"));
        }
    }

    /// <conv(x), y> = <x, conv_transpose(y)>: the two ops are adjoint.
    #[test]
    fn is_the_adjoint_of_conv2d() {
        let x = rand64(&[1, 2, 7, 6], 4);
        let w = rand64(&[3, 2, 3, 3], 5);
        let co = Conv2dOptions::default().stride(2).padding(1);
        let y = conv2d(&x, &w, None, co).unwrap();
        let v = rand64(y.shape(), 6);
        let t = conv_transpose2d(
            &v,
            &w,
            None,
            ConvTranspose2dOptions::default().stride(2).padding(1),
        )
        .unwrap();
        // The width 6 is reached with output_padding 1 along the width.
        assert_eq!(t.shape(), &[1, 2, 7, 5]);
        let t = conv_transpose2d(
            &v,
            &w,
            None,
            ConvTranspose2dOptions {
                output_padding: (0, 1),
                ..ConvTranspose2dOptions::default().stride(2).padding(1)
            },
        )
        .unwrap();
        assert_eq!(t.shape(), &[1, 2, 7, 6]);
        let lhs: f64 = y.to_vec().iter().zip(v.to_vec()).map(|(a, b)| a * b).sum();
        let rhs: f64 = x.to_vec().iter().zip(t.to_vec()).map(|(a, b)| a * b).sum();
        assert!((lhs - rhs).abs() < 1e-10, "{lhs} vs {rhs}");
    }

    #[test]
    fn bad_options_are_errors() {
        let x = rand64(&[1, 2, 3, 3], 1);
        let w = rand64(&[2, 1, 3, 3], 2);
        let err = conv_transpose2d(
            &x,
            &w,
            None,
            ConvTranspose2dOptions::default().output_padding(1),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ConvTranspose2d: invalid output_padding: output padding (1) along the height must be smaller than either stride (1) or dilation (1)"
        );
        let err = conv_transpose2d(
            &rand64(&[1, 3, 3, 3], 1),
            &w,
            None,
            ConvTranspose2dOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ConvTranspose2d: shape mismatch: expected 2 input channels divisible by groups=1 (weight [2, 1, 3, 3]), found 3 input channels"
        );
    }
}
