//! Products of a few rows by a weight seen transposed (`x · Wᵀ` with
//! `x` of 2 to 4 rows): small-batch `Linear` layers, where the gemm crate
//! is slow.
//!
//! Why a kernel of its own: for `m = 2..4` rows and a right-hand side whose
//! columns are contiguous (a row-major `[out, in]` weight used as `Wᵀ`),
//! gemm 0.19 leaves its matrix-vector path and packs the whole weight: on
//! the dev machine `[2, 784] · [784, 256]` took 38 µs against 7 µs for one
//! row, and `[2, 1024] · [1024, 1024]` 2 ms. Here each output is a dot
//! product of two contiguous vectors, [`COLS`] of them at a time, each in
//! [`LANES`] partial sums, so the weight streams once per row of `a` at
//! close to the cache's rate (15 µs and 154 µs for those two).
//!
//! For one row gemm is already at that rate (its small-`m` micro-kernel
//! streamed the 803 KB weight of infer1's first layer within 5 % of a
//! hand-written AVX-512 loop), so [`pays_off`] leaves `m = 1` to gemm,
//! and small or thin products too (see its doc for the measurements).
//!
//! The kernel is plain Rust under [`simd::dispatch`](super::simd), with
//! separate multiplies and adds (never fused) and an explicit summation
//! order, so every instruction-set level computes the same bits.

use super::gemm::{MatMut, MatRef};
use super::simd;
use crate::Element;

/// Partial sums per dot product (one AVX-512 register of `f32`).
pub const LANES: usize = 16;

/// Dot products computed together: independent chains of additions to
/// hide their latency, and as many streams through `b`.
pub const COLS: usize = 8;

/// Whether [`matmul_small`] can take this product: rows of `a` and
/// columns of `b` contiguous.
pub fn fits_layout<E>(a: &MatRef<E>, b: &MatRef<E>) -> bool {
    (a.col_stride() == 1 || a.cols() <= 1) && (b.row_stride() == 1 || b.rows() <= 1)
}

/// Whether [`matmul_small`] beats gemm on an `(m x k) · (k x n)` product
/// whose layout [`fits_layout`].
///
/// Measured on the dev machine (Zen 5, f32, min of 7 runs, gemm → this):
/// `m = 1`, 784 x 256: 7.0 → 7.6 µs (gemm's own kernel is as good);
/// `m = 2..4`, 784 x 256: 38-39 → 15-29 µs; 1024 x 1024: ≈ 2 ms → 150-270 µs;
/// 256 x 784: 90-125 → 19-59 µs; but 3136 x 128 at `m = 2`: 15 → 32 µs,
/// and every product with `k` or `n` under 256 (64 x 64, 256 x 10,
/// 4096 x 10, 10 x 256) was 2-13x slower here.
pub fn pays_off(m: usize, k: usize, n: usize) -> bool {
    (2..=4).contains(&m) && k >= 256 && n >= 256
}

/// `c = a · b` (or `c += a · b` when `accumulate`) for any `m`, when
/// [`fits_layout`]; `c` may have any strides and, when not
/// accumulating, is never read. Its naive twin is
/// [`matmul_naive`](super::gemm::matmul_naive).
///
/// ```
/// use nncore::kernels::gemm::{MatMut, MatRef};
/// use nncore::kernels::gemv::matmul_small;
/// let x = [1.0f32, 2.0, 3.0];
/// let w = [1.0f32, 0.0, 0.0, 1.0, 1.0, 1.0]; // [out = 2, in = 3]
/// let mut y = [0.0f32; 2];
/// let (a, b) = (MatRef::row_major(&x, 1, 3), MatRef::row_major(&w, 2, 3).t());
/// matmul_small(a, b, MatMut::row_major(&mut y, 1, 2), false);
/// assert_eq!(y, [1.0, 6.0]);
/// ```
///
/// # Panics
/// If the shapes do not fit or the layout does not ([`fits_layout`]).
pub fn matmul_small<E: Element>(a: MatRef<E>, b: MatRef<E>, mut c: MatMut<E>, accumulate: bool) {
    check(&a, &b, &c);
    simd::dispatch(
        #[inline(always)]
        || rows(&a, &b, &mut c, accumulate),
    );
}

/// [`matmul_small`] compiled for `level`, or `None` if this CPU lacks it:
/// the tests compare every level with the naive product and the baseline.
#[cfg(test)]
pub(crate) fn matmul_small_at<E: Element>(
    level: simd::Level,
    a: MatRef<E>,
    b: MatRef<E>,
    mut c: MatMut<E>,
    accumulate: bool,
) -> Option<()> {
    check(&a, &b, &c);
    simd::dispatch_at(
        level,
        #[inline(always)]
        || rows(&a, &b, &mut c, accumulate),
    )
}

fn check<E>(a: &MatRef<E>, b: &MatRef<E>, c: &MatMut<E>) {
    assert!(
        a.cols() == b.rows() && c.rows() == a.rows() && c.cols() == b.cols(),
        "matmul_small: ({}x{}) · ({}x{}) does not fit a {}x{} output",
        a.rows(),
        a.cols(),
        b.rows(),
        b.cols(),
        c.rows(),
        c.cols()
    );
    assert!(fits_layout(a, b), "matmul_small: layout not handled");
}

/// Every row of `c`, [`COLS`] columns at a time.
#[inline(always)]
fn rows<E: Element>(a: &MatRef<E>, b: &MatRef<E>, c: &mut MatMut<E>, accumulate: bool) {
    let n = b.cols();
    for i in 0..a.rows() {
        let x = a.row(i);
        let mut store = |j: usize, s: E| {
            let dst = c.get_mut(i, j);
            *dst = if accumulate { *dst + s } else { s };
        };
        let mut j = 0;
        while j + COLS <= n {
            let sums: [E; COLS] = dot_cols(x, std::array::from_fn(|q| b.col(j + q)));
            for (q, s) in sums.into_iter().enumerate() {
                store(j + q, s);
            }
            j += COLS;
        }
        for j in j..n {
            store(j, dot_cols(x, [b.col(j)])[0]);
        }
    }
}

/// Dot products of `x` with [`COLS`] columns of `b` at once (or one, for
/// the last columns), each summed in [`LANES`] partial sums (element `p`
/// into lane `p % LANES`, in order of `p`) that are then added pairwise,
/// halves first: the same order whichever the count.
///
/// Why zipped chunk iterators and by-value lane arrays: written with
/// indexing, LLVM kept bounds checks and some partial sums in memory
/// inside the loop and the kernel ran slower than gemm.
#[inline(always)]
fn dot_cols<E: Element, const C: usize>(x: &[E], ys: [&[E]; C]) -> [E; C] {
    let k = x.len();
    let (xv, xt) = x.as_chunks::<LANES>();
    let yv = ys.map(|y| y[..k].as_chunks::<LANES>());
    let mut acc = [[E::zero(); LANES]; C];
    if let Ok(&[y0, y1, y2, y3, y4, y5, y6, y7]) =
        <&[(&[[E; LANES]], &[E]); COLS]>::try_from(&yv[..])
    {
        let sums = dot8_chunks(xv, [y0.0, y1.0, y2.0, y3.0, y4.0, y5.0, y6.0, y7.0]);
        acc.as_mut_slice().copy_from_slice(&sums);
    } else {
        for (acc, (yc, _)) in acc.iter_mut().zip(yv) {
            for (xp, yp) in xv.iter().zip(yc) {
                *acc = mul_add_lanes(*acc, xp, yp);
            }
        }
    }
    for (acc, (_, yt)) in acc.iter_mut().zip(yv) {
        for ((a, &x), &y) in acc.iter_mut().zip(xt).zip(yt) {
            *a += x * y;
        }
    }
    acc.map(sum_lanes)
}

/// The lane sums of eight dot products over whole chunks.
///
/// Why eight named sums: kept in an array, LLVM stored them back to the
/// stack every iteration.
#[inline(always)]
fn dot8_chunks<E: Element>(x: &[[E; LANES]], ys: [&[[E; LANES]]; COLS]) -> [[E; LANES]; COLS] {
    let z = [E::zero(); LANES];
    let (mut a0, mut a1, mut a2, mut a3) = (z, z, z, z);
    let (mut a4, mut a5, mut a6, mut a7) = (z, z, z, z);
    let [y0, y1, y2, y3, y4, y5, y6, y7] = ys;
    let chunks = x.iter().zip(y0).zip(y1).zip(y2).zip(y3);
    let chunks = chunks.zip(y4).zip(y5).zip(y6).zip(y7);
    for ((((((((xp, c0), c1), c2), c3), c4), c5), c6), c7) in chunks {
        let xp = *xp;
        a0 = mul_add_lanes(a0, &xp, c0);
        a1 = mul_add_lanes(a1, &xp, c1);
        a2 = mul_add_lanes(a2, &xp, c2);
        a3 = mul_add_lanes(a3, &xp, c3);
        a4 = mul_add_lanes(a4, &xp, c4);
        a5 = mul_add_lanes(a5, &xp, c5);
        a6 = mul_add_lanes(a6, &xp, c6);
        a7 = mul_add_lanes(a7, &xp, c7);
    }
    [a0, a1, a2, a3, a4, a5, a6, a7]
}

/// `acc + x · y` lane by lane (a multiply, then an add).
///
/// Why by value: the partial sums then stay in vector registers across
/// the loop; updated in place through an index, LLVM kept some of them in
/// memory and reloaded them every iteration.
#[inline(always)]
fn mul_add_lanes<E: Element>(acc: [E; LANES], x: &[E; LANES], y: &[E; LANES]) -> [E; LANES] {
    let mut out = acc;
    for l in 0..LANES {
        out[l] = acc[l] + x[l] * y[l];
    }
    out
}

/// The sum of the lanes, added pairwise: halves, then quarters, ...
#[inline(always)]
fn sum_lanes<E: Element>(mut v: [E; LANES]) -> E {
    let mut half = LANES / 2;
    while half > 0 {
        for l in 0..half {
            v[l] += v[l + half];
        }
        half /= 2;
    }
    v[0]
}
