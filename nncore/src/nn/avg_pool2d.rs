//! `nn.AvgPool2d`, with its options as runtime values.

use super::module::training_flag;
use super::{DynForward, Forward, Module, fmt_module};
use crate::ops::{AvgPool2dOptions, avg_pool2d};
use crate::shape::{Dim, Dyn};
use crate::{DynTensor, Result, Tensor};
use std::fmt;

/// Average pooling over windows, like `nn.AvgPool2d(kernel_size,
/// stride=None, padding=0, ceil_mode=False, count_include_pad=True,
/// divisor_override=None)`; see [`AvgPool2dOptions`].
///
/// The options are runtime values (so `ceil_mode` and friends are free to
/// change): the typed forward keeps batch and channels and gives `Dyn`
/// spatial sizes, computed and checked at the call.
///
/// ```
/// use nncore::nn::{AvgPool2d, Forward};
/// use nncore::ops::AvgPool2dOptions;
/// use nncore::shape::{Dyn, U3, U7};
/// use nncore::Tensor;
/// let pool = AvgPool2d::new(AvgPool2dOptions::new(3).stride(2).ceil_mode(true));
/// let x = Tensor::<(Dyn, U3, U7, U7)>::zeros((Dyn(2), U3::default(), U7::default(), U7::default()));
/// assert_eq!(pool.forward(x).dims().as_slice(), &[2, 3, 3, 3]);
/// assert_eq!(pool.to_string(), "AvgPool2d(kernel_size=3, stride=2, padding=0)");
/// ```
pub struct AvgPool2d {
    options: AvgPool2dOptions,
    training: bool,
}

impl AvgPool2d {
    /// The layer with these options.
    pub fn new(options: AvgPool2dOptions) -> Self {
        AvgPool2d {
            options,
            training: true,
        }
    }
    /// Its options.
    pub fn options(&self) -> AvgPool2dOptions {
        self.options
    }
}

/// PyTorch prints an int for a square size and a tuple otherwise.
fn int_or_pair((h, w): (usize, usize)) -> String {
    if h == w {
        h.to_string()
    } else {
        format!("({h}, {w})")
    }
}

impl Module for AvgPool2d {
    training_flag!();
    fn type_name(&self) -> &str {
        "AvgPool2d"
    }
    fn extra_repr(&self) -> String {
        // PyTorch's AvgPool2d.extra_repr shows only these three.
        let o = &self.options;
        format!(
            "kernel_size={}, stride={}, padding={}",
            int_or_pair(o.kernel_size),
            int_or_pair(o.stride),
            int_or_pair(o.padding)
        )
    }
}

impl DynForward for AvgPool2d {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        avg_pool2d(x, self.options)
    }
}

impl<N: Dim, C: Dim, H: Dim, W: Dim> Forward<Tensor<(N, C, H, W)>> for AvgPool2d {
    type Output = Tensor<(N, C, Dyn, Dyn)>;
    /// # Panics
    /// When the window does not fit the input (the runtime form returns
    /// the error).
    fn forward(&self, x: Tensor<(N, C, H, W)>) -> Self::Output {
        let (n, c, _, _) = x.shape();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        let (h, w) = (Dyn(y.shape()[2]), Dyn(y.shape()[3]));
        Tensor::from_raw_unchecked(y, (n, c, h, w))
    }
}

impl fmt::Display for AvgPool2d {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
