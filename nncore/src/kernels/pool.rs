//! Max pooling 2-D in NCHW, with PyTorch's exact output sizes, tie-breaking
//! and NaN handling. The geometry is shared with average pooling
//! ([`avg_pool`](super::avg_pool)).
//!
//! Layouts: input `[batch, channels, in_h, in_w]`, output and argmax
//! `[batch, channels, out_h, out_w]`, all row-major and contiguous. Every
//! (image, channel) plane is independent, so rayon splits the planes when
//! the work is above [`POOL_PARALLEL_THRESHOLD`].

use super::simd;
use crate::Element;
use rayon::prelude::*;

/// Window visits (outputs × kernel area) above which planes are split across
/// rayon threads.
pub const POOL_PARALLEL_THRESHOLD: usize = 1 << 15;

/// A max-pooling argmax: a flat index within one input plane. `u32`, not
/// `usize`: half the memory and bandwidth, and as wide as an `f32`, so the
/// vectorised loops compare values and select indices lane for lane.
/// Planes must have fewer than `u32::MAX` elements.
pub type PoolIndex = u32;

/// Argmax stored for a window that contains no input element (possible only
/// with dilation larger than the input); the backward pass skips it.
pub const NO_ARGMAX: PoolIndex = PoolIndex::MAX;

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
/// its left padding. Computed in `i128`, where no `usize` options
/// overflow, and clamped to `i64`; may be ≤ 0 for invalid geometries.
fn pool_out(
    size: usize,
    kernel: usize,
    stride: usize,
    pad: usize,
    dilation: usize,
    ceil: bool,
) -> i64 {
    let [size, kernel, pad, dilation] = [size, kernel, pad, dilation].map(|v| v as i128);
    let stride = (stride as i128).max(1);
    let num = size + 2 * pad - dilation * (kernel - 1) - 1 + if ceil { stride - 1 } else { 0 };
    let mut out = num.div_euclid(stride) + 1;
    if ceil && (out - 1) * stride >= size + pad {
        out -= 1;
    }
    out.clamp(i64::MIN.into(), i64::MAX.into()) as i64
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
        // A batch of 0 is allowed, as in PyTorch: the output is empty.
        let nonzero = [
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
            && crate::threads::get_num_threads() > 1
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

/// Whether `g` is the most common pool, 2x2 with stride 2, with every
/// window inside the input: then [`max_plane_2x2`] applies.
fn is_2x2(g: &Pool2dGeometry) -> bool {
    windows_inside(g) && (g.kernel_h, g.kernel_w, g.stride_h, g.stride_w) == (2, 2, 2, 2)
}

/// PyTorch's update of a running maximum: `(v > best) || isnan(v)`, so the
/// first maximum wins ties and a NaN always wins (the last NaN). Selects
/// (and a non-short-circuit `|`) rather than branches: on real data the
/// comparison is unpredictable, and selects vectorise.
#[inline(always)]
fn take_max<E: Element>(best: &mut E, best_i: &mut PoolIndex, v: E, i: PoolIndex) {
    let take = (v > *best) | v.is_nan();
    *best = if take { v } else { *best };
    *best_i = if take { i } else { *best_i };
}

/// [`max_plane`] for geometries where [`windows_inside`] holds: no
/// per-window range arithmetic, and the loops run tap by tap over a whole
/// output row (each output keeps its running maximum in `y` and `arg`), so
/// the innermost loop is over outputs and vectorises. Each window still
/// sees its taps in row-major order, starting from its first element
/// instead of `-inf`: the same value and index as PyTorch.
#[inline(always)]
fn max_plane_interior<E: Element>(g: &Pool2dGeometry, x: &[E], y: &mut [E], arg: &mut [PoolIndex]) {
    let (ow, w, sw) = (g.out_w(), g.in_w, g.stride_w);
    for (oy, (y_row, arg_row)) in y
        .chunks_exact_mut(ow)
        .zip(arg.chunks_exact_mut(ow))
        .enumerate()
    {
        let top = oy * g.stride_h * w;
        for ky in 0..g.kernel_h {
            for kx in 0..g.kernel_w {
                let start = top + ky * w + kx;
                let taps = x[start..=start + (ow - 1) * sw].iter().step_by(sw);
                let outputs = y_row.iter_mut().zip(arg_row.iter_mut());
                let index = |ox: usize| (start + ox * sw) as PoolIndex;
                if (ky, kx) == (0, 0) {
                    for (ox, ((best, best_i), &v)) in outputs.zip(taps).enumerate() {
                        (*best, *best_i) = (v, index(ox));
                    }
                } else {
                    for (ox, ((best, best_i), &v)) in outputs.zip(taps).enumerate() {
                        take_max(best, best_i, v, index(ox));
                    }
                }
            }
        }
    }
}

/// [`max_plane_interior`] for 2x2 windows with stride 2: straight-line
/// selects over the pairs of two input rows, which vectorise.
#[inline(always)]
fn max_plane_2x2<E: Element>(g: &Pool2dGeometry, x: &[E], y: &mut [E], arg: &mut [PoolIndex]) {
    let (ow, w) = (g.out_w(), g.in_w);
    for (oy, (y_row, arg_row)) in y
        .chunks_exact_mut(ow)
        .zip(arg.chunks_exact_mut(ow))
        .enumerate()
    {
        let base = 2 * oy * w;
        let (r0, _) = x[base..base + 2 * ow].as_chunks::<2>();
        let (r1, _) = x[base + w..base + w + 2 * ow].as_chunks::<2>();
        let (base, w) = (base as PoolIndex, w as PoolIndex);
        for (ox, ((yv, av), (p0, p1))) in y_row
            .iter_mut()
            .zip(arg_row.iter_mut())
            .zip(r0.iter().zip(r1))
            .enumerate()
        {
            // Window order a b / c d.
            let a = base + 2 * ox as PoolIndex;
            let (mut best, mut best_i) = (p0[0], a);
            take_max(&mut best, &mut best_i, p0[1], a + 1);
            take_max(&mut best, &mut best_i, p1[0], a + w);
            take_max(&mut best, &mut best_i, p1[1], a + w + 1);
            *yv = best;
            *av = best_i;
        }
    }
}

/// Max pooling of one plane: `x` is `[in_h, in_w]`, `y` and `arg` are
/// `[out_h, out_w]`. `#[inline(always)]` so that [`simd::dispatch`]
/// compiles it for each instruction set.
#[inline(always)]
pub(super) fn max_plane<E: Element>(
    g: &Pool2dGeometry,
    x: &[E],
    y: &mut [E],
    arg: &mut [PoolIndex],
) {
    if is_2x2(g) {
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
            // then takes `(val > maxval) || isnan(val)`.
            let mut best = E::neg_infinity();
            let mut best_i = match (rows.clone().next(), cols.clone().next()) {
                (Some(iy), Some(ix)) => (iy * g.in_w + ix) as PoolIndex,
                _ => NO_ARGMAX,
            };
            for iy in rows.clone() {
                let row = &x[iy * g.in_w..][..g.in_w];
                for ix in cols.clone() {
                    take_max(
                        &mut best,
                        &mut best_i,
                        row[ix],
                        (iy * g.in_w + ix) as PoolIndex,
                    );
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
/// If `g` is invalid, a slice length does not match it, or an input plane
/// has `u32::MAX` elements or more (its indices would not fit a
/// [`PoolIndex`]).
pub fn max_pool2d_forward<E: Element>(
    g: &Pool2dGeometry,
    input: &[E],
    output: &mut [E],
    argmax: &mut [PoolIndex],
) {
    check(g, input.len(), output.len());
    assert_eq!(argmax.len(), output.len(), "max_pool2d: argmax length");
    let (plane_in, plane_out) = (g.in_h * g.in_w, g.out_h() * g.out_w());
    assert!(
        plane_in < NO_ARGMAX as usize,
        "max_pool2d: an input plane of {plane_in} elements is too large for u32 indices"
    );
    let plane = |((y, a), x): ((&mut [E], &mut [PoolIndex]), &[E])| {
        simd::dispatch(
            #[inline(always)]
            || max_plane(g, x, y, a),
        )
    };
    if g.parallel() {
        crate::threads::install(|| {
            output
                .par_chunks_mut(plane_out)
                .zip(argmax.par_chunks_mut(plane_out))
                .zip(input.par_chunks(plane_in))
                .for_each(plane)
        });
    } else {
        output
            .chunks_mut(plane_out)
            .zip(argmax.chunks_mut(plane_out))
            .zip(input.chunks(plane_in))
            .for_each(plane);
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
    argmax: &[PoolIndex],
    grad_input: &mut [E],
) {
    check(g, grad_input.len(), grad_out.len());
    assert_eq!(argmax.len(), grad_out.len(), "max_pool2d: argmax length");
    let (plane_in, plane_out) = (g.in_h * g.in_w, g.out_h() * g.out_w());
    // A scatter into zeros. (A dense select loop writing every input of a
    // 2x2 window once was slower: LeNet's rows of 14 and 5 outputs are
    // shorter than a vector, and the scalar selects cost more than the
    // scatter.)
    let plane = |(gx, (gy, a)): (&mut [E], (&[E], &[PoolIndex]))| {
        gx.fill(E::zero());
        for (&d, &i) in gy.iter().zip(a) {
            if i != NO_ARGMAX {
                gx[i as usize] += d;
            }
        }
    };
    if g.parallel() {
        crate::threads::install(|| {
            grad_input
                .par_chunks_mut(plane_in)
                .zip(
                    grad_out
                        .par_chunks(plane_out)
                        .zip(argmax.par_chunks(plane_out)),
                )
                .for_each(plane)
        });
    } else {
        grad_input
            .chunks_mut(plane_in)
            .zip(grad_out.chunks(plane_out).zip(argmax.chunks(plane_out)))
            .for_each(plane);
    }
}
