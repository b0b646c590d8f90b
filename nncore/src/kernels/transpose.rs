//! Out-of-place matrix transpose, blocked so that both the reads and the
//! writes stay within a few cache lines per tile.
//!
//! Used by the convolution weight gradient: gemm packs its left operand
//! fast only when that operand's rows are contiguous, and the column matrix
//! of im2col is the other way round, with a row stride of `out_h * out_w`
//! (often a multiple of 4 KiB, where a strided gather thrashes the cache).
//! One blocked transpose per image is cheaper than gemm's strided packing.

use crate::Element;

/// Tile side: 32 x 32 `f32`s are 4 KiB per tile, each tile row one or two
/// cache lines.
const TILE: usize = 32;

/// **Overwrites** `dst` (`cols x rows`, row-major) with the transpose of
/// `src` (`rows x cols`, row-major), for `blocks` consecutive matrices of
/// that shape in both slices.
///
/// # Panics
/// If `src.len()` or `dst.len()` is not `blocks * rows * cols`.
pub fn transpose_blocks<E: Element>(
    src: &[E],
    blocks: usize,
    rows: usize,
    cols: usize,
    dst: &mut [E],
) {
    let len = blocks * rows * cols;
    assert_eq!(src.len(), len, "transpose: source length");
    assert_eq!(dst.len(), len, "transpose: destination length");
    if len == 0 {
        return;
    }
    for (s, d) in src
        .chunks_exact(rows * cols)
        .zip(dst.chunks_exact_mut(rows * cols))
    {
        for r0 in (0..rows).step_by(TILE) {
            let r1 = (r0 + TILE).min(rows);
            for c0 in (0..cols).step_by(TILE) {
                let c1 = (c0 + TILE).min(cols);
                for r in r0..r1 {
                    let row = &s[r * cols + c0..r * cols + c1];
                    for (c, &v) in (c0..c1).zip(row) {
                        d[c * rows + r] = v;
                    }
                }
            }
        }
    }
}

/// Reference twin of [`transpose_blocks`]: one plain loop per element.
///
/// # Panics
/// As [`transpose_blocks`].
pub fn transpose_blocks_naive<E: Element>(
    src: &[E],
    blocks: usize,
    rows: usize,
    cols: usize,
    dst: &mut [E],
) {
    let len = blocks * rows * cols;
    assert_eq!(src.len(), len, "transpose: source length");
    assert_eq!(dst.len(), len, "transpose: destination length");
    for b in 0..blocks {
        for r in 0..rows {
            for c in 0..cols {
                dst[b * rows * cols + c * rows + r] = src[b * rows * cols + r * cols + c];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_naive_on_ragged_sizes() {
        for (blocks, rows, cols) in [(1, 1, 1), (2, 3, 5), (1, 33, 70), (3, 64, 31), (1, 0, 4)] {
            let src: Vec<f32> = (0..blocks * rows * cols).map(|i| i as f32).collect();
            let (mut a, mut b) = (vec![f32::NAN; src.len()], vec![f32::NAN; src.len()]);
            transpose_blocks(&src, blocks, rows, cols, &mut a);
            transpose_blocks_naive(&src, blocks, rows, cols, &mut b);
            assert_eq!(a, b, "{blocks} x {rows} x {cols}");
        }
    }

    #[test]
    fn transposes() {
        let mut out = [0.0f64; 6];
        transpose_blocks(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 1, 2, 3, &mut out);
        assert_eq!(out, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }

    #[test]
    #[should_panic(expected = "transpose: destination length")]
    fn wrong_length_panics() {
        transpose_blocks(&[1.0f32; 6], 1, 2, 3, &mut [0.0; 5]);
    }
}
