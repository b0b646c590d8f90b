//! Average pooling 2-D (PyTorch's `AvgPool2d`, with `ceil_mode`,
//! `count_include_pad` and `divisor_override`) and adaptive average pooling
//! (PyTorch's `AdaptiveAvgPool2d`), NCHW.
//!
//! Layouts: input `[batch, channels, in_h, in_w]`, output
//! `[batch, channels, out_h, out_w]`, row-major and contiguous. Planes are
//! independent and split across rayon threads above
//! [`POOL_PARALLEL_THRESHOLD`].

use super::pool::{POOL_PARALLEL_THRESHOLD, Pool2dGeometry, check};
use crate::Element;
use rayon::prelude::*;

/// Runs `f(x_plane, y_plane)` on every pair of planes, in parallel if asked.
fn planes<A: Sync, B: Send>(
    parallel: bool,
    a: &[A],
    a_plane: usize,
    b: &mut [B],
    b_plane: usize,
    f: impl Fn(&[A], &mut [B]) + Sync,
) {
    if parallel {
        crate::threads::install(|| {
            b.par_chunks_mut(b_plane)
                .zip(a.par_chunks(a_plane))
                .for_each(|(b, a)| f(a, b))
        });
    } else {
        b.chunks_mut(b_plane)
            .zip(a.chunks(a_plane))
            .for_each(|(b, a)| f(a, b));
    }
}

/// One average-pooling window, as PyTorch's CPU kernel computes it: the
/// clipped input ranges `[y0, y1) x [x0, x1)` and the divisor, or `None`
/// when the window holds no input element (the output is then 0).
#[inline]
pub(crate) fn avg_window(
    g: &Pool2dGeometry,
    count_include_pad: bool,
    divisor_override: Option<usize>,
    oy: usize,
    ox: usize,
) -> Option<(usize, usize, usize, usize, usize)> {
    let (h, w) = (g.in_h as isize, g.in_w as isize);
    let y0 = (oy * g.stride_h) as isize - g.pad_h as isize;
    let x0 = (ox * g.stride_w) as isize - g.pad_w as isize;
    // The window may stick out into the padding but not beyond it.
    let y1 = (y0 + g.kernel_h as isize).min(h + g.pad_h as isize);
    let x1 = (x0 + g.kernel_w as isize).min(w + g.pad_w as isize);
    let pool_size = ((y1 - y0) * (x1 - x0)) as usize;
    let (y0, x0, y1, x1) = (y0.max(0), x0.max(0), y1.min(h), x1.min(w));
    if y0 >= y1 || x0 >= x1 {
        return None;
    }
    let (y0, x0, y1, x1) = (y0 as usize, x0 as usize, y1 as usize, x1 as usize);
    let divisor = match divisor_override {
        Some(d) => d,
        None if count_include_pad => pool_size,
        None => (y1 - y0) * (x1 - x0),
    };
    Some((y0, y1, x0, x1, divisor))
}

#[track_caller]
fn check_avg(g: &Pool2dGeometry, divisor_override: Option<usize>) {
    assert!(
        g.dilation_h == 1 && g.dilation_w == 1,
        "avg_pool2d: dilation must be 1 (PyTorch's AvgPool2d has none)"
    );
    assert!(
        divisor_override != Some(0),
        "avg_pool2d: divisor_override must be positive"
    );
}

/// Average pooling forward. **Overwrites** `output` with each window's sum
/// divided by `divisor_override` if given, else by the window area clipped
/// to the padded input when `count_include_pad`, else by the number of
/// input elements in it. A window entirely in the padding gives 0.
///
/// # Panics
/// If `g` is invalid, has a dilation other than 1, `divisor_override` is
/// `Some(0)`, or a slice length does not match.
pub fn avg_pool2d_forward<E: Element>(
    g: &Pool2dGeometry,
    count_include_pad: bool,
    divisor_override: Option<usize>,
    input: &[E],
    output: &mut [E],
) {
    check(g, input.len(), output.len());
    check_avg(g, divisor_override);
    let (ow, w) = (g.out_w(), g.in_w);
    planes(
        g.parallel(),
        input,
        g.in_h * w,
        output,
        g.out_h() * ow,
        |x, y| {
            for (i, out) in y.iter_mut().enumerate() {
                *out = match avg_window(g, count_include_pad, divisor_override, i / ow, i % ow) {
                    None => E::zero(),
                    Some((y0, y1, x0, x1, div)) => {
                        let mut s = E::zero();
                        for iy in y0..y1 {
                            s += x[iy * w + x0..iy * w + x1].iter().copied().sum::<E>();
                        }
                        s / E::of(div as f64)
                    }
                };
            }
        },
    );
}

/// Average pooling backward. **Overwrites** `grad_input`: each output
/// gradient divided by its window's divisor is added to every input element
/// of the window (as [`avg_pool2d_forward`] defines them).
///
/// # Panics
/// As [`avg_pool2d_forward`].
pub fn avg_pool2d_backward<E: Element>(
    g: &Pool2dGeometry,
    count_include_pad: bool,
    divisor_override: Option<usize>,
    grad_out: &[E],
    grad_input: &mut [E],
) {
    check(g, grad_input.len(), grad_out.len());
    check_avg(g, divisor_override);
    let (ow, w) = (g.out_w(), g.in_w);
    planes(
        g.parallel(),
        grad_out,
        g.out_h() * ow,
        grad_input,
        g.in_h * w,
        |gy, gx| {
            gx.fill(E::zero());
            for (i, &d) in gy.iter().enumerate() {
                if let Some((y0, y1, x0, x1, div)) =
                    avg_window(g, count_include_pad, divisor_override, i / ow, i % ow)
                {
                    let d = d / E::of(div as f64);
                    for iy in y0..y1 {
                        gx[iy * w + x0..iy * w + x1]
                            .iter_mut()
                            .for_each(|v| *v += d);
                    }
                }
            }
        },
    );
}

/// The sizes of an adaptive average pooling: the output size is given and
/// the windows follow from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AdaptivePool2dGeometry {
    /// Number of images N.
    pub batch: usize,
    /// Channels C.
    pub channels: usize,
    /// Input height.
    pub in_h: usize,
    /// Input width.
    pub in_w: usize,
    /// Output height (may exceed `in_h`: windows then repeat elements).
    pub out_h: usize,
    /// Output width.
    pub out_w: usize,
}

impl AdaptivePool2dGeometry {
    /// Checks that every size is positive.
    pub fn validate(&self) -> Result<(), String> {
        // A batch of 0 is allowed, as in PyTorch: the output is empty.
        let all = [self.channels, self.in_h, self.in_w, self.out_h, self.out_w];
        if all.contains(&0) {
            return Err(format!(
                "adaptive_avg_pool2d: sizes must be positive, got {self:?}"
            ));
        }
        Ok(())
    }

    #[track_caller]
    fn check(&self, input: usize, output: usize) {
        if let Err(e) = self.validate() {
            panic!("{e}");
        }
        let planes = self.batch * self.channels;
        assert_eq!(
            input,
            planes * self.in_h * self.in_w,
            "adaptive_avg_pool2d: input length"
        );
        assert_eq!(
            output,
            planes * self.out_h * self.out_w,
            "adaptive_avg_pool2d: output length"
        );
    }

    fn parallel(&self) -> bool {
        self.batch * self.channels * self.in_h * self.in_w.max(self.out_w)
            >= POOL_PARALLEL_THRESHOLD
            && crate::threads::get_num_threads() > 1
    }
}

/// PyTorch's adaptive window along one axis for output `i`:
/// `[floor(i * size / out), ceil((i + 1) * size / out))`.
#[inline]
pub(crate) fn adaptive_range(i: usize, out: usize, size: usize) -> (usize, usize) {
    (i * size / out, ((i + 1) * size).div_ceil(out))
}

/// Adaptive average pooling forward. **Overwrites** `output` with the mean of
/// each window `[floor(i*H/out_h), ceil((i+1)*H/out_h))` (and likewise for
/// the width), as PyTorch's `AdaptiveAvgPool2d`.
///
/// # Panics
/// If `g` is invalid or a slice length does not match it.
pub fn adaptive_avg_pool2d_forward<E: Element>(
    g: &AdaptivePool2dGeometry,
    input: &[E],
    output: &mut [E],
) {
    g.check(input.len(), output.len());
    let w = g.in_w;
    planes(
        g.parallel(),
        input,
        g.in_h * w,
        output,
        g.out_h * g.out_w,
        |x, y| {
            for (oy, row) in y.chunks_exact_mut(g.out_w).enumerate() {
                let (y0, y1) = adaptive_range(oy, g.out_h, g.in_h);
                for (ox, out) in row.iter_mut().enumerate() {
                    let (x0, x1) = adaptive_range(ox, g.out_w, w);
                    let mut s = E::zero();
                    for iy in y0..y1 {
                        s += x[iy * w + x0..iy * w + x1].iter().copied().sum::<E>();
                    }
                    *out = s / E::of(((y1 - y0) * (x1 - x0)) as f64);
                }
            }
        },
    );
}

/// Adaptive average pooling backward. **Overwrites** `grad_input`: each
/// output gradient divided by its window size is added to every element of
/// its window.
///
/// # Panics
/// If `g` is invalid or a slice length does not match it.
pub fn adaptive_avg_pool2d_backward<E: Element>(
    g: &AdaptivePool2dGeometry,
    grad_out: &[E],
    grad_input: &mut [E],
) {
    g.check(grad_input.len(), grad_out.len());
    let w = g.in_w;
    planes(
        g.parallel(),
        grad_out,
        g.out_h * g.out_w,
        grad_input,
        g.in_h * w,
        |gy, gx| {
            gx.fill(E::zero());
            for (oy, row) in gy.chunks_exact(g.out_w).enumerate() {
                let (y0, y1) = adaptive_range(oy, g.out_h, g.in_h);
                for (ox, &d) in row.iter().enumerate() {
                    let (x0, x1) = adaptive_range(ox, g.out_w, w);
                    let d = d / E::of(((y1 - y0) * (x1 - x0)) as f64);
                    for iy in y0..y1 {
                        gx[iy * w + x0..iy * w + x1]
                            .iter_mut()
                            .for_each(|v| *v += d);
                    }
                }
            }
        },
    );
}
