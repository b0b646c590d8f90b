//! Softmax and log-softmax over one dimension of a contiguous tensor, and
//! their backward passes.
//!
//! Layout: the tensor is viewed as `[outer, n, inner]` (row-major), and the
//! reduction runs over the middle dimension `n`, whose stride is `inner`.
//! Softmax over `dim = d` of a shape `(s0, .., s_k)` is `outer = s0*..*s_{d-1}`,
//! `n = s_d`, `inner = s_{d+1}*..*s_k`. With `inner > 1` the kernels walk
//! each `[n, inner]` block row by row and keep `inner` running maxima and
//! sums, so memory is read contiguously instead of with stride `inner`.
//!
//! Numerics follow PyTorch: the maximum is subtracted before `exp` (and
//! log-softmax is `(x - max) - log Σ exp(x - max)`), so large inputs do not
//! overflow; a slice that is entirely `-inf` gives NaN (`-inf - -inf`), as
//! PyTorch does, and a NaN anywhere in a slice makes the whole slice NaN.
//!
//! All four functions **overwrite** their output. `outer` blocks are split
//! across rayon threads above [`SOFTMAX_PARALLEL_THRESHOLD`] elements.

use crate::Element;
use rayon::prelude::*;

/// Elements above which the `outer` blocks are split across rayon threads.
pub const SOFTMAX_PARALLEL_THRESHOLD: usize = 1 << 15;

#[track_caller]
fn check(outer: usize, n: usize, inner: usize, lens: &[usize]) {
    let want = outer * n * inner;
    for &l in lens {
        assert_eq!(
            l, want,
            "softmax: a slice has {l} elements, [{outer}, {n}, {inner}] needs {want}"
        );
    }
}

/// Runs `f(block_a, block_b, block_out, scratch)` on every `[n, inner]`
/// block, with a per-thread scratch of `2 * inner` elements.
fn blocks<E: Element>(
    outer: usize,
    n: usize,
    inner: usize,
    a: &[E],
    b: &[E],
    out: &mut [E],
    f: impl Fn(&[E], &[E], &mut [E], &mut [E]) + Sync,
) {
    let len = (n * inner).max(1);
    if outer > 1
        && outer * n * inner >= SOFTMAX_PARALLEL_THRESHOLD
        && crate::threads::get_num_threads() > 1
    {
        crate::threads::install(|| {
            out.par_chunks_mut(len)
                .zip(a.par_chunks(len).zip(b.par_chunks(len)))
                .for_each_init(
                    || vec![E::zero(); 2 * inner],
                    |s, (o, (a, b))| f(a, b, o, s),
                )
        });
    } else {
        // Scratch from the pool: softmax runs every training step.
        let mut s = crate::pool::take_zeroed(2 * inner);
        for (o, (a, b)) in out.chunks_mut(len).zip(a.chunks(len).zip(b.chunks(len))) {
            f(a, b, o, &mut s);
        }
        crate::pool::give_back(s);
    }
}

/// Per column `i` of a `[n, inner]` block: `m[i] = max_j x[j, i]` (NaNs
/// skipped here; they propagate through the exp) and `s[i] = Σ_j exp(x[j, i] - m[i])`.
/// Leaves `exp(x - m)` in `y`.
fn max_and_sum<E: Element>(x: &[E], y: &mut [E], m: &mut [E], s: &mut [E]) {
    let inner = m.len();
    m.fill(E::neg_infinity());
    for row in x.chunks_exact(inner) {
        for (m, &v) in m.iter_mut().zip(row) {
            if v > *m {
                *m = v;
            }
        }
    }
    s.fill(E::zero());
    for (yr, xr) in y.chunks_exact_mut(inner).zip(x.chunks_exact(inner)) {
        for (((y, &x), &m), s) in yr.iter_mut().zip(xr).zip(m.iter()).zip(s.iter_mut()) {
            *y = (x - m).exp();
            *s += *y;
        }
    }
}

/// Softmax of one contiguous row (`inner == 1`, the last dimension, as in
/// attention): the operations of the block code in the same order (so the
/// same numbers), over plain slices, which compile to tighter loops than
/// the block code's one-lane columns.
fn softmax_row<E: Element>(x: &[E], y: &mut [E]) {
    let mut m = E::neg_infinity();
    for &v in x {
        if v > m {
            m = v;
        }
    }
    let mut s = E::zero();
    for (y, &x) in y.iter_mut().zip(x) {
        *y = (x - m).exp();
        s += *y;
    }
    for y in y.iter_mut() {
        *y /= s;
    }
}

/// Softmax backward of one contiguous row, as [`softmax_row`].
fn softmax_backward_row<E: Element>(y: &[E], gy: &[E], gx: &mut [E]) {
    let mut dot = E::zero();
    for (&y, &g) in y.iter().zip(gy) {
        dot += y * g;
    }
    for ((x, &y), &g) in gx.iter_mut().zip(y).zip(gy) {
        *x = y * (g - dot);
    }
}

/// `y = exp(x - max) / Σ exp(x - max)` along `n`. **Overwrites** `y`.
///
/// # Panics
/// If `x` or `y` does not have `outer * n * inner` elements.
pub fn softmax_forward<E: Element>(outer: usize, n: usize, inner: usize, x: &[E], y: &mut [E]) {
    check(outer, n, inner, &[x.len(), y.len()]);
    blocks(outer, n, inner, x, x, y, |x, _, y, scratch| {
        if inner == 1 {
            return softmax_row(x, y);
        }
        let (m, s) = scratch.split_at_mut(inner);
        max_and_sum(x, y, m, s);
        for yr in y.chunks_exact_mut(inner) {
            yr.iter_mut().zip(s.iter()).for_each(|(y, &s)| *y /= s);
        }
    });
}

/// `y = x - max - log Σ exp(x - max)` along `n`. **Overwrites** `y`.
///
/// # Panics
/// If `x` or `y` does not have `outer * n * inner` elements.
pub fn log_softmax_forward<E: Element>(outer: usize, n: usize, inner: usize, x: &[E], y: &mut [E]) {
    check(outer, n, inner, &[x.len(), y.len()]);
    blocks(outer, n, inner, x, x, y, |x, _, y, scratch| {
        let (m, s) = scratch.split_at_mut(inner);
        max_and_sum(x, y, m, s);
        // `(x - max) - log(sum)`, in this order as PyTorch: subtracting
        // `max + log(sum)` at once would lose digits when |max| is large.
        s.iter_mut().for_each(|s| *s = s.ln());
        for (yr, xr) in y.chunks_exact_mut(inner).zip(x.chunks_exact(inner)) {
            for (((y, &x), &m), &l) in yr.iter_mut().zip(xr).zip(m.iter()).zip(s.iter()) {
                *y = (x - m) - l;
            }
        }
    });
}

/// Softmax backward from the forward **output** `y`:
/// `grad_x = y * (grad_y - Σ_n grad_y * y)`. **Overwrites** `grad_x`.
///
/// # Panics
/// If a slice does not have `outer * n * inner` elements.
pub fn softmax_backward<E: Element>(
    outer: usize,
    n: usize,
    inner: usize,
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    check(outer, n, inner, &[y.len(), grad_y.len(), grad_x.len()]);
    blocks(outer, n, inner, y, grad_y, grad_x, |y, gy, gx, scratch| {
        if inner == 1 {
            return softmax_backward_row(y, gy, gx);
        }
        let dot = &mut scratch[..inner];
        dot.fill(E::zero());
        for (yr, gr) in y.chunks_exact(inner).zip(gy.chunks_exact(inner)) {
            for ((d, &y), &g) in dot.iter_mut().zip(yr).zip(gr) {
                *d += y * g;
            }
        }
        for ((xr, yr), gr) in gx
            .chunks_exact_mut(inner)
            .zip(y.chunks_exact(inner))
            .zip(gy.chunks_exact(inner))
        {
            for (((x, &y), &g), &d) in xr.iter_mut().zip(yr).zip(gr).zip(dot.iter()) {
                *x = y * (g - d);
            }
        }
    });
}

/// Log-softmax backward from the forward **output** `y`:
/// `grad_x = grad_y - exp(y) * Σ_n grad_y`. **Overwrites** `grad_x`.
///
/// # Panics
/// If a slice does not have `outer * n * inner` elements.
pub fn log_softmax_backward<E: Element>(
    outer: usize,
    n: usize,
    inner: usize,
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    check(outer, n, inner, &[y.len(), grad_y.len(), grad_x.len()]);
    blocks(outer, n, inner, y, grad_y, grad_x, |y, gy, gx, scratch| {
        let sum = &mut scratch[..inner];
        sum.fill(E::zero());
        for gr in gy.chunks_exact(inner) {
            sum.iter_mut().zip(gr).for_each(|(s, &g)| *s += g);
        }
        for ((xr, yr), gr) in gx
            .chunks_exact_mut(inner)
            .zip(y.chunks_exact(inner))
            .zip(gy.chunks_exact(inner))
        {
            for (((x, &y), &g), &s) in xr.iter_mut().zip(yr).zip(gr).zip(sum.iter()) {
                *x = g - y.exp() * s;
            }
        }
    });
}

/// Index of element `j` of slice `(o, i)` in the `[outer, n, inner]` layout.
#[inline]
fn at(n: usize, inner: usize, o: usize, j: usize, i: usize) -> usize {
    (o * n + j) * inner + i
}

/// Calls `f(indices)` with the `n` indices of every reduced slice `(o, i)`.
fn for_each_slice(outer: usize, n: usize, inner: usize, mut f: impl FnMut(&[usize])) {
    for o in 0..outer {
        for i in 0..inner {
            let idx: Vec<usize> = (0..n).map(|j| at(n, inner, o, j, i)).collect();
            f(&idx);
        }
    }
}

/// Reference twin of [`softmax_forward`]: one strided slice at a time.
pub fn softmax_forward_naive<E: Element>(
    outer: usize,
    n: usize,
    inner: usize,
    x: &[E],
    y: &mut [E],
) {
    check(outer, n, inner, &[x.len(), y.len()]);
    for_each_slice(outer, n, inner, |idx| {
        let m = idx
            .iter()
            .map(|&k| x[k])
            .fold(E::neg_infinity(), |a, b| if b > a { b } else { a });
        let s: E = idx.iter().map(|&k| (x[k] - m).exp()).sum();
        idx.iter().for_each(|&k| y[k] = (x[k] - m).exp() / s);
    });
}

/// Reference twin of [`log_softmax_forward`].
pub fn log_softmax_forward_naive<E: Element>(
    outer: usize,
    n: usize,
    inner: usize,
    x: &[E],
    y: &mut [E],
) {
    check(outer, n, inner, &[x.len(), y.len()]);
    for_each_slice(outer, n, inner, |idx| {
        let m = idx
            .iter()
            .map(|&k| x[k])
            .fold(E::neg_infinity(), |a, b| if b > a { b } else { a });
        let l = idx.iter().map(|&k| (x[k] - m).exp()).sum::<E>().ln();
        idx.iter().for_each(|&k| y[k] = (x[k] - m) - l);
    });
}

/// Reference twin of [`softmax_backward`].
pub fn softmax_backward_naive<E: Element>(
    outer: usize,
    n: usize,
    inner: usize,
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    check(outer, n, inner, &[y.len(), grad_y.len(), grad_x.len()]);
    for_each_slice(outer, n, inner, |idx| {
        let dot: E = idx.iter().map(|&k| y[k] * grad_y[k]).sum();
        idx.iter()
            .for_each(|&k| grad_x[k] = y[k] * (grad_y[k] - dot));
    });
}

/// Reference twin of [`log_softmax_backward`].
pub fn log_softmax_backward_naive<E: Element>(
    outer: usize,
    n: usize,
    inner: usize,
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    check(outer, n, inner, &[y.len(), grad_y.len(), grad_x.len()]);
    for_each_slice(outer, n, inner, |idx| {
        let s: E = idx.iter().map(|&k| grad_y[k]).sum();
        idx.iter()
            .for_each(|&k| grad_x[k] = grad_y[k] - y[k].exp() * s);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testutil::{assert_close, random_vec, rng, tol};

    type Fwd<E> = fn(usize, usize, usize, &[E], &mut [E]);
    type Bwd<E> = fn(usize, usize, usize, &[E], &[E], &mut [E]);

    fn agree<E: Element>(seed: u64) {
        let mut r = rng(seed);
        let fwd: [(Fwd<E>, Fwd<E>, &str); 2] = [
            (softmax_forward, softmax_forward_naive, "softmax"),
            (
                log_softmax_forward,
                log_softmax_forward_naive,
                "log_softmax",
            ),
        ];
        let bwd: [(Bwd<E>, Bwd<E>); 2] = [
            (softmax_backward, softmax_backward_naive),
            (log_softmax_backward, log_softmax_backward_naive),
        ];
        for &(outer, n, inner) in &[
            (1, 1, 1),
            (3, 7, 1),
            (2, 5, 3),
            (1, 1, 9),
            (4, 10, 13),
            (70, 33, 16),
        ] {
            let len = outer * n * inner;
            let x: Vec<E> = random_vec::<E>(&mut r, len)
                .iter()
                .map(|&v| v * E::of(30.0))
                .collect();
            let gy = random_vec::<E>(&mut r, len);
            for ((f, f_naive, name), (b, b_naive)) in fwd.iter().zip(&bwd) {
                let (mut y1, mut y2) = (vec![E::nan(); len], vec![E::nan(); len]);
                f(outer, n, inner, &x, &mut y1);
                f_naive(outer, n, inner, &x, &mut y2);
                assert_close(
                    &y1,
                    &y2,
                    tol::<E>(),
                    &format!("{name} [{outer},{n},{inner}]"),
                );
                let (mut g1, mut g2) = (vec![E::nan(); len], vec![E::nan(); len]);
                b(outer, n, inner, &y1, &gy, &mut g1);
                b_naive(outer, n, inner, &y2, &gy, &mut g2);
                assert_close(
                    &g1,
                    &g2,
                    tol::<E>(),
                    &format!("{name} backward [{outer},{n},{inner}]"),
                );
            }
        }
    }

    #[test]
    fn softmax_agrees_with_naive() {
        agree::<f32>(11);
        agree::<f64>(12);
    }

    #[test]
    fn known_values_and_stability() {
        let x = [1.0f64, 2.0, 3.0, 1000.0, 1001.0, 1002.0];
        let mut y = [0.0; 6];
        softmax_forward(2, 3, 1, &x, &mut y);
        let e = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219];
        assert_close(&y, &[e, e].concat(), 1e-15, "softmax");
        log_softmax_forward(2, 3, 1, &x, &mut y);
        let l = [
            -2.4076059644443806,
            -1.4076059644443804,
            -0.4076059644443803,
        ];
        assert_close(&y, &[l, l].concat(), 1e-15, "log_softmax");
        // Along dim 0 of a 3x2 matrix: inner = 2.
        let x = [1.0f32, 0.0, 2.0, 0.0, 3.0, 0.0];
        let mut y = [0.0f32; 6];
        softmax_forward(1, 3, 2, &x, &mut y);
        assert_close(
            &y,
            &[
                0.09003057,
                1.0 / 3.0,
                0.24472847,
                1.0 / 3.0,
                0.66524096,
                1.0 / 3.0,
            ],
            1e-6,
            "dim 0",
        );
    }

    #[test]
    fn all_neg_inf_gives_nan_like_pytorch() {
        let x = [f64::NEG_INFINITY; 3];
        let mut y = [0.0; 3];
        softmax_forward(1, 3, 1, &x, &mut y);
        assert!(y.iter().all(|v| v.is_nan()));
        log_softmax_forward(1, 3, 1, &x, &mut y);
        assert!(y.iter().all(|v| v.is_nan()));
        // One -inf among finite values is just probability 0.
        let x = [f64::NEG_INFINITY, 0.0];
        softmax_forward(1, 2, 1, &x, &mut y[..2]);
        assert_eq!(&y[..2], &[0.0, 1.0]);
    }
}
