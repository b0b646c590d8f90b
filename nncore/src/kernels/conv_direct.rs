//! Direct stride-1 convolution for few input and output channels (lenet's
//! first convolution, 1 -> 6 channels 5x5).
//!
//! Why: with few input channels im2col's column matrix is 9-25 times the
//! input and each image's product is short (k = 25 or 27), so unfolding and
//! gemm's per-call packing cost more than the multiply-adds. Here the images
//! sit on the grid of [`conv_shifted`](super::conv_shifted) (zero gaps as
//! padding, every tap one shifted view) and each block of [`BLOCK`] output
//! positions of one output channel is summed in registers over channels and
//! taps: one vector load, multiply and add per tap and 16 positions,
//! compiled for AVX-512/AVX2 by [`simd::dispatch`]. No column matrix, no
//! gemm call.

use super::conv_geometry::Conv2dGeometry;
use super::conv_shifted::{self, Grid, forward_on_grid, weight_grad_on_grid};
use super::simd;
use crate::Element;
use crate::pool;

/// Output positions summed at once: 8 AVX-512 vectors of `f32`, enough
/// independent sums to hide the adds' latency, few enough to stay in
/// registers.
const BLOCK: usize = 128;

/// Most output channels per group summed here. Each output channel reads
/// every input vector again, where gemm's micro-kernel reuses one load for
/// six; criterion put the cnn's 3 -> 32 layer at 0.86 ms forward and
/// 1.3 ms weight gradient this way, about twice im2col + gemm.
const MAX_OUT_CHANNELS: usize = 8;

/// Whether `g` runs here: the shifted layout fits (stride 1, padding within
/// the kernel's reach, little of the grid wasted) but there are too few
/// input channels per group for shifted products and few output channels.
pub(crate) fn fits(g: &Conv2dGeometry) -> bool {
    conv_shifted::grid_fits(g)
        && g.in_channels / g.groups < conv_shifted::MIN_CHANNELS
        && g.out_channels / g.groups <= MAX_OUT_CHANNELS
}

/// Forward convolution of `g` (which must [`fit`](fits)). **Overwrites**
/// `output`; the same contract as [`conv2d_forward`](super::conv::conv2d_forward).
pub(crate) fn forward<E: Element>(
    g: &Conv2dGeometry,
    input: &[E],
    weight: &[E],
    bias: Option<&[E]>,
    output: &mut [E],
) {
    debug_assert!(fits(g));
    forward_on_grid(g, bias, input, output, |grid, on_grid, grid_out, _| {
        simd::dispatch(
            #[inline(always)]
            || sum_taps(g, grid, weight, on_grid, grid_out),
        )
    });
}

/// `grid_out[o, p] = Σ_{c, ki, kj} w[o, c, ki, kj] · on_grid[c, p + shift(ki, kj)]`
/// over the group's channels, in that order.
#[inline(always)]
fn sum_taps<E: Element>(
    g: &Conv2dGeometry,
    grid: &Grid,
    weight: &[E],
    on_grid: &[E],
    grid_out: &mut [E],
) {
    let (icg, ocg) = (g.in_channels / g.groups, g.out_channels / g.groups);
    let (kh, kw) = (g.kernel_h, g.kernel_w);
    let (step_h, step_w) = (g.dilation_h * grid.width, g.dilation_w);
    for (o, out) in grid_out.chunks_exact_mut(grid.positions).enumerate() {
        let w = &weight[o * icg * kh * kw..][..icg * kh * kw];
        let src = &on_grid[o / ocg * icg * grid.plane..];
        // Σ over channels and taps of w · src[shift + p0..][..len] into acc.
        let sum = |acc: &mut [E], p0: usize| {
            for (c, w) in w.chunks_exact(kh * kw).enumerate() {
                let src = &src[c * grid.plane + p0..];
                for (ki, w) in w.chunks_exact(kw).enumerate() {
                    for (kj, &w) in w.iter().enumerate() {
                        let s = &src[ki * step_h + kj * step_w..][..acc.len()];
                        for (a, &x) in acc.iter_mut().zip(s) {
                            *a += w * x;
                        }
                    }
                }
            }
        };
        let mut blocks = out.chunks_exact_mut(BLOCK);
        for (b, block) in blocks.by_ref().enumerate() {
            let mut acc = [E::zero(); BLOCK];
            sum(&mut acc, b * BLOCK);
            block.copy_from_slice(&acc);
        }
        let done = grid.positions / BLOCK * BLOCK;
        let tail = blocks.into_remainder();
        tail.fill(E::zero());
        sum(tail, done);
    }
}

/// Gradient of the weight of `g` (which must [`fit`](fits)).
/// **Accumulates** into `grad_weight`, as
/// [`conv2d_backward_weight`](super::conv::conv2d_backward_weight):
/// `gW[o, c, ki, kj] = Σ_p gy[o, p] · on_grid[c, p + shift(ki, kj)]`, a dot
/// product over the grid's positions (gy is zero in the gaps) summed in
/// [`LANES`] partial sums, then across them.
pub(crate) fn backward_weight<E: Element>(
    g: &Conv2dGeometry,
    input: &[E],
    grad_out: &[E],
    grad_weight: &mut [E],
) {
    debug_assert!(fits(g));
    let sum = weight_grad_on_grid(
        g,
        input,
        grad_out,
        g.weight_len(),
        false,
        |grid, on_grid, gy, sum, _| {
            simd::dispatch(
                #[inline(always)]
                || dot_taps(g, grid, on_grid, gy, sum),
            )
        },
    );
    for (d, &s) in grad_weight.iter_mut().zip(&sum) {
        *d += s;
    }
    pool::give_back(sum);
}

/// Lanes of the dot products' partial sums: one AVX-512 vector of `f32`.
const LANES: usize = 16;

/// Adds `Σ_p gy[o, p] · on_grid[c, p + shift(ki, kj)]` to `sum[o, c, ki, kj]`
/// (the weight's layout).
#[inline(always)]
fn dot_taps<E: Element>(g: &Conv2dGeometry, grid: &Grid, on_grid: &[E], gy: &[E], sum: &mut [E]) {
    let (icg, ocg) = (g.in_channels / g.groups, g.out_channels / g.groups);
    let (kh, kw) = (g.kernel_h, g.kernel_w);
    let n = grid.positions;
    let full = n / LANES * LANES;
    for (o, per_out) in sum.chunks_exact_mut(icg * kh * kw).enumerate() {
        let gy = &gy[o * n..][..n];
        let src = &on_grid[o / ocg * icg * grid.plane..];
        for (c, per_channel) in per_out.chunks_exact_mut(kh * kw).enumerate() {
            for (ki, per_row) in per_channel.chunks_exact_mut(kw).enumerate() {
                let row = &src[c * grid.plane + ki * g.dilation_h * grid.width..];
                for (kj, s) in per_row.iter_mut().enumerate() {
                    let x = &row[kj * g.dilation_w..][..n];
                    let mut lanes = [E::zero(); LANES];
                    for (gy, x) in gy[..full].chunks_exact(LANES).zip(x.chunks_exact(LANES)) {
                        for ((l, &a), &b) in lanes.iter_mut().zip(gy).zip(x) {
                            *l += a * b;
                        }
                    }
                    let tail: E = gy[full..]
                        .iter()
                        .zip(&x[full..])
                        .map(|(&a, &b)| a * b)
                        .sum();
                    *s += lanes.iter().copied().sum::<E>() + tail;
                }
            }
        }
    }
}
