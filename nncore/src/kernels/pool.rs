//! Max pooling 2-D in NCHW, with PyTorch's exact output sizes, tie-breaking
//! and NaN handling. The geometry is shared with average pooling
//! ([`avg_pool`](super::avg_pool)).
//!
//! Layouts: input `[batch, channels, in_h, in_w]`, output and argmax
//! `[batch, channels, out_h, out_w]`, all row-major and contiguous. Every
//! (image, channel) plane is independent, so rayon splits the planes when
//! the work is above [`POOL_PARALLEL_THRESHOLD`].

use crate::Element;
use rayon::prelude::*;

/// Window visits (outputs × kernel area) above which planes are split across
/// rayon threads.
pub const POOL_PARALLEL_THRESHOLD: usize = 1 << 15;

/// Argmax stored for a window that contains no input element (possible only
/// with dilation larger than the input); the backward pass skips it.
pub const NO_ARGMAX: usize = usize::MAX;

/// The sizes and options of a 2-D pooling, as PyTorch's `MaxPool2d` /
/// `AvgPool2d` take them (plus the batch and input size).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pool2dGeometry {
    /// Number of images N.
    pub batch: usize,
    /// Channels C.
    pub channels: usize,
    /// Input height.
    pub in_h: usize,
    /// Input width.
    pub in_w: usize,
    /// Window height.
    pub kernel_h: usize,
    /// Window width.
    pub kernel_w: usize,
    /// Vertical stride (PyTorch's default is the kernel size).
    pub stride_h: usize,
    /// Horizontal stride.
    pub stride_w: usize,
    /// Implicit padding above and below (at most `kernel_h / 2`); padding
    /// never wins a max and, for averages, counts as zeros only with
    /// `count_include_pad`.
    pub pad_h: usize,
    /// Implicit padding left and right (at most `kernel_w / 2`).
    pub pad_w: usize,
    /// Vertical dilation (max pooling only; must be 1 for average pooling).
    pub dilation_h: usize,
    /// Horizontal dilation (max pooling only).
    pub dilation_w: usize,
    /// Round the output size up instead of down, as PyTorch's `ceil_mode`.
    pub ceil_mode: bool,
}

/// PyTorch's `pooling_output_shape`: `floor` (or `ceil` with `ceil_mode`) of
/// `(size + 2*pad - dilation*(kernel-1) - 1) / stride` plus one, and in
/// `ceil_mode` one less if the last window would start past the input and
/// its left padding. Computed in `i64`; may be ≤ 0 for invalid geometries.
fn pool_out(
    size: usize,
    kernel: usize,
    stride: usize,
    pad: usize,
    dilation: usize,
    ceil: bool,
) -> i64 {
    let (size, kernel, pad, dilation) = (size as i64, kernel as i64, pad as i64, dilation as i64);
    let stride = (stride as i64).max(1);
    let num = size + 2 * pad - dilation * (kernel - 1) - 1 + if ceil { stride - 1 } else { 0 };
    let mut out = num.div_euclid(stride) + 1;
    if ceil && (out - 1) * stride >= size + pad {
        out -= 1;
    }
    out
}

impl Pool2dGeometry {
    /// Output height, as PyTorch computes it (0 if the geometry is invalid).
    pub fn out_h(&self) -> usize {
        let o = pool_out(
            self.in_h,
            self.kernel_h,
            self.stride_h,
            self.pad_h,
            self.dilation_h,
            self.ceil_mode,
        );
        o.max(0) as usize
    }

    /// Output width, as PyTorch computes it (0 if the geometry is invalid).
    pub fn out_w(&self) -> usize {
        let o = pool_out(
            self.in_w,
            self.kernel_w,
            self.stride_w,
            self.pad_w,
            self.dilation_w,
            self.ceil_mode,
        );
        o.max(0) as usize
    }

    /// Length of the input: `batch * channels * in_h * in_w`.
    pub fn input_len(&self) -> usize {
        self.batch * self.channels * self.in_h * self.in_w
    }

    /// Length of the output: `batch * channels * out_h * out_w`.
    pub fn output_len(&self) -> usize {
        self.batch * self.channels * self.out_h() * self.out_w()
    }

    /// Checks what PyTorch's `pool2d_shape_check` checks: positive sizes,
    /// kernel, stride and dilation; padding at most half the kernel; an
    /// output of at least 1x1.
    pub fn validate(&self) -> Result<(), String> {
        let nonzero = [
            ("batch", self.batch),
            ("channels", self.channels),
            ("in_h", self.in_h),
            ("in_w", self.in_w),
            ("kernel_h", self.kernel_h),
            ("kernel_w", self.kernel_w),
            ("stride_h", self.stride_h),
            ("stride_w", self.stride_w),
            ("dilation_h", self.dilation_h),
            ("dilation_w", self.dilation_w),
        ];
        if let Some((name, _)) = nonzero.iter().find(|(_, v)| *v == 0) {
            return Err(format!("pool2d: {name} must be positive"));
        }
        if self.pad_h > self.kernel_h / 2 || self.pad_w > self.kernel_w / 2 {
            return Err(format!(
                "pool2d: pad should be at most half of kernel size, but got pad = ({}, {}) and kernel_size = ({}, {})",
                self.pad_h, self.pad_w, self.kernel_h, self.kernel_w
            ));
        }
        let oh = pool_out(
            self.in_h,
            self.kernel_h,
            self.stride_h,
            self.pad_h,
            self.dilation_h,
            self.ceil_mode,
        );
        let ow = pool_out(
            self.in_w,
            self.kernel_w,
            self.stride_w,
            self.pad_w,
            self.dilation_w,
            self.ceil_mode,
        );
        if oh < 1 || ow < 1 {
            return Err(format!(
                "pool2d: given input size {}x{}, the calculated output size {oh}x{ow} is too small",
                self.in_h, self.in_w
            ));
        }
        Ok(())
    }

    pub(crate) fn parallel(&self) -> bool {
        self.output_len() * self.kernel_h * self.kernel_w >= POOL_PARALLEL_THRESHOLD
            && rayon::current_num_threads() > 1
    }
}

/// Asserts the geometry is valid and the slices have its lengths.
#[track_caller]
pub(crate) fn check(g: &Pool2dGeometry, input: usize, output: usize) {
    if let Err(e) = g.validate() {
        panic!("{e}");
    }
    assert_eq!(input, g.input_len(), "pool2d: input length");
    assert_eq!(output, g.output_len(), "pool2d: output length");
}

/// The input indices `start, start + step, ...` below `end` that a window
/// starting at `origin` (may be negative) covers along one axis: PyTorch's
/// `while (start < 0) start += dilation` then `end = min(origin + (k-1)*d + 1, size)`.
#[inline]
fn window(
    origin: isize,
    kernel: usize,
    dilation: usize,
    size: usize,
) -> std::iter::StepBy<std::ops::Range<usize>> {
    let d = dilation as isize;
    let end = (origin + (kernel as isize - 1) * d + 1).min(size as isize);
    let mut start = origin;
    if start < 0 {
        start += (-start + d - 1) / d * d;
    }
    let (start, end) = (start as usize, end.max(0) as usize);
    (start..end.max(start)).step_by(dilation)
}

/// Whether every window of `g` lies inside the input with no gap (no
/// padding, dilation 1): then [`max_plane_interior`] applies.
fn windows_inside(g: &Pool2dGeometry) -> bool {
    g.pad_h == 0
        && g.pad_w == 0
        && g.dilation_h == 1
        && g.dilation_w == 1
        && (g.out_h() - 1) * g.stride_h + g.kernel_h <= g.in_h
        && (g.out_w() - 1) * g.stride_w + g.kernel_w <= g.in_w
}

/// [`max_plane`] for geometries where [`windows_inside`] holds (the usual
/// `MaxPool2d(2)`): no per-window range arithmetic. Starting from the
/// window's first element instead of `-inf` picks the same value and index
/// (ties to the first maximum, the last NaN wins).
fn max_plane_interior<E: Element>(g: &Pool2dGeometry, x: &[E], y: &mut [E], arg: &mut [usize]) {
    let (ow, w) = (g.out_w(), g.in_w);
    for (oy, (y_row, arg_row)) in y
        .chunks_exact_mut(ow)
        .zip(arg.chunks_exact_mut(ow))
        .enumerate()
    {
        let iy0 = oy * g.stride_h;
        for (ox, (yv, av)) in y_row.iter_mut().zip(arg_row.iter_mut()).enumerate() {
            let first = iy0 * w + ox * g.stride_w;
            let (mut best, mut best_i) = (x[first], first);
            for ky in 0..g.kernel_h {
                let start = first + ky * w;
                for (i, &v) in (start..).zip(&x[start..start + g.kernel_w]) {
                    // Selects (and a non-short-circuit `|`) rather than branches: on real data the
                    // comparison is unpredictable.
                    let take = (v > best) | v.is_nan();
                    best = if take { v } else { best };
                    best_i = if take { i } else { best_i };
                }
            }
            *yv = best;
            *av = best_i;
        }
    }
}

/// [`max_plane_interior`] for the most common pool, 2x2 with stride 2:
/// straight-line selects over two input rows, which the compiler unrolls.
fn max_plane_2x2<E: Element>(g: &Pool2dGeometry, x: &[E], y: &mut [E], arg: &mut [usize]) {
    let (ow, w) = (g.out_w(), g.in_w);
    for (oy, (y_row, arg_row)) in y
        .chunks_exact_mut(ow)
        .zip(arg.chunks_exact_mut(ow))
        .enumerate()
    {
        let base = 2 * oy * w;
        let (r0, r1) = (&x[base..base + 2 * ow], &x[base + w..base + w + 2 * ow]);
        for (ox, ((yv, av), (p0, p1))) in y_row
            .iter_mut()
            .zip(arg_row.iter_mut())
            .zip(r0.chunks_exact(2).zip(r1.chunks_exact(2)))
            .enumerate()
        {
            // Window order a b / c d, PyTorch's `v > best || isnan(v)`.
            let (mut best, mut k) = (p0[0], 0);
            for (j, v) in [(1, p0[1]), (2, p1[0]), (3, p1[1])] {
                let take = (v > best) | v.is_nan();
                best = if take { v } else { best };
                k = if take { j } else { k };
            }
            *yv = best;
            *av = base + (k >> 1) * w + 2 * ox + (k & 1);
        }
    }
}

fn max_plane<E: Element>(g: &Pool2dGeometry, x: &[E], y: &mut [E], arg: &mut [usize]) {
    if windows_inside(g) && (g.kernel_h, g.kernel_w, g.stride_h, g.stride_w) == (2, 2, 2, 2) {
        return max_plane_2x2(g, x, y, arg);
    }
    if windows_inside(g) {
        return max_plane_interior(g, x, y, arg);
    }
    let ow = g.out_w();
    for (oy, (y_row, arg_row)) in y
        .chunks_exact_mut(ow)
        .zip(arg.chunks_exact_mut(ow))
        .enumerate()
    {
        let rows = window(
            oy as isize * g.stride_h as isize - g.pad_h as isize,
            g.kernel_h,
            g.dilation_h,
            g.in_h,
        );
        for (ox, (yv, av)) in y_row.iter_mut().zip(arg_row.iter_mut()).enumerate() {
            let cols = window(
                ox as isize * g.stride_w as isize - g.pad_w as isize,
                g.kernel_w,
                g.dilation_w,
                g.in_w,
            );
            // PyTorch starts from -inf at the window's first valid position,
            // then takes `(val > maxval) || isnan(val)`: the first maximum wins
            // ties and a NaN always wins (the last NaN).
            let mut best = E::neg_infinity();
            let mut best_i = match (rows.clone().next(), cols.clone().next()) {
                (Some(iy), Some(ix)) => iy * g.in_w + ix,
                _ => NO_ARGMAX,
            };
            for iy in rows.clone() {
                let row = &x[iy * g.in_w..][..g.in_w];
                for ix in cols.clone() {
                    let v = row[ix];
                    if v > best || v.is_nan() {
                        best = v;
                        best_i = iy * g.in_w + ix;
                    }
                }
            }
            *yv = best;
            *av = best_i;
        }
    }
}

/// Max pooling forward. **Overwrites** `output` with each window's maximum
/// and `argmax` with its position as a flat index `iy * in_w + ix` within the
/// input plane (PyTorch's `return_indices`). Ties go to the first maximum in
/// row-major window order; a NaN in the window is the result (PyTorch
/// propagates NaN). A window that holds no input element (only possible when
/// dilation skips over the whole input) gives `-inf` and [`NO_ARGMAX`].
///
/// # Panics
/// If `g` is invalid or a slice length does not match it.
pub fn max_pool2d_forward<E: Element>(
    g: &Pool2dGeometry,
    input: &[E],
    output: &mut [E],
    argmax: &mut [usize],
) {
    check(g, input.len(), output.len());
    assert_eq!(argmax.len(), output.len(), "max_pool2d: argmax length");
    let (plane_in, plane_out) = (g.in_h * g.in_w, g.out_h() * g.out_w());
    if g.parallel() {
        output
            .par_chunks_mut(plane_out)
            .zip(argmax.par_chunks_mut(plane_out))
            .zip(input.par_chunks(plane_in))
            .for_each(|((y, a), x)| max_plane(g, x, y, a));
    } else {
        for ((y, a), x) in output
            .chunks_mut(plane_out)
            .zip(argmax.chunks_mut(plane_out))
            .zip(input.chunks(plane_in))
        {
            max_plane(g, x, y, a);
        }
    }
}

/// Max pooling backward. **Overwrites** `grad_input` (`[N, C, in_h, in_w]`):
/// each output gradient is added to the input position its `argmax` names
/// (overlapping windows add up), every other position is 0.
///
/// # Panics
/// If `g` is invalid, a slice length does not match it, or an argmax is out
/// of its plane (other than [`NO_ARGMAX`]).
pub fn max_pool2d_backward<E: Element>(
    g: &Pool2dGeometry,
    grad_out: &[E],
    argmax: &[usize],
    grad_input: &mut [E],
) {
    check(g, grad_input.len(), grad_out.len());
    assert_eq!(argmax.len(), grad_out.len(), "max_pool2d: argmax length");
    let (plane_in, plane_out) = (g.in_h * g.in_w, g.out_h() * g.out_w());
    let plane = |(gx, (gy, a)): (&mut [E], (&[E], &[usize]))| {
        gx.fill(E::zero());
        for (&d, &i) in gy.iter().zip(a) {
            if i != NO_ARGMAX {
                gx[i] += d;
            }
        }
    };
    if g.parallel() {
        grad_input
            .par_chunks_mut(plane_in)
            .zip(
                grad_out
                    .par_chunks(plane_out)
                    .zip(argmax.par_chunks(plane_out)),
            )
            .for_each(plane);
    } else {
        grad_input
            .chunks_mut(plane_in)
            .zip(grad_out.chunks(plane_out).zip(argmax.chunks(plane_out)))
            .for_each(plane);
    }
}
