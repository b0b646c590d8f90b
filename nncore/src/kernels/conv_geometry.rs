//! The geometry of a 2-D convolution: PyTorch's `Conv2d` options plus the
//! batch and input size, the output size formula, and the validity checks
//! shared by the optimised kernels ([`conv`](super::conv)) and their twins.

/// Total multiply-adds (over the batch) above which the batch is split
/// across rayon threads. Below it, rayon's hand-off costs more than it saves.
pub const CONV_PARALLEL_THRESHOLD: usize = 1 << 16;

/// The sizes and options of a 2-D convolution, as PyTorch's `Conv2d` takes
/// them (plus the batch and the input size).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Conv2dGeometry {
    /// Number of images N.
    pub batch: usize,
    /// Input channels C (a multiple of `groups`).
    pub in_channels: usize,
    /// Output channels (a multiple of `groups`).
    pub out_channels: usize,
    /// Input height H.
    pub in_h: usize,
    /// Input width W.
    pub in_w: usize,
    /// Kernel height.
    pub kernel_h: usize,
    /// Kernel width.
    pub kernel_w: usize,
    /// Vertical stride (≥ 1).
    pub stride_h: usize,
    /// Horizontal stride (≥ 1).
    pub stride_w: usize,
    /// Zero padding added above and below.
    pub pad_h: usize,
    /// Zero padding added left and right.
    pub pad_w: usize,
    /// Vertical dilation (≥ 1; 1 is a dense kernel).
    pub dilation_h: usize,
    /// Horizontal dilation (≥ 1).
    pub dilation_w: usize,
    /// Number of groups (≥ 1); group `g` maps input channels
    /// `g*C/groups..` to output channels `g*out/groups..`.
    pub groups: usize,
}

/// PyTorch's `floor((size + 2*pad - dilation*(kernel-1) - 1) / stride) + 1`,
/// or `None` when the dilated kernel does not fit the padded input.
fn conv_out(
    size: usize,
    kernel: usize,
    stride: usize,
    pad: usize,
    dilation: usize,
) -> Option<usize> {
    let span = dilation
        .checked_mul(kernel.checked_sub(1)?)?
        .checked_add(1)?;
    let padded = size.checked_add(pad.checked_mul(2)?)?;
    Some(padded.checked_sub(span)? / stride.max(1) + 1)
}

impl Conv2dGeometry {
    /// Output height: `floor((H + 2*pad_h - dilation_h*(kernel_h-1) - 1) / stride_h) + 1`
    /// (0 if the kernel does not fit; [`validate`](Self::validate) rejects that).
    pub fn out_h(&self) -> usize {
        conv_out(
            self.in_h,
            self.kernel_h,
            self.stride_h,
            self.pad_h,
            self.dilation_h,
        )
        .unwrap_or(0)
    }

    /// Output width, as [`out_h`](Self::out_h).
    pub fn out_w(&self) -> usize {
        conv_out(
            self.in_w,
            self.kernel_w,
            self.stride_w,
            self.pad_w,
            self.dilation_w,
        )
        .unwrap_or(0)
    }

    /// Length of the input: `batch * in_channels * in_h * in_w`.
    pub fn input_len(&self) -> usize {
        self.batch * self.in_channels * self.in_h * self.in_w
    }

    /// Length of the weight: `out_channels * in_channels/groups * kernel_h * kernel_w`.
    pub fn weight_len(&self) -> usize {
        self.out_channels * self.group_k()
    }

    /// Length of the output: `batch * out_channels * out_h * out_w`.
    pub fn output_len(&self) -> usize {
        self.batch * self.out_channels * self.out_h() * self.out_w()
    }

    /// Inner dimension of each group's product: `in_channels/groups * kh * kw`.
    pub(crate) fn group_k(&self) -> usize {
        self.in_channels / self.groups.max(1) * self.kernel_h * self.kernel_w
    }

    /// Checks what PyTorch checks: every size, stride, dilation and `groups`
    /// non-zero, `groups` dividing both channel counts, and the dilated kernel
    /// fitting inside the padded input. The message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        // A batch of 0 is allowed, as in PyTorch: the output is empty.
        let nonzero = [
            ("in_channels", self.in_channels),
            ("out_channels", self.out_channels),
            ("in_h", self.in_h),
            ("in_w", self.in_w),
            ("kernel_h", self.kernel_h),
            ("kernel_w", self.kernel_w),
            ("stride_h", self.stride_h),
            ("stride_w", self.stride_w),
            ("dilation_h", self.dilation_h),
            ("dilation_w", self.dilation_w),
            ("groups", self.groups),
        ];
        if let Some((name, _)) = nonzero.iter().find(|(_, v)| *v == 0) {
            return Err(format!("conv2d: {name} must be positive"));
        }
        if !self.in_channels.is_multiple_of(self.groups)
            || !self.out_channels.is_multiple_of(self.groups)
        {
            return Err(format!(
                "conv2d: groups = {} must divide in_channels = {} and out_channels = {}",
                self.groups, self.in_channels, self.out_channels
            ));
        }
        let fits = |n, k, s, p, d, axis| match conv_out(n, k, s, p, d) {
            Some(_) => Ok(()),
            None => Err(format!(
                "conv2d: dilated kernel {axis} {} is larger than the padded input {axis} {}",
                d.saturating_mul(k - 1).saturating_add(1),
                n.saturating_add(p.saturating_mul(2))
            )),
        };
        fits(
            self.in_h,
            self.kernel_h,
            self.stride_h,
            self.pad_h,
            self.dilation_h,
            "height",
        )?;
        fits(
            self.in_w,
            self.kernel_w,
            self.stride_w,
            self.pad_w,
            self.dilation_w,
            "width",
        )
    }

    /// Whether the image is already its own column matrix (1x1 kernel,
    /// stride 1, no padding; dilation is then irrelevant).
    pub(crate) fn is_pointwise(&self) -> bool {
        self.kernel_h == 1
            && self.kernel_w == 1
            && self.stride_h == 1
            && self.stride_w == 1
            && self.pad_h == 0
            && self.pad_w == 0
    }

    /// For stride 1, the gradient of the input is itself a convolution: of
    /// `grad_out` (as input), padded by `dilation*(kernel-1) - pad`, with the
    /// weight flipped in both spatial axes and its channel axes swapped.
    /// This is that convolution's geometry (its output is `in_h x in_w`), or
    /// `None` when a stride is not 1 or a padding exceeds `dilation*(kernel-1)`.
    pub(crate) fn input_gradient_as_conv(&self) -> Option<Conv2dGeometry> {
        if self.stride_h != 1 || self.stride_w != 1 {
            return None;
        }
        let t = Conv2dGeometry {
            in_channels: self.out_channels,
            out_channels: self.in_channels,
            in_h: self.out_h(),
            in_w: self.out_w(),
            pad_h: (self.dilation_h * (self.kernel_h - 1)).checked_sub(self.pad_h)?,
            pad_w: (self.dilation_w * (self.kernel_w - 1)).checked_sub(self.pad_w)?,
            ..*self
        };
        debug_assert_eq!((t.out_h(), t.out_w()), (self.in_h, self.in_w));
        Some(t)
    }

    /// Multiply-adds of the whole convolution.
    pub(crate) fn work(&self) -> usize {
        self.batch * self.out_channels * self.group_k() * self.out_h() * self.out_w()
    }

    pub(crate) fn parallel_batch(&self) -> bool {
        self.batch > 1
            && self.work() >= CONV_PARALLEL_THRESHOLD
            && crate::threads::get_num_threads() > 1
    }

    /// Column buffer length (0 when no unfolding is needed).
    pub(crate) fn col_len(&self) -> usize {
        if self.is_pointwise() {
            0
        } else {
            self.in_channels * self.kernel_h * self.kernel_w * self.out_h() * self.out_w()
        }
    }
}

/// Asserts the geometry is valid and the slices have its lengths.
#[track_caller]
pub(crate) fn check(g: &Conv2dGeometry, lens: &[(&str, usize, usize)]) {
    if let Err(e) = g.validate() {
        panic!("{e}");
    }
    for &(name, got, want) in lens {
        assert_eq!(
            got, want,
            "conv2d: {name} has {got} elements, the geometry needs {want}"
        );
    }
}
