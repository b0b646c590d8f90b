//! 2-D convolution (cross-correlation, as PyTorch's `Conv2d`) in NCHW, with
//! stride, zero padding, dilation and groups.
//!
//! Layouts (all row-major, contiguous):
//! - input `[batch, in_channels, in_h, in_w]`
//! - weight `[out_channels, in_channels / groups, kernel_h, kernel_w]` (PyTorch's)
//! - bias `[out_channels]`
//! - output `[batch, out_channels, out_h, out_w]`
//!
//! Three ways, chosen per geometry:
//! - stride 1 with at least 16 input channels per group: shifted products
//!   over a zero-gapped grid, no column matrix (`conv_shifted`);
//! - stride 1 with fewer input and at most 8 output channels per group:
//!   direct sums in registers on the same grid (`conv_direct`);
//! - otherwise (strides, padding beyond the kernel's reach, a grid mostly
//!   gaps): each image is unfolded by [`im2col`] and the convolution
//!   becomes, per group, one product with the weight matrix through
//!   [`matmul`]. A 1x1 kernel with stride 1 and no padding needs no
//!   unfolding: the image already is the column matrix.
//!
//! Parallelism: above [`CONV_PARALLEL_THRESHOLD`] multiply-adds and with more
//! than one image, rayon splits the batch and each worker owns its column
//! buffer (and, for the weight gradient, its partial sum, reduced at the end
//! in a fixed order so results do not depend on scheduling). Otherwise the
//! images run in turn and gemm itself may use the threads for big products.

use super::conv_geometry::check;
pub use super::conv_geometry::{CONV_PARALLEL_THRESHOLD, Conv2dGeometry};
use super::gemm::{MatMut, MatRef, matmul, matmul_serial};
use super::im2col::{col_rows, col2im, im2col, im2col_t};
use super::scratch::Scratch;
use super::{conv_direct, conv_shifted};
use crate::{Element, pool};
use rayon::prelude::*;

/// One product per group: `c_g (=/+=) a_g · b_g` where the three operands are
/// consecutive row-major blocks of `a`, `b`, `c` of the given shapes, `a_t`
/// meaning each `a` block is stored transposed and `b_t` likewise.
#[allow(clippy::too_many_arguments)]
fn grouped_matmul<E: Element>(
    groups: usize,
    (m, k, n): (usize, usize, usize),
    a: &[E],
    a_t: bool,
    b: &[E],
    b_t: bool,
    c: &mut [E],
    accumulate: bool,
    serial: bool,
) {
    for grp in 0..groups {
        let a = &a[grp * m * k..][..m * k];
        let b = &b[grp * k * n..][..k * n];
        let av = if a_t {
            MatRef::row_major(a, k, m).t()
        } else {
            MatRef::row_major(a, m, k)
        };
        let bv = if b_t {
            MatRef::row_major(b, n, k).t()
        } else {
            MatRef::row_major(b, k, n)
        };
        let cv = MatMut::row_major(&mut c[grp * m * n..][..m * n], m, n);
        if serial {
            matmul_serial(av, bv, cv, accumulate)
        } else {
            matmul(av, bv, cv, accumulate)
        }
    }
}

/// Runs `f(a_chunk, b_chunk, column_buffer, serial)` on the chunks of every
/// image, across rayon threads when the geometry is big enough. The column
/// buffer (`g.col_len()` elements, stale contents) is the thread's
/// [`Scratch`], so steady-state calls do not allocate it.
fn per_image<E: Element, A: Sync, B: Send>(
    g: &Conv2dGeometry,
    a: &[A],
    a_img: usize,
    b: &mut [B],
    b_img: usize,
    f: impl Fn(&[A], &mut [B], &mut [E], bool) + Sync,
) {
    if g.parallel_batch() {
        crate::threads::install(|| {
            b.par_chunks_mut(b_img)
                .zip(a.par_chunks(a_img))
                .for_each(|(b, a)| f(a, b, &mut Scratch::new(g.col_len()), true))
        });
    } else {
        let mut col = Scratch::new(g.col_len());
        for (b, a) in b.chunks_mut(b_img).zip(a.chunks(a_img)) {
            f(a, b, &mut col, false);
        }
    }
}

/// Forward convolution. **Overwrites** `output` with
/// `output[n, o] = bias[o] + Σ weight[o, c'] ⋆ input[n, group(o)*C/groups + c']`.
///
/// # Panics
/// If `g` is invalid or a slice length does not match it.
pub fn conv2d_forward<E: Element>(
    g: &Conv2dGeometry,
    input: &[E],
    weight: &[E],
    bias: Option<&[E]>,
    output: &mut [E],
) {
    check(
        g,
        &[
            ("input", input.len(), g.input_len()),
            ("weight", weight.len(), g.weight_len()),
            ("output", output.len(), g.output_len()),
        ],
    );
    if let Some(b) = bias {
        assert_eq!(b.len(), g.out_channels, "conv2d: bias length");
    }
    if g.batch == 0 {
        return; // An empty batch: nothing to write.
    }
    if conv_shifted::fits(g) {
        return conv_shifted::forward(g, input, weight, bias, output);
    }
    if conv_direct::fits(g) {
        return conv_direct::forward(g, input, weight, bias, output);
    }
    let l = g.out_h() * g.out_w();
    let (ocg, k) = (g.out_channels / g.groups, g.group_k());
    let in_img = g.in_channels * g.in_h * g.in_w;
    per_image(
        g,
        input,
        in_img,
        output,
        g.out_channels * l,
        |x, y, col: &mut [E], serial| {
            if let Some(b) = bias {
                for (plane, &b) in y.chunks_exact_mut(l).zip(b) {
                    plane.fill(b);
                }
            }
            let cols: &[E] = if g.is_pointwise() {
                x
            } else {
                im2col(g, x, col);
                col
            };
            grouped_matmul(
                g.groups,
                (ocg, k, l),
                weight,
                false,
                cols,
                false,
                y,
                bias.is_some(),
                serial,
            );
        },
    );
}

/// **Overwrites** `flipped` (`[in, out/groups, kh, kw]`) with the weight of
/// the convolution that computes the input gradient (see
/// `Conv2dGeometry::input_gradient_as_conv`): per group, channel axes swapped
/// and both spatial axes reversed.
fn flip_weight<E: Element>(g: &Conv2dGeometry, weight: &[E], flipped: &mut [E]) {
    let (icg, ocg) = (g.in_channels / g.groups, g.out_channels / g.groups);
    let area = g.kernel_h * g.kernel_w;
    for (o, taps) in weight.chunks_exact(icg * area).enumerate() {
        let (grp, o_in_group) = (o / ocg, o % ocg);
        for (c, kernel) in taps.chunks_exact(area).enumerate() {
            let dst = &mut flipped[((grp * icg + c) * ocg + o_in_group) * area..][..area];
            for (d, &v) in dst.iter_mut().zip(kernel.iter().rev()) {
                *d = v;
            }
        }
    }
}

/// Gradient of the input. **Overwrites** `grad_input` (`[N, C, H, W]`) from
/// `grad_out` (`[N, out, out_h, out_w]`) and `weight`.
///
/// # Panics
/// If `g` is invalid or a slice length does not match it.
pub fn conv2d_backward_input<E: Element>(
    g: &Conv2dGeometry,
    grad_out: &[E],
    weight: &[E],
    grad_input: &mut [E],
) {
    check(
        g,
        &[
            ("grad_out", grad_out.len(), g.output_len()),
            ("weight", weight.len(), g.weight_len()),
            ("grad_input", grad_input.len(), g.input_len()),
        ],
    );
    if g.batch == 0 {
        return;
    }
    // Unfolding grad_out for the transposed convolution (a copy, and the
    // result overwrites) beats folding a column matrix back (zeroing, then
    // scattered adds) unless it unfolds more data (a padding much larger
    // than the forward's, or more output than input channels); running it
    // as shifted products unfolds nothing.
    if let Some(t) = g
        .input_gradient_as_conv()
        .filter(|t| !g.is_pointwise() && (conv_shifted::fits(t) || t.col_len() <= g.col_len()))
    {
        let mut flipped = Scratch::new(g.weight_len());
        flip_weight(g, weight, &mut flipped);
        return conv2d_forward(&t, grad_out, &flipped, None, grad_input);
    }
    let l = g.out_h() * g.out_w();
    let (ocg, k) = (g.out_channels / g.groups, g.group_k());
    let in_img = g.in_channels * g.in_h * g.in_w;
    per_image(
        g,
        grad_out,
        g.out_channels * l,
        grad_input,
        in_img,
        |gy, gx, col: &mut [E], serial| {
            // col_g (k x l) = W_g^T (k x ocg) · gy_g (ocg x l)
            if g.is_pointwise() {
                grouped_matmul(
                    g.groups,
                    (k, ocg, l),
                    weight,
                    true,
                    gy,
                    false,
                    gx,
                    false,
                    serial,
                );
            } else {
                grouped_matmul(
                    g.groups,
                    (k, ocg, l),
                    weight,
                    true,
                    gy,
                    false,
                    col,
                    false,
                    serial,
                );
                gx.fill(E::zero());
                col2im(g, col, gx);
            }
        },
    );
}

/// Gradient of the weight. **Accumulates** into `grad_weight`
/// (`[out, C/groups, kh, kw]`), so gradients of parts of a batch can be
/// summed: `grad_weight += Σ_n grad_out[n] · im2col(input[n])ᵀ` per group.
///
/// # Panics
/// If `g` is invalid or a slice length does not match it.
pub fn conv2d_backward_weight<E: Element>(
    g: &Conv2dGeometry,
    input: &[E],
    grad_out: &[E],
    grad_weight: &mut [E],
) {
    check(
        g,
        &[
            ("input", input.len(), g.input_len()),
            ("grad_out", grad_out.len(), g.output_len()),
            ("grad_weight", grad_weight.len(), g.weight_len()),
        ],
    );
    if g.batch == 0 {
        return; // No samples: the accumulated gradient stays as it is.
    }
    if conv_shifted::fits(g) {
        return conv_shifted::backward_weight(g, input, grad_out, grad_weight);
    }
    if conv_direct::fits(g) {
        return conv_direct::backward_weight(g, input, grad_out, grad_weight);
    }
    let l = g.out_h() * g.out_w();
    let (ocg, k) = (g.out_channels / g.groups, g.group_k());
    let in_img = g.in_channels * g.in_h * g.in_w;
    let out_img = g.out_channels * l;
    let colt_len = col_rows(g) * l;
    // gW_g (ocg x k) += gy_g (ocg x l) · col_gᵀ (l x k). `im2col_t` writes
    // colᵀ (l x C*kh*kw, row-major) directly, group g being columns
    // g*k..(g+1)*k: gemm packs it with unit stride, where col_g itself
    // would be a gather with stride l (profiles showed that costing more
    // than the product).
    let one = |x: &[E], gy: &[E], gw: &mut [E], colt: &mut [E], serial| {
        im2col_t(g, x, colt);
        for grp in 0..g.groups {
            let a = MatRef::row_major(&gy[grp * ocg * l..], ocg, l);
            let b = MatRef::from_strides(&colt[grp * k..], l, k, g.groups * k, 1);
            let c = MatMut::row_major(&mut gw[grp * ocg * k..], ocg, k);
            if serial {
                matmul_serial(a, b, c, true)
            } else {
                matmul(a, b, c, true)
            }
        }
    };
    if g.parallel_batch() {
        let parts = crate::threads::get_num_threads().min(g.batch);
        let per = g.batch.div_ceil(parts);
        // Partial sums (and their list) come from the pool: a worker's
        // buffer is given back to this thread's pool after the sum.
        let mut partials: Vec<Vec<E>> = pool::take_empty(parts);
        crate::threads::install(|| {
            (0..parts)
                .into_par_iter()
                .map(|p| {
                    let mut gw = pool::take_zeroed(grad_weight.len());
                    let mut colt = Scratch::new(colt_len);
                    for n in p * per..((p + 1) * per).min(g.batch) {
                        one(
                            &input[n * in_img..][..in_img],
                            &grad_out[n * out_img..][..out_img],
                            &mut gw,
                            &mut colt,
                            true,
                        );
                    }
                    gw
                })
                .collect_into_vec(&mut partials)
        });
        for part in partials.drain(..) {
            for (d, &s) in grad_weight.iter_mut().zip(&part) {
                *d += s;
            }
            pool::give_back(part);
        }
        pool::give_back(partials);
    } else {
        let mut colt = Scratch::new(colt_len);
        for (x, gy) in input
            .chunks_exact(in_img)
            .zip(grad_out.chunks_exact(out_img))
        {
            one(x, gy, grad_weight, &mut colt, false);
        }
    }
}

/// Gradient of the bias. **Accumulates** into `grad_bias` (`[out]`):
/// `grad_bias[o] += Σ_{n, y, x} grad_out[n, o, y, x]`.
///
/// # Panics
/// If `g` is invalid or a slice length does not match it.
pub fn conv2d_backward_bias<E: Element>(g: &Conv2dGeometry, grad_out: &[E], grad_bias: &mut [E]) {
    check(
        g,
        &[
            ("grad_out", grad_out.len(), g.output_len()),
            ("grad_bias", grad_bias.len(), g.out_channels),
        ],
    );
    let l = g.out_h() * g.out_w();
    for img in grad_out.chunks_exact(g.out_channels * l) {
        for (b, plane) in grad_bias.iter_mut().zip(img.chunks_exact(l)) {
            *b += super::elementwise::sum(plane);
        }
    }
}
