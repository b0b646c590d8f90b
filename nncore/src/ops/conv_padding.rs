//! Convolution padding given as PyTorch's strings: `padding="same"` and
//! `padding="valid"`, and the zero padding op they need when the two sides
//! differ (an even kernel with `same`).

use super::conv2d::{Conv2dOptions, conv2d};
use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Error, Result};

/// The padding of a convolution layer: explicit sizes, or PyTorch's
/// `"same"` (the output has the input's size; stride must be 1) or
/// `"valid"` (no padding).
///
/// ```
/// use nncore::ops::ConvPadding;
/// assert_eq!(ConvPadding::Same.to_string(), "same");
/// assert_eq!(ConvPadding::Explicit(2, 2).to_string(), "(2, 2)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvPadding {
    /// Zeros on each side, (height, width).
    Explicit(usize, usize),
    /// As much as keeps the spatial size (`padding="same"`).
    Same,
    /// None (`padding="valid"`).
    Valid,
}

impl std::fmt::Display for ConvPadding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConvPadding::Explicit(h, w) => write!(f, "({h}, {w})"),
            ConvPadding::Same => f.write_str("same"),
            ConvPadding::Valid => f.write_str("valid"),
        }
    }
}

/// PyTorch's split of `same` padding for one axis: `total = d·(k-1)`,
/// `left = total / 2` on both sides and the odd remainder after the end.
pub(crate) fn same_split(kernel: usize, dilation: usize) -> (usize, usize) {
    let total = dilation * kernel.saturating_sub(1);
    let left = total / 2;
    (left, total - 2 * left)
}

/// `F.conv2d` with a [`ConvPadding`]: `Explicit` and `Valid` are plain
/// [`conv2d`]; `Same` pads as PyTorch does (the extra zero of an even
/// dilated kernel goes after the end) and needs stride 1. `options.padding`
/// is ignored.
///
/// ```
/// use nncore::{ops::{conv2d_padded, Conv2dOptions, ConvPadding}, DynTensor};
/// let x = DynTensor::<f32>::ones(&[1, 1, 5, 6]).unwrap();
/// let w = DynTensor::<f32>::ones(&[1, 1, 2, 3]).unwrap();
/// let y = conv2d_padded(&x, &w, None, Conv2dOptions::default(), ConvPadding::Same).unwrap();
/// assert_eq!(y.shape(), &[1, 1, 5, 6]);
/// ```
#[nnmacro::__compiled_once]
pub fn conv2d_padded<E: Element>(
    input: &DynTensor<E>,
    weight: &DynTensor<E>,
    bias: Option<&DynTensor<E>>,
    options: Conv2dOptions,
    padding: ConvPadding,
) -> Result<DynTensor<E>> {
    match padding {
        ConvPadding::Explicit(h, w) => conv2d(
            input,
            weight,
            bias,
            Conv2dOptions {
                padding: (h, w),
                ..options
            },
        ),
        ConvPadding::Valid => conv2d(
            input,
            weight,
            bias,
            Conv2dOptions {
                padding: (0, 0),
                ..options
            },
        ),
        ConvPadding::Same => {
            if options.stride != (1, 1) {
                return Err(Error::option(
                    "Conv2d",
                    "padding",
                    "padding='same' is not supported for strided convolutions",
                ));
            }
            let &[.., kh, kw] = weight.shape() else {
                return Err(Error::shape(
                    "Conv2d",
                    "a 4-D weight",
                    format!("{:?}", weight.shape()),
                ));
            };
            let (ph, extra_h) = same_split(kh, options.dilation.0);
            let (pw, extra_w) = same_split(kw, options.dilation.1);
            let padded = if extra_h + extra_w > 0 {
                pad_end(input, extra_h, extra_w)?
            } else {
                input.clone()
            };
            conv2d(
                &padded,
                weight,
                bias,
                Conv2dOptions {
                    padding: (ph, pw),
                    ..options
                },
            )
        }
    }
}

struct PadEndBackward {
    in_shape: Vec<usize>,
}

impl<E: Element> Backward<E> for PadEndBackward {
    fn name(&self) -> &'static str {
        "ConstantPadNdBackward"
    }
    /// Sizes only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let r = self.in_shape.len();
        let (h, w) = (self.in_shape[r - 2], self.in_shape[r - 1]);
        let (oh, ow) = (ctx.output_shape[r - 2], ctx.output_shape[r - 1]);
        let planes = ctx.grad_output.len() / (oh * ow);
        let mut g = Vec::with_capacity(planes * h * w);
        for p in 0..planes {
            for y in 0..h {
                let row = &ctx.grad_output[(p * oh + y) * ow..][..w];
                g.extend_from_slice(row);
            }
        }
        Ok(vec![Some(g)])
    }
}

/// Appends `extra_h` rows and `extra_w` columns of zeros after the last two
/// dimensions (`F.pad(x, [0, extra_w, 0, extra_h])`).
#[nnmacro::__compiled_once]
pub(crate) fn pad_end<E: Element>(
    x: &DynTensor<E>,
    extra_h: usize,
    extra_w: usize,
) -> Result<DynTensor<E>> {
    let r = x.rank();
    if r < 2 {
        return Err(Error::shape(
            "pad",
            "at least 2 dimensions",
            format!("{:?}", x.shape()),
        ));
    }
    let (h, w) = (x.shape()[r - 2], x.shape()[r - 1]);
    let (oh, ow) = (h.saturating_add(extra_h), w.saturating_add(extra_w));
    let mut shape = x.shape().to_vec();
    shape[r - 2] = oh;
    shape[r - 1] = ow;
    crate::tensor::admit::<E>("pad", &shape)?;
    let planes = x.shape()[..r - 2].iter().product::<usize>();
    let mut out = vec![E::zero(); planes * oh * ow];
    {
        let data = x.data();
        for p in 0..planes {
            for y in 0..h {
                out[(p * oh + y) * ow..][..w].copy_from_slice(&data[(p * h + y) * w..][..w]);
            }
        }
    }
    let in_shape = x.shape().to_vec();
    Ok(DynTensor::from_op(out, shape, &[x], || PadEndBackward {
        in_shape,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    #[test]
    fn gradcheck_same_padding_with_even_kernel() {
        let x = rand64(&[2, 2, 5, 4], 1).requires_grad_(true);
        let w = rand64(&[3, 2, 2, 3], 2).requires_grad_(true);
        gradcheck(
            |t| {
                conv2d_padded(
                    &t[0],
                    &t[1],
                    None,
                    Conv2dOptions::default().dilation(2),
                    ConvPadding::Same,
                )
            },
            &[x, w],
            GradcheckOptions::default(),
        )
        .unwrap();
    }

    #[test]
    fn same_keeps_size_and_refuses_stride() {
        let x = rand64(&[1, 2, 7, 8], 1);
        let w = rand64(&[2, 2, 2, 3], 2);
        let y = conv2d_padded(&x, &w, None, Conv2dOptions::default(), ConvPadding::Same).unwrap();
        assert_eq!(y.shape(), &[1, 2, 7, 8]);
        let err = conv2d_padded(
            &x,
            &w,
            None,
            Conv2dOptions::default().stride(2),
            ConvPadding::Same,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Conv2d: invalid padding: padding='same' is not supported for strided convolutions"
        );
        assert_eq!(same_split(4, 1), (1, 1));
        assert_eq!(same_split(3, 2), (2, 0));
    }
}
