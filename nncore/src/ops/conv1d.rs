//! 1-D convolution over `(N, C, L)` tensors, like `F.conv1d`: the 2-D
//! convolution on a height of 1, so it shares its kernels and backward.

use super::conv_padding::{ConvPadding, conv2d_padded};
use super::conv2d::Conv2dOptions;
use crate::{DynTensor, Element, Error, Result};

/// The options of [`conv1d`], PyTorch's keyword arguments with their
/// defaults (`stride = 1`, `padding = 0`, `dilation = 1`, `groups = 1`).
/// `padding` is a [`ConvPadding`]; for 1-D only its width is used
/// (`Explicit(0, p)`, which [`Conv1dOptions::padding`] builds).
///
/// ```
/// use nncore::ops::{Conv1dOptions, ConvPadding};
/// let o = Conv1dOptions::default().padding(2).stride(2);
/// assert_eq!(o.padding, ConvPadding::Explicit(0, 2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv1dOptions {
    /// Step of the window.
    pub stride: usize,
    /// Zeros on each side, or `same` / `valid`.
    pub padding: ConvPadding,
    /// Spacing between kernel taps.
    pub dilation: usize,
    /// Number of blocked connections from input to output channels.
    pub groups: usize,
}

impl Default for Conv1dOptions {
    fn default() -> Self {
        Conv1dOptions {
            stride: 1,
            padding: ConvPadding::Explicit(0, 0),
            dilation: 1,
            groups: 1,
        }
    }
}

impl Conv1dOptions {
    /// The stride.
    pub fn stride(mut self, s: usize) -> Self {
        self.stride = s;
        self
    }
    /// Zeros on each side.
    pub fn padding(mut self, p: usize) -> Self {
        self.padding = ConvPadding::Explicit(0, p);
        self
    }
    /// `same` or `valid` (or explicit) padding.
    pub fn padding_mode(mut self, p: ConvPadding) -> Self {
        self.padding = match p {
            ConvPadding::Explicit(_, w) => ConvPadding::Explicit(0, w),
            other => other,
        };
        self
    }
    /// The dilation.
    pub fn dilation(mut self, d: usize) -> Self {
        self.dilation = d;
        self
    }
    /// The number of groups.
    pub fn groups(mut self, g: usize) -> Self {
        self.groups = g;
        self
    }
}

/// Convolves `input` `[N, C_in, L]` (or unbatched `[C_in, L]`) with
/// `weight` `[C_out, C_in / groups, K]` plus `bias` `[C_out]`, like
/// `F.conv1d`; the result is `[N, C_out, L_out]`.
///
/// ```
/// use nncore::{ops::{conv1d, Conv1dOptions}, DynTensor};
/// let x = DynTensor::<f32>::ones(&[2, 3, 10]).unwrap();
/// let w = DynTensor::<f32>::ones(&[4, 3, 3]).unwrap();
/// let y = conv1d(&x, &w, None, Conv1dOptions::default()).unwrap();
/// assert_eq!(y.shape(), &[2, 4, 8]);
/// assert_eq!(y.to_vec()[0], 9.0);
/// ```
#[nnmacro::__compiled_once]
pub fn conv1d<E: Element>(
    input: &DynTensor<E>,
    weight: &DynTensor<E>,
    bias: Option<&DynTensor<E>>,
    options: Conv1dOptions,
) -> Result<DynTensor<E>> {
    super::unbatched(input, 3, |x| {
        let &[n, c, l] = x.shape() else {
            return Err(Error::shape(
                "Conv1d",
                "a 3-D input (batch, channels, length)",
                format!("a {}-D tensor {:?}", x.rank(), x.shape()),
            ));
        };
        let &[co, cg, k] = weight.shape() else {
            return Err(Error::shape(
                "Conv1d",
                "a 3-D weight",
                format!("{:?}", weight.shape()),
            ));
        };
        if options.groups == 0 || cg * options.groups != c {
            return Err(Error::shape(
                "Conv1d",
                format!(
                    "{} input channels (weight {:?}, groups={})",
                    cg * options.groups,
                    weight.shape(),
                    options.groups
                ),
                format!("{c} input channels"),
            ));
        }
        // The field is public: a height set by hand would pad the 2-D
        // convolution's height of 1 and leave no length to reshape to.
        if let ConvPadding::Explicit(height @ 1.., width) = options.padding {
            return Err(Error::option(
                "Conv1d",
                "padding",
                format!(
                    "a 1-D convolution pads its length only, got Explicit({height}, {width}); \
                     use Conv1dOptions::padding({width})"
                ),
            ));
        }
        let x4 = x.reshaped(vec![n, c, 1, l]);
        let w4 = weight.reshaped(vec![co, cg, 1, k]);
        let o2 = Conv2dOptions {
            stride: (1, options.stride),
            padding: (0, 0),
            dilation: (1, options.dilation),
            groups: options.groups,
        };
        let y = conv2d_padded(&x4, &w4, bias, o2, options.padding).map_err(rename)?;
        let lo = y.shape()[3];
        Ok(y.reshaped(vec![n, co, lo]))
    })
}

/// Errors of the 2-D convolution name `Conv1d`.
fn rename(e: Error) -> Error {
    match e {
        Error::Shape {
            expected, found, ..
        } => Error::Shape {
            op: "Conv1d",
            expected,
            found,
        },
        Error::InvalidOption { option, reason, .. } => Error::InvalidOption {
            op: "Conv1d",
            option,
            reason,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    #[test]
    fn gradcheck_conv1d() {
        for (o, g) in [
            (Conv1dOptions::default().stride(2).padding(1), 1),
            (Conv1dOptions::default().dilation(2).groups(2), 2),
            (Conv1dOptions::default().padding_mode(ConvPadding::Same), 1),
        ] {
            let x = rand64(&[2, 4, 9], 1).requires_grad_(true);
            let w = rand64(&[2, 4 / g, 4], 2).requires_grad_(true);
            let b = rand64(&[2], 3).requires_grad_(true);
            gradcheck(
                |t| conv1d(&t[0], &t[1], Some(&t[2]), o),
                &[x, w, b],
                GradcheckOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{o:?}: {e}"));
        }
    }

    #[test]
    fn a_padding_height_is_an_error_not_a_panic() {
        let options = Conv1dOptions {
            padding: ConvPadding::Explicit(1, 2),
            ..Conv1dOptions::default()
        };
        let err = conv1d(
            &rand64(&[1, 2, 9], 1),
            &rand64(&[2, 2, 3], 2),
            None,
            options,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Conv1d: invalid padding: a 1-D convolution pads its length only, got \
             Explicit(1, 2); use Conv1dOptions::padding(2)"
        );
    }

    #[test]
    fn wrong_channels_name_conv1d() {
        let err = conv1d(
            &rand64(&[1, 2, 9], 1),
            &rand64(&[2, 3, 3], 2),
            None,
            Conv1dOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Conv1d: shape mismatch: expected 3 input channels (weight [2, 3, 3], groups=1), found 2 input channels"
        );
        assert_eq!(
            conv1d(
                &rand64(&[3, 9], 1),
                &rand64(&[2, 3, 3], 2),
                None,
                Conv1dOptions::default()
            )
            .unwrap()
            .shape(),
            &[2, 7]
        );
    }
}
