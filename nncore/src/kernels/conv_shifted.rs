//! Stride-1 convolution without a column matrix ("implicit im2col").
//!
//! Why: im2col writes `C * kh * kw` rows per image (9x the input for a 3x3
//! kernel) only for gemm to read them once; in the cnn workload that
//! unfolding cost a fifth of the step. With stride 1, the column-matrix row
//! of tap `(ki, kj)` is the input itself shifted by `ki * dh` rows and
//! `kj * dw` columns. So the images of a chunk of the batch are laid out on
//! one grid ([`Grid`]) whose zero gaps double as the padding, every shift
//! becomes one strided view of that grid, and the convolution is `kh * kw`
//! accumulating products with `k = C / groups` that gemm reads straight
//! from the grid. The outputs land on the same grid (with a few gap
//! positions computed and thrown away) and are cropped into place.
//!
//! The weight gradient is the same products the other way round, with
//! `gy` spread onto the output grid (zeros in its gaps) and the input on a
//! channels-last grid, where a kernel row's `kw` taps over all channels are
//! one contiguous run: `gW[ki] (out x kw*C) += gy (out x positions) ·
//! rowsᵀ (positions x kw*C)`, one product per kernel row whose operand gemm
//! reads with unit stride (the layout of the old transposed im2col, without
//! writing it).
//!
//! One difference from im2col: a dropped gap position may read a real input
//! element with a zero `gy`, so an infinite or NaN input can turn a weight
//! gradient entry NaN that im2col would not touch (the forward output and
//! the loss are then NaN anyway).
//!
//! Chosen by [`fits`]: stride 1, padding within the kernel's reach (so the
//! gaps can hold it) and enough input channels per group for the products
//! to run at gemm's speed.

use super::conv_geometry::Conv2dGeometry;
use super::gemm::{MatMut, MatRef, matmul, matmul_serial};
use super::scratch::Scratch;
use super::simd;
use crate::{Element, pool};
use rayon::prelude::*;

/// Output positions a chunk of images aims at: its grid and its output
/// (≈ C x 4096 floats each) then stay in the 1 MiB L2 for the taps' passes.
const CHUNK_POSITIONS: usize = 4096;

/// Fewest input channels per group worth the shifted products: below it
/// each product's `k` is too short for gemm's micro-kernel, and the direct
/// sums of [`conv_direct`](super::conv_direct) take over. Not tuned
/// finely: the workloads have 1, 3, 6 or at least 16 channels.
pub(crate) const MIN_CHANNELS: usize = 16;

/// Whether `g` runs as shifted products (see the module doc).
pub(crate) fn fits(g: &Conv2dGeometry) -> bool {
    grid_fits(g) && g.in_channels / g.groups >= MIN_CHANNELS
}

/// Whether `g`'s images can sit on a [`Grid`]: stride 1, padding within the
/// kernel's reach (so one gap holds it) and at most half again as many
/// grid positions as outputs (without padding the dropped positions past
/// each row and image are pure waste: 1.96x for lenet's 5x5 on 14x14, left
/// to im2col). A 1x1 kernel needs no grid at all.
pub(crate) fn grid_fits(g: &Conv2dGeometry) -> bool {
    let (reach_h, reach_w) = reach(g);
    let fits = g.stride_h == 1
        && g.stride_w == 1
        && g.pad_h <= reach_h
        && g.pad_w <= reach_w
        && !g.is_pointwise();
    fits && {
        let grid = Grid::new(g, 2);
        2 * grid.rows * grid.width <= 3 * g.out_h() * g.out_w()
    }
}

/// How a chunk of `images` images sits on the grid, per channel:
/// `lead` zeros (top and left padding of the first image), then per image
/// `rows` rows of `width` (`in_h` rows holding an input row and a zero gap,
/// then zero rows), then zeros to `plane`. A gap of `pad` zeros serves as
/// the right padding of one row and the left padding of the next (and
/// likewise between images). Taps reaching further (a kernel wider than
/// twice the padding) read the next row only for output positions past
/// `out_w` (or `out_h`), which are computed on the grid and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Grid {
    pub(super) width: usize,
    pub(super) rows: usize,
    pub(super) lead: usize,
    /// Output positions computed: output `(b, y, x)` is `(b*rows + y)*width + x`.
    pub(super) positions: usize,
    /// Elements per channel: holds the images and everything a tap reads.
    pub(super) plane: usize,
}

impl Grid {
    fn new(g: &Conv2dGeometry, images: usize) -> Self {
        let (reach_h, reach_w) = reach(g);
        let width = g.in_w + g.pad_w;
        let rows = g.in_h + g.pad_h;
        let lead = g.pad_h * width + g.pad_w;
        let positions = ((images - 1) * rows + g.out_h()) * width;
        let plane =
            (lead + images * rows * width).max(tap_offset(width, (reach_h, reach_w)) + positions);
        Grid {
            width,
            rows,
            lead,
            positions,
            plane,
        }
    }
}

/// How far the last tap reaches past the first, in rows and columns.
fn reach(g: &Conv2dGeometry) -> (usize, usize) {
    (
        (g.kernel_h - 1) * g.dilation_h,
        (g.kernel_w - 1) * g.dilation_w,
    )
}

/// Where tap `(dy, dx)` (already dilated) starts on a grid of `width`.
pub(super) fn tap_offset(width: usize, (dy, dx): (usize, usize)) -> usize {
    dy * width + dx
}

/// Images per chunk: about [`CHUNK_POSITIONS`] output positions, the number
/// of chunks a multiple of the threads that share them.
fn chunk_images(g: &Conv2dGeometry, threads: usize) -> usize {
    let per_image = Grid::new(g, 1).positions.max(1);
    let chunks = (g.batch * per_image)
        .div_ceil(CHUNK_POSITIONS)
        .next_multiple_of(threads.max(1));
    g.batch.div_ceil(chunks.max(1))
}

/// Copies `images` planes of `src_rows x src_cols` (image-major,
/// `channels` per image) onto a grid laid out as `lead`, then per image
/// `rows` rows of `width`, channel `c` at `dst[c * plane..]`. Writes every
/// element of `dst` once (data or zero), so stale scratch contents never
/// reach a product (a NaN times a gap's zero would).
fn spread<E: Element>(
    src: &[E],
    (channels, src_rows, src_cols): (usize, usize, usize),
    (lead, rows, width, plane): (usize, usize, usize, usize),
    dst: &mut [E],
) {
    let area = src_rows * src_cols;
    let images = src.len() / (channels * area);
    for (c, dst) in dst.chunks_exact_mut(plane).enumerate() {
        let (head, body) = dst.split_at_mut(lead);
        head.fill(E::zero());
        let mut lines = body.chunks_mut(width);
        for b in 0..images {
            let data = &src[(b * channels + c) * area..][..area];
            let mut data_rows = data.chunks_exact(src_cols);
            for line in lines.by_ref().take(rows) {
                let gap = match data_rows.next() {
                    Some(row) => {
                        let (data, gap) = line.split_at_mut(src_cols.min(line.len()));
                        data.copy_from_slice(&row[..data.len()]);
                        gap
                    }
                    None => line,
                };
                gap.fill(E::zero());
            }
        }
        for line in lines {
            line.fill(E::zero());
        }
    }
}

/// As [`spread`] for the input grid, but channels last: grid position `q`
/// of channel `c` at `dst[q * channels + c]`, so that a kernel row's taps
/// over all channels are one contiguous run (the weight gradient's layout).
fn spread_channels_last<E: Element>(
    src: &[E],
    (channels, src_rows, src_cols): (usize, usize, usize),
    (lead, rows, width): (usize, usize, usize),
    dst: &mut [E],
) {
    let area = src_rows * src_cols;
    let images = src.len() / (channels * area);
    let (head, body) = dst.split_at_mut(lead * channels);
    head.fill(E::zero());
    let mut lines = body.chunks_mut(width * channels);
    for b in 0..images {
        for (i, line) in lines.by_ref().take(rows).enumerate() {
            if i >= src_rows {
                line.fill(E::zero());
                continue;
            }
            let (data, gap) = line.split_at_mut((src_cols * channels).min(line.len()));
            for c in 0..channels {
                let row = &src[((b * channels + c) * src_rows + i) * src_cols..][..src_cols];
                for (d, &s) in data[c..].iter_mut().step_by(channels).zip(row) {
                    *d = s;
                }
            }
            gap.fill(E::zero());
        }
    }
    for line in lines {
        line.fill(E::zero());
    }
}

/// Overwrites `out` (`[images, out_channels, out_h, out_w]`) with the
/// valid positions of `grid_out` (`[out_channels, positions]`), plus bias.
fn crop<E: Element>(
    g: &Conv2dGeometry,
    grid: &Grid,
    grid_out: &[E],
    bias: Option<&[E]>,
    out: &mut [E],
) {
    let (oh, ow) = (g.out_h(), g.out_w());
    simd::dispatch(
        #[inline(always)]
        || {
            for (b, img) in out.chunks_exact_mut(g.out_channels * oh * ow).enumerate() {
                for (o, plane) in img.chunks_exact_mut(oh * ow).enumerate() {
                    let src = &grid_out[o * grid.positions + b * grid.rows * grid.width..];
                    let add = bias.map_or(E::zero(), |bias| bias[o]);
                    for (dst, src) in plane.chunks_exact_mut(ow).zip(src.chunks(grid.width)) {
                        for (d, &s) in dst.iter_mut().zip(src) {
                            *d = s + add;
                        }
                    }
                }
            }
        },
    );
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
    let (icg, ocg) = (g.in_channels / g.groups, g.out_channels / g.groups);
    let taps = g.kernel_h * g.kernel_w;
    forward_on_grid(g, bias, input, output, |grid, on_grid, grid_out, serial| {
        for grp in 0..g.groups {
            for tap in 0..taps {
                let shift = tap_offset(grid.width, dilated(g, tap));
                // W[:, :, ki, kj] of the group: ocg x icg, strides (icg*taps, taps).
                let w = MatRef::from_strides(
                    &weight[grp * ocg * icg * taps + tap..],
                    ocg,
                    icg,
                    icg * taps,
                    taps,
                );
                let x = MatRef::from_strides(
                    &on_grid[grp * icg * grid.plane + shift..],
                    icg,
                    grid.positions,
                    grid.plane,
                    1,
                );
                let y = MatMut::row_major(
                    &mut grid_out[grp * ocg * grid.positions..][..ocg * grid.positions],
                    ocg,
                    grid.positions,
                );
                product(w, x, y, tap > 0, serial);
            }
        }
    });
}

/// A stride-1 forward convolution in chunks of images: each chunk is
/// spread onto a [`Grid`], `taps_on_grid(grid, on_grid, grid_out, serial)`
/// must overwrite `grid_out` (`[out_channels, grid.positions]`) with the
/// sums over channels and taps, and the valid outputs are cropped into
/// `output` with the bias added. Chunks run on rayon's threads (then
/// `serial` is true) when the geometry is big enough.
pub(super) fn forward_on_grid<E: Element>(
    g: &Conv2dGeometry,
    bias: Option<&[E]>,
    input: &[E],
    output: &mut [E],
    taps_on_grid: impl Fn(&Grid, &[E], &mut [E], bool) + Sync,
) {
    let in_img = g.in_channels * g.in_h * g.in_w;
    let out_img = g.out_channels * g.out_h() * g.out_w();
    let run = |x: &[E], y: &mut [E], serial: bool| {
        let grid = Grid::new(g, x.len() / in_img);
        let mut on_grid = Scratch::new(g.in_channels * grid.plane);
        spread(
            x,
            (g.in_channels, g.in_h, g.in_w),
            (grid.lead, grid.rows, grid.width, grid.plane),
            &mut on_grid,
        );
        let mut grid_out = Scratch::new(g.out_channels * grid.positions);
        taps_on_grid(&grid, &on_grid, &mut grid_out, serial);
        crop(g, &grid, &grid_out, bias, y);
    };
    let nb = chunk_images(g, threads(g));
    if g.parallel_batch() {
        crate::threads::install(|| {
            output
                .par_chunks_mut(nb * out_img)
                .zip(input.par_chunks(nb * in_img))
                .for_each(|(y, x)| run(x, y, true))
        });
    } else {
        for (y, x) in output
            .chunks_mut(nb * out_img)
            .zip(input.chunks(nb * in_img))
        {
            run(x, y, false);
        }
    }
}

/// Gradient of the weight of `g` (which must [`fit`](fits)).
/// **Accumulates** into `grad_weight`, as
/// [`conv2d_backward_weight`](super::conv::conv2d_backward_weight).
pub(crate) fn backward_weight<E: Element>(
    g: &Conv2dGeometry,
    input: &[E],
    grad_out: &[E],
    grad_weight: &mut [E],
) {
    debug_assert!(fits(g));
    let (icg, ocg) = (g.in_channels / g.groups, g.out_channels / g.groups);
    let (kh, kw, c) = (g.kernel_h, g.kernel_w, g.in_channels);
    // One product per kernel row when a row's taps and the channels are
    // one contiguous run of the channels-last grid (k = kw * C).
    let whole_rows = g.groups == 1 && g.dilation_w == 1;
    // The sum is laid out `[kh, out_channels, kw, icg]`.
    let len = kh * g.out_channels * kw * icg;
    let sum = weight_grad_on_grid(
        g,
        input,
        grad_out,
        len,
        true,
        |grid, on_grid, gy, sum, serial| {
            for grp in 0..g.groups {
                let gy = MatRef::row_major(
                    &gy[grp * ocg * grid.positions..][..ocg * grid.positions],
                    ocg,
                    grid.positions,
                );
                for ki in 0..kh {
                    let row_shift = ki * g.dilation_h * grid.width;
                    let dw_row = (ki * g.out_channels + grp * ocg) * kw * icg;
                    if whole_rows {
                        // positions x (kw * C): overlapping rows of the grid.
                        let x = MatRef::from_strides(
                            &on_grid[row_shift * c..],
                            grid.positions,
                            kw * c,
                            c,
                            1,
                        );
                        let dw = MatMut::row_major(&mut sum[dw_row..][..ocg * kw * c], ocg, kw * c);
                        product(gy, x, dw, true, serial);
                        continue;
                    }
                    for kj in 0..kw {
                        let shift = row_shift + kj * g.dilation_w;
                        let x = MatRef::from_strides(
                            &on_grid[shift * c + grp * icg..],
                            grid.positions,
                            icg,
                            c,
                            1,
                        );
                        let dw = MatMut::from_strides(
                            &mut sum[dw_row + kj * icg..],
                            ocg,
                            icg,
                            kw * icg,
                            1,
                        );
                        product(gy, x, dw, true, serial);
                    }
                }
            }
        },
    );
    // [kh, out, kw, icg] → [out, icg, kh, kw].
    for (ki, per_row) in sum.chunks_exact(g.out_channels * kw * icg).enumerate() {
        for (o, per_out) in per_row.chunks_exact(kw * icg).enumerate() {
            let dst = &mut grad_weight[o * icg * kh * kw..][..icg * kh * kw];
            for (kj, per_tap) in per_out.chunks_exact(icg).enumerate() {
                let dst = dst[ki * kw + kj..].iter_mut().step_by(kh * kw);
                for (d, &s) in dst.zip(per_tap) {
                    *d += s;
                }
            }
        }
    }
    pool::give_back(sum);
}

/// A stride-1 weight gradient in chunks of images: each chunk's input is
/// spread onto a [`Grid`] (channels last if `channels_last`) and its
/// `grad_out` onto the grid's output positions (zeros in the gaps), and
/// `sum_chunk(grid, on_grid, gy, sum, serial)` must add the chunk's terms
/// into `sum` (`len` elements, the caller's layout). Returns the sum over
/// the batch, from the pool: with several threads, one partial sum per
/// thread, added in a fixed order so results do not depend on scheduling.
pub(super) fn weight_grad_on_grid<E: Element>(
    g: &Conv2dGeometry,
    input: &[E],
    grad_out: &[E],
    len: usize,
    channels_last: bool,
    sum_chunk: impl Fn(&Grid, &[E], &[E], &mut [E], bool) + Sync,
) -> Vec<E> {
    let in_img = g.in_channels * g.in_h * g.in_w;
    let out_img = g.out_channels * g.out_h() * g.out_w();
    let nb = chunk_images(g, threads(g));
    let part = |images: std::ops::Range<usize>, serial: bool| -> Vec<E> {
        let mut sum = pool::take_zeroed(len);
        let mut start = images.start;
        while start < images.end {
            let end = (start + nb).min(images.end);
            let grid = Grid::new(g, end - start);
            let mut on_grid = Scratch::new(g.in_channels * grid.plane);
            let x = &input[start * in_img..end * in_img];
            let sizes = (g.in_channels, g.in_h, g.in_w);
            if channels_last {
                spread_channels_last(x, sizes, (grid.lead, grid.rows, grid.width), &mut on_grid);
            } else {
                let layout = (grid.lead, grid.rows, grid.width, grid.plane);
                spread(x, sizes, layout, &mut on_grid);
            }
            let mut gy = Scratch::new(g.out_channels * grid.positions);
            spread(
                &grad_out[start * out_img..end * out_img],
                (g.out_channels, g.out_h(), g.out_w()),
                (0, grid.rows, grid.width, grid.positions),
                &mut gy,
            );
            sum_chunk(&grid, &on_grid, &gy, &mut sum, serial);
            start = end;
        }
        sum
    };
    if !g.parallel_batch() {
        return part(0..g.batch, false);
    }
    let parts = crate::threads::get_num_threads().min(g.batch);
    // Whole chunks per part, so the split does not add chunks.
    let per = g.batch.div_ceil(parts).next_multiple_of(nb);
    let mut partials: Vec<Vec<E>> = pool::take_empty(parts);
    crate::threads::install(|| {
        (0..parts)
            .into_par_iter()
            .map(|p| part((p * per).min(g.batch)..((p + 1) * per).min(g.batch), true))
            .collect_into_vec(&mut partials)
    });
    let mut parts = partials.drain(..);
    let mut sum = parts.next().expect("at least one part");
    for part in parts {
        for (d, &s) in sum.iter_mut().zip(&part) {
            *d += s;
        }
        pool::give_back(part);
    }
    pool::give_back(partials);
    sum
}

/// Tap `tap` (row-major over the kernel) as a dilated (row, column) shift.
pub(super) fn dilated(g: &Conv2dGeometry, tap: usize) -> (usize, usize) {
    (
        tap / g.kernel_w * g.dilation_h,
        tap % g.kernel_w * g.dilation_w,
    )
}

fn threads(g: &Conv2dGeometry) -> usize {
    if g.parallel_batch() {
        crate::threads::get_num_threads()
    } else {
        1
    }
}

fn product<E: Element>(a: MatRef<E>, b: MatRef<E>, c: MatMut<E>, accumulate: bool, serial: bool) {
    if serial {
        matmul_serial(a, b, c, accumulate)
    } else {
        matmul(a, b, c, accumulate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geom(h: usize, w: usize, k: usize, pad: usize, dil: usize) -> Conv2dGeometry {
        Conv2dGeometry {
            batch: 3,
            in_channels: 16,
            out_channels: 4,
            in_h: h,
            in_w: w,
            kernel_h: k,
            kernel_w: k,
            stride_h: 1,
            stride_w: 1,
            pad_h: pad,
            pad_w: pad,
            dilation_h: dil,
            dilation_w: dil,
            groups: 1,
        }
    }

    #[test]
    fn grid_holds_the_padding_and_every_tap() {
        // 3x3 "same": one shared zero column and row per gap.
        let g = geom(32, 32, 3, 1, 1);
        let grid = Grid::new(&g, 2);
        assert_eq!((grid.width, grid.rows, grid.lead), (33, 33, 34));
        assert_eq!(grid.positions, (33 + 32) * 33);
        // The last tap's view ends inside the plane.
        assert!(tap_offset(grid.width, reach(&g)) + grid.positions <= grid.plane);
        // No padding: no gaps; the taps past a row's end feed only the
        // dropped positions x >= out_w, and the plane holds the last tap.
        let g = geom(10, 10, 5, 0, 1);
        let grid = Grid::new(&g, 1);
        assert_eq!((grid.width, grid.rows, grid.lead), (10, 10, 0));
        assert_eq!(grid.positions, 6 * 10);
        assert!(tap_offset(grid.width, reach(&g)) + grid.positions <= grid.plane);
    }

    #[test]
    fn spread_writes_data_and_zero_gaps() {
        // Two 2x2 single-channel images on a width-3, 3-row grid, lead 1.
        let src = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        let mut dst = [f64::NAN; 20];
        spread(&src, (1, 2, 2), (1, 3, 3, 20), &mut dst);
        let want = [
            0.0, 1.0, 2.0, 0.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 5.0, 6.0, 0.0, 7.0, 8.0, 0.0, 0.0,
            0.0, 0.0, 0.0,
        ];
        assert_eq!(dst, want);
    }

    #[test]
    fn channels_last_spread_interleaves_channels() {
        // One 2x2 image of two channels on a width-3 grid with lead 1.
        let src = [1.0f64, 2.0, 3.0, 4.0, 10.0, 20.0, 30.0, 40.0];
        let mut dst = [f64::NAN; 16];
        spread_channels_last(&src, (2, 2, 2), (1, 3, 3), &mut dst);
        let want = [
            0.0, 0.0, 1.0, 10.0, 2.0, 20.0, 0.0, 0.0, 3.0, 30.0, 4.0, 40.0, 0.0, 0.0, 0.0, 0.0,
        ];
        assert_eq!(dst, want);
    }

    #[test]
    fn chunks_split_evenly_over_threads() {
        let g = Conv2dGeometry {
            batch: 32,
            ..geom(16, 16, 3, 1, 1)
        };
        // 32 images of 17*17 positions: 3 chunks of ≈ 4096, 4 for 2 threads.
        assert_eq!(chunk_images(&g, 1), 11);
        assert_eq!(chunk_images(&g, 2), 8);
        assert!(fits(&g));
        assert!(!fits(&Conv2dGeometry { stride_h: 2, ..g }));
        assert!(!fits(&Conv2dGeometry { pad_w: 3, ..g }));
        assert!(!fits(&Conv2dGeometry {
            in_channels: 8,
            ..g
        }));
    }
}
