//! Products with very few rows on the left (`m` ≤ [`MAX_ROWS`]): batch-1
//! and tiny-batch `Linear` layers, where [`matmul`](super::matmul) would
//! spend most of its time in gemm's general machinery.
//!
//! Why a kernel of its own: for `x · Wᵀ` with one row of `x` the work is
//! one dot product per row of the weight, and the time is the time to
//! stream the weight from cache. gemm's small-`m` micro-kernel keeps too few
//! independent sums in flight to stream at the core's rate; here
//! [`COLS`] dot products (columns of `b`) run at once, each in a
//! [`LANES`]-wide array of partial sums, so the loads never wait on one
//! chain of additions.
//!
//! Two layouts of `b` are handled, both reading `b` exactly once:
//! - **columns contiguous** (`b = Wᵀ` of a row-major `W`, the `Linear`
//!   forward): dot products, [`dot_columns`];
//! - **rows contiguous** (`b = W`, the `Linear` input gradient
//!   `g · W`): rows of `b` scaled and summed, [`axpy_rows`].
//!
//! The kernels are plain Rust under [`simd::dispatch`](super::simd), with
//! separate multiplies and adds (never fused) and an explicit summation
//! order, so every instruction-set level computes the same bits.

use super::gemm::{MatMut, MatRef};
use super::simd;
use crate::Element;

/// The largest `m` (rows of `a` and `c`) these kernels take; above it gemm
/// reuses each loaded piece of `b` across enough rows to be faster.
pub const MAX_ROWS: usize = 4;

/// Partial sums per dot product (one AVX-512 register of `f32`).
pub const LANES: usize = 16;

/// Dot products computed together by [`dot_columns`] for one row of `a`.
pub const COLS: usize = 8;

/// Vectors of [`LANES`] outputs kept in registers by [`axpy_rows`].
const AXPY_VECTORS: usize = 8;

/// Whether [`matmul_small`] takes this product: few rows in `a`, rows of
/// `a` contiguous, and `b` contiguous along one of its dimensions.
pub fn handles<E>(a: &MatRef<E>, b: &MatRef<E>) -> bool {
    a.rows() <= MAX_ROWS
        && (a.col_stride() == 1 || a.cols() <= 1)
        && (b.row_stride() == 1 || b.col_stride() == 1 || b.rows() <= 1 || b.cols() <= 1)
}

/// `c = a · b` (or `c += a · b` when `accumulate`) for a product
/// [`handles`] accepts; `c` may have any strides and, when not
/// accumulating, is never read.
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
/// If the shapes do not fit or [`handles`] is false.
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
    assert!(handles(a, b), "matmul_small: layout not handled");
}

/// Every row of `c`, by the kernel that suits `b`'s layout.
#[inline(always)]
fn rows<E: Element>(a: &MatRef<E>, b: &MatRef<E>, c: &mut MatMut<E>, accumulate: bool) {
    let columns_contiguous = b.row_stride() == 1 || b.rows() <= 1;
    for i in 0..a.rows() {
        let x = a.row(i);
        if columns_contiguous {
            dot_columns(x, b, c, i, accumulate);
        } else {
            axpy_rows(x, b, c, i, accumulate);
        }
    }
}

/// Writes `s` to `c(i, j)`, or adds it when `accumulate`.
#[inline(always)]
fn store<E: Element>(c: &mut MatMut<E>, i: usize, j: usize, s: E, accumulate: bool) {
    let dst = c.get_mut(i, j);
    *dst = if accumulate { *dst + s } else { s };
}

/// Row `i` of `c` from the dot products of `x` (length `k`) with every
/// column of `b`, whose columns are contiguous.
#[inline(always)]
fn dot_columns<E: Element>(x: &[E], b: &MatRef<E>, c: &mut MatMut<E>, i: usize, accumulate: bool) {
    let n = b.cols();
    let mut j = 0;
    while j + COLS <= n {
        let cols: [&[E]; COLS] = std::array::from_fn(|q| b.col(j + q));
        let sums = dot_many(x, cols);
        for (q, s) in sums.into_iter().enumerate() {
            store(c, i, j + q, s, accumulate);
        }
        j += COLS;
    }
    for j in j..n {
        let [s] = dot_many(x, [b.col(j)]);
        store(c, i, j, s, accumulate);
    }
}

/// `C` dot products of `x` with `ys[q]` (all of `x`'s length), each summed
/// in [`LANES`] partial sums (element `p` into lane `p % LANES`, in order
/// of `p`) that are then added pairwise, halves first.
#[inline(always)]
fn dot_many<E: Element, const C: usize>(x: &[E], ys: [&[E]; C]) -> [E; C] {
    let k = x.len();
    let full = k / LANES;
    let (xv, xt) = x.as_chunks::<LANES>();
    let xv = &xv[..full];
    let ys = ys.map(|y| {
        let (v, t) = y[..k].as_chunks::<LANES>();
        (&v[..full], t)
    });
    let mut acc = [[E::zero(); LANES]; C];
    for p in 0..full {
        let xp = &xv[p];
        for (acc, (yv, _)) in acc.iter_mut().zip(&ys) {
            let yp = &yv[p];
            for l in 0..LANES {
                acc[l] = acc[l] + xp[l] * yp[l];
            }
        }
    }
    for (acc, (_, yt)) in acc.iter_mut().zip(&ys) {
        for ((a, &xe), &ye) in acc.iter_mut().zip(xt).zip(*yt) {
            *a = *a + xe * ye;
        }
    }
    acc.map(sum_lanes)
}

/// The sum of the lanes, added pairwise: halves, then quarters, ...
#[inline(always)]
fn sum_lanes<E: Element>(mut v: [E; LANES]) -> E {
    let mut half = LANES / 2;
    while half > 0 {
        for l in 0..half {
            v[l] = v[l] + v[l + half];
        }
        half /= 2;
    }
    v[0]
}

/// Row `i` of `c` as `Σ_p x[p] · (row p of b)`, `b`'s rows contiguous:
/// outputs in blocks of [`AXPY_VECTORS`] × [`LANES`] kept in registers
/// while the rows of `b` stream past; each output sums its terms in order
/// of `p`.
#[inline(always)]
fn axpy_rows<E: Element>(
    x: &[E],
    b: &MatRef<E>,
    c: &mut MatMut<E>,
    i: usize,
    accumulate: bool,
) {
    let n = b.cols();
    const BLOCK: usize = AXPY_VECTORS * LANES;
    let mut j = 0;
    while j + BLOCK <= n {
        let sums = axpy_block::<E, BLOCK>(x, b, j);
        for (q, s) in sums.into_iter().enumerate() {
            store(c, i, j + q, s, accumulate);
        }
        j += BLOCK;
    }
    while j + LANES <= n {
        let sums = axpy_block::<E, LANES>(x, b, j);
        for (q, s) in sums.into_iter().enumerate() {
            store(c, i, j + q, s, accumulate);
        }
        j += LANES;
    }
    for j in j..n {
        let [s] = axpy_block::<E, 1>(x, b, j);
        store(c, i, j, s, accumulate);
    }
}

/// Outputs `j..j + W` of `x · b`, `b`'s rows contiguous.
#[inline(always)]
fn axpy_block<E: Element, const W: usize>(x: &[E], b: &MatRef<E>, j: usize) -> [E; W] {
    let mut acc = [E::zero(); W];
    for (p, &xp) in x.iter().enumerate() {
        let row: &[E; W] = b.row(p)[j..j + W].try_into().expect("W columns");
        for (a, &v) in acc.iter_mut().zip(row) {
            *a = *a + xp * v;
        }
    }
    acc
}
