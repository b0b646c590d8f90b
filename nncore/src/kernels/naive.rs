//! Reference twins of the convolution and pooling kernels: direct loops over
//! the definitions, no unfolding, no threads. They are the specification the
//! optimised kernels are tested against, so they are written for clarity,
//! and they take the same arguments and follow the same overwrite /
//! accumulate rules as their twins.

use super::avg_pool::AdaptivePool2dGeometry;
use super::conv_geometry::{self as conv, Conv2dGeometry};
use super::pool::{self, NO_ARGMAX, Pool2dGeometry, PoolIndex};
use crate::Element;

/// The input position a kernel tap reads, or `None` in the padding.
#[inline]
fn tap(
    o: usize,
    stride: usize,
    k: usize,
    dilation: usize,
    pad: usize,
    size: usize,
) -> Option<usize> {
    let i = (o * stride + k * dilation) as isize - pad as isize;
    (i >= 0 && (i as usize) < size).then_some(i as usize)
}

/// Calls `f(n, o, oy, ox, c, ki, kj, input_index, weight_index, output_index)`
/// for every term of the convolution sum that reads a real input element.
fn for_each_term(g: &Conv2dGeometry, mut f: impl FnMut(usize, usize, usize)) {
    let (oh, ow) = (g.out_h(), g.out_w());
    let (icg, ocg) = (g.in_channels / g.groups, g.out_channels / g.groups);
    for n in 0..g.batch {
        for o in 0..g.out_channels {
            let grp = o / ocg;
            for oy in 0..oh {
                for ox in 0..ow {
                    let yi = ((n * g.out_channels + o) * oh + oy) * ow + ox;
                    for c in 0..icg {
                        for ki in 0..g.kernel_h {
                            let Some(iy) = tap(oy, g.stride_h, ki, g.dilation_h, g.pad_h, g.in_h)
                            else {
                                continue;
                            };
                            for kj in 0..g.kernel_w {
                                let Some(ix) =
                                    tap(ox, g.stride_w, kj, g.dilation_w, g.pad_w, g.in_w)
                                else {
                                    continue;
                                };
                                let xi = ((n * g.in_channels + grp * icg + c) * g.in_h + iy)
                                    * g.in_w
                                    + ix;
                                let wi = ((o * icg + c) * g.kernel_h + ki) * g.kernel_w + kj;
                                f(xi, wi, yi);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Reference twin of [`conv2d_forward`](super::conv::conv2d_forward)
/// (overwrites `output`).
pub fn conv2d_forward_naive<E: Element>(
    g: &Conv2dGeometry,
    input: &[E],
    weight: &[E],
    bias: Option<&[E]>,
    output: &mut [E],
) {
    conv::check(
        g,
        &[
            ("input", input.len(), g.input_len()),
            ("weight", weight.len(), g.weight_len()),
            ("output", output.len(), g.output_len()),
        ],
    );
    let l = g.out_h() * g.out_w();
    for (i, y) in output.iter_mut().enumerate() {
        *y = bias.map_or(E::zero(), |b| b[i / l % g.out_channels]);
    }
    for_each_term(g, |xi, wi, yi| output[yi] += input[xi] * weight[wi]);
}

/// Reference twin of [`conv2d_backward_input`](super::conv::conv2d_backward_input)
/// (overwrites `grad_input`).
pub fn conv2d_backward_input_naive<E: Element>(
    g: &Conv2dGeometry,
    grad_out: &[E],
    weight: &[E],
    grad_input: &mut [E],
) {
    conv::check(
        g,
        &[
            ("grad_out", grad_out.len(), g.output_len()),
            ("weight", weight.len(), g.weight_len()),
            ("grad_input", grad_input.len(), g.input_len()),
        ],
    );
    grad_input.fill(E::zero());
    for_each_term(g, |xi, wi, yi| grad_input[xi] += grad_out[yi] * weight[wi]);
}

/// Reference twin of [`conv2d_backward_weight`](super::conv::conv2d_backward_weight)
/// (accumulates into `grad_weight`).
pub fn conv2d_backward_weight_naive<E: Element>(
    g: &Conv2dGeometry,
    input: &[E],
    grad_out: &[E],
    grad_weight: &mut [E],
) {
    conv::check(
        g,
        &[
            ("input", input.len(), g.input_len()),
            ("grad_out", grad_out.len(), g.output_len()),
            ("grad_weight", grad_weight.len(), g.weight_len()),
        ],
    );
    for_each_term(g, |xi, wi, yi| grad_weight[wi] += grad_out[yi] * input[xi]);
}

/// Reference twin of [`conv2d_backward_bias`](super::conv::conv2d_backward_bias)
/// (accumulates into `grad_bias`).
pub fn conv2d_backward_bias_naive<E: Element>(
    g: &Conv2dGeometry,
    grad_out: &[E],
    grad_bias: &mut [E],
) {
    conv::check(
        g,
        &[
            ("grad_out", grad_out.len(), g.output_len()),
            ("grad_bias", grad_bias.len(), g.out_channels),
        ],
    );
    let l = g.out_h() * g.out_w();
    for (i, &d) in grad_out.iter().enumerate() {
        grad_bias[i / l % g.out_channels] += d;
    }
}

/// Calls `f(plane, oy, ox, output_index)` for every output of a pooling.
fn for_each_output(
    planes: usize,
    oh: usize,
    ow: usize,
    mut f: impl FnMut(usize, usize, usize, usize),
) {
    for p in 0..planes {
        for oy in 0..oh {
            for ox in 0..ow {
                f(p, oy, ox, (p * oh + oy) * ow + ox);
            }
        }
    }
}

/// Reference twin of [`max_pool2d_forward`](super::pool::max_pool2d_forward):
/// visits every kernel tap and skips the padding.
pub fn max_pool2d_forward_naive<E: Element>(
    g: &Pool2dGeometry,
    input: &[E],
    output: &mut [E],
    argmax: &mut [PoolIndex],
) {
    pool::check(g, input.len(), output.len());
    let plane = g.in_h * g.in_w;
    for_each_output(
        g.batch * g.channels,
        g.out_h(),
        g.out_w(),
        |p, oy, ox, o| {
            let (mut best, mut best_i) = (E::neg_infinity(), NO_ARGMAX);
            for ki in 0..g.kernel_h {
                let Some(iy) = tap(oy, g.stride_h, ki, g.dilation_h, g.pad_h, g.in_h) else {
                    continue;
                };
                for kj in 0..g.kernel_w {
                    let Some(ix) = tap(ox, g.stride_w, kj, g.dilation_w, g.pad_w, g.in_w) else {
                        continue;
                    };
                    let v = input[p * plane + iy * g.in_w + ix];
                    // The first real element is the starting point (even -inf).
                    if best_i == NO_ARGMAX || v > best || v.is_nan() {
                        best = v;
                        best_i = (iy * g.in_w + ix) as PoolIndex;
                    }
                }
            }
            output[o] = best;
            argmax[o] = best_i;
        },
    );
}

/// Reference twin of [`max_pool2d_backward`](super::pool::max_pool2d_backward)
/// (overwrites `grad_input`).
pub fn max_pool2d_backward_naive<E: Element>(
    g: &Pool2dGeometry,
    grad_out: &[E],
    argmax: &[PoolIndex],
    grad_input: &mut [E],
) {
    pool::check(g, grad_input.len(), grad_out.len());
    let (plane_in, plane_out) = (g.in_h * g.in_w, g.out_h() * g.out_w());
    grad_input.fill(E::zero());
    for (o, (&d, &a)) in grad_out.iter().zip(argmax).enumerate() {
        if a != NO_ARGMAX {
            grad_input[o / plane_out * plane_in + a as usize] += d;
        }
    }
}

/// The terms of one average-pooling window by counting taps: the input
/// indices (within the plane) it covers and its divisor, or `None` when no
/// tap lands on the input.
fn avg_taps(
    g: &Pool2dGeometry,
    include_pad: bool,
    divisor: Option<usize>,
    oy: usize,
    ox: usize,
) -> Option<(Vec<usize>, usize)> {
    let (mut taps, mut padded) = (Vec::new(), 0);
    for ki in 0..g.kernel_h {
        for kj in 0..g.kernel_w {
            let iy = (oy * g.stride_h + ki) as isize - g.pad_h as isize;
            let ix = (ox * g.stride_w + kj) as isize - g.pad_w as isize;
            // Taps past the right/bottom padding (ceil_mode) do not count.
            if iy < (g.in_h + g.pad_h) as isize && ix < (g.in_w + g.pad_w) as isize {
                padded += 1;
                if iy >= 0 && ix >= 0 && (iy as usize) < g.in_h && (ix as usize) < g.in_w {
                    taps.push(iy as usize * g.in_w + ix as usize);
                }
            }
        }
    }
    if taps.is_empty() {
        return None;
    }
    let n = taps.len();
    Some((
        taps,
        divisor.unwrap_or(if include_pad { padded } else { n }),
    ))
}

/// Reference twin of [`avg_pool2d_forward`](super::avg_pool::avg_pool2d_forward).
pub fn avg_pool2d_forward_naive<E: Element>(
    g: &Pool2dGeometry,
    count_include_pad: bool,
    divisor_override: Option<usize>,
    input: &[E],
    output: &mut [E],
) {
    pool::check(g, input.len(), output.len());
    let plane = g.in_h * g.in_w;
    for_each_output(
        g.batch * g.channels,
        g.out_h(),
        g.out_w(),
        |p, oy, ox, o| {
            output[o] = match avg_taps(g, count_include_pad, divisor_override, oy, ox) {
                None => E::zero(),
                Some((taps, div)) => {
                    taps.iter().map(|&i| input[p * plane + i]).sum::<E>() / E::of(div as f64)
                }
            };
        },
    );
}

/// Reference twin of [`avg_pool2d_backward`](super::avg_pool::avg_pool2d_backward).
pub fn avg_pool2d_backward_naive<E: Element>(
    g: &Pool2dGeometry,
    count_include_pad: bool,
    divisor_override: Option<usize>,
    grad_out: &[E],
    grad_input: &mut [E],
) {
    pool::check(g, grad_input.len(), grad_out.len());
    let plane = g.in_h * g.in_w;
    grad_input.fill(E::zero());
    for_each_output(
        g.batch * g.channels,
        g.out_h(),
        g.out_w(),
        |p, oy, ox, o| {
            if let Some((taps, div)) = avg_taps(g, count_include_pad, divisor_override, oy, ox) {
                for i in taps {
                    grad_input[p * plane + i] += grad_out[o] / E::of(div as f64);
                }
            }
        },
    );
}

/// Adaptive window by the floating-point formula `floor(i*n/out)..ceil((i+1)*n/out)`.
fn adaptive_taps(i: usize, out: usize, n: usize) -> std::ops::Range<usize> {
    let start = (i as f64 * n as f64 / out as f64).floor() as usize;
    let end = ((i + 1) as f64 * n as f64 / out as f64).ceil() as usize;
    start..end
}

/// Reference twin of [`adaptive_avg_pool2d_forward`](super::avg_pool::adaptive_avg_pool2d_forward).
pub fn adaptive_avg_pool2d_forward_naive<E: Element>(
    g: &AdaptivePool2dGeometry,
    input: &[E],
    output: &mut [E],
) {
    let plane = g.in_h * g.in_w;
    for_each_output(g.batch * g.channels, g.out_h, g.out_w, |p, oy, ox, o| {
        let (rows, cols) = (
            adaptive_taps(oy, g.out_h, g.in_h),
            adaptive_taps(ox, g.out_w, g.in_w),
        );
        let count = rows.len() * cols.len();
        let mut s = E::zero();
        for iy in rows {
            for ix in cols.clone() {
                s += input[p * plane + iy * g.in_w + ix];
            }
        }
        output[o] = s / E::of(count as f64);
    });
}

/// Reference twin of [`adaptive_avg_pool2d_backward`](super::avg_pool::adaptive_avg_pool2d_backward).
pub fn adaptive_avg_pool2d_backward_naive<E: Element>(
    g: &AdaptivePool2dGeometry,
    grad_out: &[E],
    grad_input: &mut [E],
) {
    let plane = g.in_h * g.in_w;
    grad_input.fill(E::zero());
    for_each_output(g.batch * g.channels, g.out_h, g.out_w, |p, oy, ox, o| {
        let (rows, cols) = (
            adaptive_taps(oy, g.out_h, g.in_h),
            adaptive_taps(ox, g.out_w, g.in_w),
        );
        let d = grad_out[o] / E::of((rows.len() * cols.len()) as f64);
        for iy in rows {
            for ix in cols.clone() {
                grad_input[p * plane + iy * g.in_w + ix] += d;
            }
        }
    });
}
