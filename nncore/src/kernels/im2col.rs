//! im2col / col2im: unfolding an image into a column matrix so that a
//! convolution becomes one matrix product (and folding it back).
//!
//! For one image `[C, H, W]` the column matrix has `C * kh * kw` rows and
//! `out_h * out_w` columns, row-major:
//!
//! ```text
//! col[(c*kh*kw + ki*kw + kj), (oy*out_w + ox)] = x[c, oy*sh - ph + ki*dh, ox*sw - pw + kj*dw]
//! ```
//!
//! (0 where that position falls in the padding). Rows are channel-major, so
//! the rows of group `g` are one contiguous block, matching PyTorch's weight
//! layout `[out, in/groups, kh, kw]` read as a `(out/groups) x (in/groups*kh*kw)`
//! matrix per group.
//!
//! The inner loop works on whole output rows: for each kernel offset it finds
//! the range of output columns that land inside the image once, then copies
//! (or, for col2im, adds) without a bounds test per element.

use super::conv::Conv2dGeometry;
use super::scratch::Scratch;
use crate::Element;

/// The output columns `ox` in `0..out` with `0 <= ox*stride + offset < size`,
/// as a half-open range.
#[inline]
fn valid_range(out: usize, size: usize, stride: usize, offset: isize) -> (usize, usize) {
    let (size, stride) = (size as isize, stride as isize);
    let lo = if offset >= 0 {
        0
    } else {
        (-offset + stride - 1) / stride
    };
    let hi = if size - offset <= 0 {
        0
    } else {
        (size - offset - 1) / stride + 1
    };
    let hi = (hi as usize).min(out);
    let lo = (lo as usize).min(hi);
    (lo, hi)
}

/// Number of rows of the column matrix of one image: `in_channels * kh * kw`.
pub fn col_rows(g: &Conv2dGeometry) -> usize {
    g.in_channels * g.kernel_h * g.kernel_w
}

/// Number of columns of the column matrix: `out_h * out_w`.
pub fn col_cols(g: &Conv2dGeometry) -> usize {
    g.out_h() * g.out_w()
}

/// Unfolds one image `[in_channels, in_h, in_w]` into `col`
/// (`[col_rows(g), col_cols(g)]`, row-major). Overwrites all of `col`.
///
/// # Panics
/// If a slice length does not match the geometry.
pub fn im2col<E: Element>(g: &Conv2dGeometry, image: &[E], col: &mut [E]) {
    let (oh, ow) = (g.out_h(), g.out_w());
    let (h, w) = (g.in_h, g.in_w);
    assert_eq!(image.len(), g.in_channels * h * w, "im2col: image length");
    assert_eq!(col.len(), col_rows(g) * oh * ow, "im2col: col length");
    let mut rows = col.chunks_exact_mut(oh * ow);
    for plane in image.chunks_exact(h * w) {
        for ki in 0..g.kernel_h {
            let off_y = (ki * g.dilation_h) as isize - g.pad_h as isize;
            let (y_lo, y_hi) = valid_range(oh, h, g.stride_h, off_y);
            for kj in 0..g.kernel_w {
                let off_x = (kj * g.dilation_w) as isize - g.pad_w as isize;
                let (x_lo, x_hi) = valid_range(ow, w, g.stride_w, off_x);
                let row = rows.next().expect("im2col: row count");
                for (oy, out) in row.chunks_exact_mut(ow).enumerate() {
                    if oy < y_lo || oy >= y_hi {
                        out.fill(E::zero());
                        continue;
                    }
                    let iy = (oy * g.stride_h) as isize + off_y;
                    let src = &plane[iy as usize * w..][..w];
                    out[..x_lo].fill(E::zero());
                    out[x_hi..].fill(E::zero());
                    let x0 = (x_lo * g.stride_w) as isize + off_x;
                    if g.stride_w == 1 {
                        out[x_lo..x_hi].copy_from_slice(&src[x0 as usize..][..x_hi - x_lo]);
                    } else {
                        let src = src[x0 as usize..].iter().step_by(g.stride_w);
                        for (o, &s) in out[x_lo..x_hi].iter_mut().zip(src) {
                            *o = s;
                        }
                    }
                }
            }
        }
    }
}

/// Unfolds one image `[in_channels, in_h, in_w]` into the **transposed**
/// column matrix `colt` (`[col_cols(g), col_rows(g)]`, row-major:
/// `colt[l, r] = col[r, l]` of [`im2col`]). Overwrites all of `colt`.
///
/// This is the layout the weight gradient's product wants (each output
/// position's `C*kh*kw` taps contiguous), written directly instead of
/// unfolding and then transposing. Each input row is first copied into a
/// zero-bordered row, so the taps of a window are one short copy with no
/// bounds test; the common kernel widths 3 and 5 (dilation 1) use
/// fixed-size copies the compiler unrolls.
///
/// # Panics
/// If a slice length does not match the geometry.
pub fn im2col_t<E: Element>(g: &Conv2dGeometry, image: &[E], colt: &mut [E]) {
    let (oh, ow) = (g.out_h(), g.out_w());
    let (h, w, k, kw) = (g.in_h, g.in_w, col_rows(g), g.kernel_w);
    assert_eq!(image.len(), g.in_channels * h * w, "im2col_t: image length");
    assert_eq!(colt.len(), k * oh * ow, "im2col_t: col length");
    // Padded row: position j holds input column j - pad_w (0 outside).
    let span = (ow - 1) * g.stride_w + (kw - 1) * g.dilation_w + 1;
    let mut padded = Scratch::new(span);
    padded.fill(E::zero());
    let inside = g.pad_w.min(span)..(g.pad_w + w).min(span);
    for (oy, block) in colt.chunks_exact_mut(ow * k).enumerate() {
        for (c, plane) in image.chunks_exact(h * w).enumerate() {
            for ki in 0..g.kernel_h {
                let r0 = (c * g.kernel_h + ki) * kw;
                let iy = (oy * g.stride_h + ki * g.dilation_h) as isize - g.pad_h as isize;
                if iy < 0 || iy as usize >= h {
                    for win in block.chunks_exact_mut(k) {
                        win[r0..r0 + kw].fill(E::zero());
                    }
                    continue;
                }
                let row = &plane[iy as usize * w..][..w];
                padded[inside.clone()].copy_from_slice(&row[..inside.len()]);
                spread_row(g, &padded, block, k, r0);
            }
        }
    }
}

/// Writes the `kernel_w` taps of every output column `ox` of one padded
/// input row into `block[ox * k + r0..][..kernel_w]`.
fn spread_row<E: Element>(g: &Conv2dGeometry, padded: &[E], block: &mut [E], k: usize, r0: usize) {
    fn fixed<E: Element, const KW: usize>(
        padded: &[E],
        block: &mut [E],
        k: usize,
        r0: usize,
        s: usize,
    ) {
        for (ox, win) in block.chunks_exact_mut(k).enumerate() {
            let taps: &[E; KW] = padded[ox * s..ox * s + KW].try_into().expect("KW taps");
            let dst: &mut [E; KW] = (&mut win[r0..r0 + KW]).try_into().expect("KW slots");
            *dst = *taps;
        }
    }
    let (kw, s, d) = (g.kernel_w, g.stride_w, g.dilation_w);
    match (kw, d) {
        (1, _) => fixed::<E, 1>(padded, block, k, r0, s),
        (3, 1) => fixed::<E, 3>(padded, block, k, r0, s),
        (5, 1) => fixed::<E, 5>(padded, block, k, r0, s),
        _ => {
            for (ox, win) in block.chunks_exact_mut(k).enumerate() {
                let taps = padded[ox * s..].iter().step_by(d);
                for (o, &v) in win[r0..r0 + kw].iter_mut().zip(taps) {
                    *o = v;
                }
            }
        }
    }
}

/// Folds a column matrix back onto one image, the adjoint of [`im2col`]:
/// each column entry is **added** to the image position it was read from
/// (padding entries are dropped). Accumulates into `image`; zero it first
/// for the plain fold.
///
/// # Panics
/// If a slice length does not match the geometry.
pub fn col2im<E: Element>(g: &Conv2dGeometry, col: &[E], image: &mut [E]) {
    let (oh, ow) = (g.out_h(), g.out_w());
    let (h, w) = (g.in_h, g.in_w);
    assert_eq!(image.len(), g.in_channels * h * w, "col2im: image length");
    assert_eq!(col.len(), col_rows(g) * oh * ow, "col2im: col length");
    let mut rows = col.chunks_exact(oh * ow);
    for plane in image.chunks_exact_mut(h * w) {
        for ki in 0..g.kernel_h {
            let off_y = (ki * g.dilation_h) as isize - g.pad_h as isize;
            let (y_lo, y_hi) = valid_range(oh, h, g.stride_h, off_y);
            for kj in 0..g.kernel_w {
                let off_x = (kj * g.dilation_w) as isize - g.pad_w as isize;
                let (x_lo, x_hi) = valid_range(ow, w, g.stride_w, off_x);
                let row = rows.next().expect("col2im: row count");
                for oy in y_lo..y_hi {
                    let iy = (oy * g.stride_h) as isize + off_y;
                    let dst = &mut plane[iy as usize * w..][..w];
                    let src = &row[oy * ow..][x_lo..x_hi];
                    let x0 = (x_lo * g.stride_w) as isize + off_x;
                    if g.stride_w == 1 {
                        // Contiguous: a plain zip the compiler vectorises.
                        let dst = &mut dst[x0 as usize..][..src.len()];
                        for (d, &s) in dst.iter_mut().zip(src) {
                            *d += s;
                        }
                    } else {
                        let dst = dst[x0 as usize..].iter_mut().step_by(g.stride_w);
                        for (d, &s) in dst.zip(src) {
                            *d += s;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testutil::{random_vec, rng};

    /// `dst` (`cols x rows`) becomes the transpose of `src` (`rows x cols`),
    /// one element at a time: the reference for `im2col_t`.
    fn transpose_naive(src: &[f64], rows: usize, cols: usize, dst: &mut [f64]) {
        for r in 0..rows {
            for c in 0..cols {
                dst[c * rows + r] = src[r * cols + c];
            }
        }
    }

    /// im2col by definition, one element at a time.
    fn im2col_naive(g: &Conv2dGeometry, image: &[f64]) -> Vec<f64> {
        let (oh, ow) = (g.out_h(), g.out_w());
        let mut col = vec![0.0; col_rows(g) * oh * ow];
        for c in 0..g.in_channels {
            for ki in 0..g.kernel_h {
                for kj in 0..g.kernel_w {
                    let r = (c * g.kernel_h + ki) * g.kernel_w + kj;
                    for oy in 0..oh {
                        for ox in 0..ow {
                            let iy =
                                (oy * g.stride_h + ki * g.dilation_h) as isize - g.pad_h as isize;
                            let ix =
                                (ox * g.stride_w + kj * g.dilation_w) as isize - g.pad_w as isize;
                            if iy >= 0
                                && ix >= 0
                                && (iy as usize) < g.in_h
                                && (ix as usize) < g.in_w
                            {
                                col[r * oh * ow + oy * ow + ox] =
                                    image[(c * g.in_h + iy as usize) * g.in_w + ix as usize];
                            }
                        }
                    }
                }
            }
        }
        col
    }

    #[test]
    fn im2col_matches_definition_and_col2im_is_its_adjoint() {
        let mut r = rng(7);
        for &(c, h, w, kh, kw, s, p, d) in &[
            (1, 1, 1, 1, 1, 1, 0, 1),
            (2, 5, 7, 3, 3, 1, 1, 1),
            (3, 7, 6, 3, 2, 2, 1, 1),
            (1, 9, 9, 3, 3, 3, 2, 2),
            (2, 4, 3, 2, 2, 1, 3, 3),
            (1, 8, 8, 5, 5, 1, 2, 1),
            (2, 9, 7, 5, 5, 2, 0, 1),
        ] {
            let g = Conv2dGeometry {
                batch: 1,
                in_channels: c,
                out_channels: 1,
                in_h: h,
                in_w: w,
                kernel_h: kh,
                kernel_w: kw,
                stride_h: s,
                stride_w: s + 1 - s % 2,
                pad_h: p,
                pad_w: p,
                dilation_h: d,
                dilation_w: d,
                groups: 1,
            };
            g.validate().unwrap();
            let x = random_vec::<f64>(&mut r, c * h * w);
            let mut col = vec![f64::NAN; col_rows(&g) * col_cols(&g)];
            im2col(&g, &x, &mut col);
            assert_eq!(col, im2col_naive(&g, &x), "{g:?}");
            let mut colt = vec![f64::NAN; col.len()];
            im2col_t(&g, &x, &mut colt);
            let mut want = vec![f64::NAN; col.len()];
            transpose_naive(&col, col_rows(&g), col_cols(&g), &mut want);
            assert_eq!(colt, want, "transposed {g:?}");
            // <im2col(x), y> == <x, col2im(y)>
            let y = random_vec::<f64>(&mut r, col.len());
            let mut xt = vec![0.0; x.len()];
            col2im(&g, &y, &mut xt);
            let lhs: f64 = col.iter().zip(&y).map(|(a, b)| a * b).sum();
            let rhs: f64 = x.iter().zip(&xt).map(|(a, b)| a * b).sum();
            assert!((lhs - rhs).abs() < 1e-10, "{g:?}: {lhs} vs {rhs}");
        }
    }
}
