//! Elementwise kernels: unary activations through one small trait, and
//! `sum` / `axpy`-style helpers on slices.
//!
//! An activation is a [`UnaryKernel`]: a scalar `f` and its derivative `df`
//! (given both the input and the output, so `Sigmoid` and `Tanh` reuse the
//! output and `ReLU` never recomputes). One generic driver,
//! [`unary_forward`] / [`unary_backward`], runs it over slices in chunks of
//! [`CHUNK`] elements, plain zipped loops the compiler vectorises for the
//! CPU's widest vectors through [`simd::dispatch`], and across rayon
//! threads above [`PARALLEL_THRESHOLD`] elements. A new activation is a
//! struct and ~15 lines. Each chunk body (`*_chunk`, `sum_blocks`) is a
//! separate `#[inline(always)]` function so the tests can run it at every
//! [`simd::Level`] against the naive twins.
//!
//! Formulas are PyTorch's, including its choices at the edges (ReLU's
//! gradient is 0 at 0; Softplus is linear above its threshold; Hardtanh's
//! gradient is 0 at the limits; NaN propagates through ReLU and Hardtanh).

use super::erf::erf;
use super::simd;
use crate::Element;
use rayon::prelude::*;

/// Elements per work unit: small enough to stay in L1/L2, large enough that
/// per-chunk overhead is negligible.
pub const CHUNK: usize = 1 << 12;

/// Elements above which the elementwise kernels use rayon.
pub const PARALLEL_THRESHOLD: usize = 1 << 15;

fn parallel(len: usize) -> bool {
    len >= PARALLEL_THRESHOLD && rayon::current_num_threads() > 1
}

/// A scalar activation and its derivative.
pub trait UnaryKernel: Sync {
    /// The activation `y = f(x)`.
    fn f<E: Element>(&self, x: E) -> E;
    /// The derivative `dy/dx` at `x`, where `y = f(x)` is given too.
    fn df<E: Element>(&self, x: E, y: E) -> E;
}

#[track_caller]
fn check_lens(lens: &[usize]) {
    assert!(
        lens.windows(2).all(|w| w[0] == w[1]),
        "elementwise: slice lengths differ: {lens:?}"
    );
}

/// `y[i] = k.f(x[i])`. **Overwrites** `y`.
///
/// # Panics
/// If `x` and `y` differ in length.
pub fn unary_forward<K: UnaryKernel, E: Element>(k: &K, x: &[E], y: &mut [E]) {
    check_lens(&[x.len(), y.len()]);
    let run = |(y, x): (&mut [E], &[E])| {
        simd::dispatch(
            #[inline(always)]
            || forward_chunk(k, x, y),
        )
    };
    if parallel(x.len()) {
        y.par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK))
            .for_each(run);
    } else {
        y.chunks_mut(CHUNK).zip(x.chunks(CHUNK)).for_each(run);
    }
}

/// The loop of [`unary_forward`] on one chunk. `#[inline(always)]` so that
/// [`simd::dispatch`] compiles it (and `k.f`) for each instruction set.
#[inline(always)]
pub(super) fn forward_chunk<K: UnaryKernel, E: Element>(k: &K, x: &[E], y: &mut [E]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = k.f(x);
    }
}

/// `grad_x[i] = grad_y[i] * k.df(x[i], y[i])`, where `y` is the forward
/// output. **Overwrites** `grad_x`.
///
/// # Panics
/// If the slices differ in length.
pub fn unary_backward<K: UnaryKernel, E: Element>(
    k: &K,
    x: &[E],
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    check_lens(&[x.len(), y.len(), grad_y.len(), grad_x.len()]);
    let run = |gx: &mut [E], x: &[E], y: &[E], gy: &[E]| {
        simd::dispatch(
            #[inline(always)]
            || backward_chunk(k, x, y, gy, gx),
        )
    };
    if parallel(x.len()) {
        let inputs = x
            .par_chunks(CHUNK)
            .zip(y.par_chunks(CHUNK))
            .zip(grad_y.par_chunks(CHUNK));
        grad_x
            .par_chunks_mut(CHUNK)
            .zip(inputs)
            .for_each(|(gx, ((x, y), gy))| run(gx, x, y, gy));
    } else {
        let inputs = x
            .chunks(CHUNK)
            .zip(y.chunks(CHUNK))
            .zip(grad_y.chunks(CHUNK));
        grad_x
            .chunks_mut(CHUNK)
            .zip(inputs)
            .for_each(|(gx, ((x, y), gy))| run(gx, x, y, gy));
    }
}

/// The loop of [`unary_backward`] on one chunk (inlined like
/// [`forward_chunk`]).
#[inline(always)]
pub(super) fn backward_chunk<K: UnaryKernel, E: Element>(
    k: &K,
    x: &[E],
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    for (((gx, &x), &y), &gy) in grad_x.iter_mut().zip(x).zip(y).zip(grad_y) {
        *gx = gy * k.df(x, y);
    }
}

/// Reference twin of [`unary_forward`]: one plain loop.
pub fn unary_forward_naive<K: UnaryKernel, E: Element>(k: &K, x: &[E], y: &mut [E]) {
    check_lens(&[x.len(), y.len()]);
    for i in 0..x.len() {
        y[i] = k.f(x[i]);
    }
}

/// Reference twin of [`unary_backward`].
pub fn unary_backward_naive<K: UnaryKernel, E: Element>(
    k: &K,
    x: &[E],
    y: &[E],
    grad_y: &[E],
    grad_x: &mut [E],
) {
    check_lens(&[x.len(), y.len(), grad_y.len(), grad_x.len()]);
    for i in 0..x.len() {
        grad_x[i] = grad_y[i] * k.df(x[i], y[i]);
    }
}

/// `max(x, 0)`; NaN stays NaN. Gradient 1 where `x > 0`, else 0.
#[derive(Clone, Copy, Debug, Default)]
pub struct Relu;
impl UnaryKernel for Relu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        if x < E::zero() { E::zero() } else { x }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        if x > E::zero() { E::one() } else { E::zero() }
    }
}

/// `1 / (1 + exp(-x))`; gradient `y * (1 - y)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sigmoid;
impl UnaryKernel for Sigmoid {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        E::one() / (E::one() + (-x).exp())
    }
    #[inline(always)]
    fn df<E: Element>(&self, _x: E, y: E) -> E {
        y * (E::one() - y)
    }
}

/// `tanh(x)`; gradient `1 - y²`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tanh;
impl UnaryKernel for Tanh {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        x.tanh()
    }
    #[inline(always)]
    fn df<E: Element>(&self, _x: E, y: E) -> E {
        E::one() - y * y
    }
}

/// `x` if `x > 0` else `slope * x` (PyTorch's default slope is 0.01).
#[derive(Clone, Copy, Debug)]
pub struct LeakyRelu {
    /// Slope for negative inputs.
    pub slope: f64,
}
impl UnaryKernel for LeakyRelu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        if x > E::zero() {
            x
        } else {
            x * E::of(self.slope)
        }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            E::of(self.slope)
        }
    }
}

/// `x` if `x > 0` else `alpha * (exp(x) - 1)` (PyTorch's default alpha is 1).
#[derive(Clone, Copy, Debug)]
pub struct Elu {
    /// Scale of the negative part.
    pub alpha: f64,
}
impl UnaryKernel for Elu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        if x > E::zero() {
            x
        } else {
            E::of(self.alpha) * x.exp_m1()
        }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            E::of(self.alpha) * x.exp()
        }
    }
}

/// Exact GELU, PyTorch's `approximate='none'`: `x * Φ(x) = 0.5 x (1 + erf(x/√2))`.
/// Computed in `f64` (with a full-precision [`erf`]) and rounded.
#[derive(Clone, Copy, Debug, Default)]
pub struct Gelu;
impl UnaryKernel for Gelu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        let x = x.as_f64();
        E::of(0.5 * x * (1.0 + erf(x * std::f64::consts::FRAC_1_SQRT_2)))
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        let x = x.as_f64();
        let cdf = 0.5 * (1.0 + erf(x * std::f64::consts::FRAC_1_SQRT_2));
        let pdf = (-0.5 * x * x).exp()
            * (std::f64::consts::FRAC_2_SQRT_PI * std::f64::consts::FRAC_1_SQRT_2 * 0.5);
        E::of(cdf + x * pdf)
    }
}

/// GELU with PyTorch's `approximate='tanh'`:
/// `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`.
#[derive(Clone, Copy, Debug, Default)]
pub struct GeluTanh;
const GELU_BETA: f64 = std::f64::consts::SQRT_2 * std::f64::consts::FRAC_2_SQRT_PI * 0.5;
const GELU_KAPPA: f64 = 0.044715;
impl UnaryKernel for GeluTanh {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        let (b, k, half) = (E::of(GELU_BETA), E::of(GELU_KAPPA), E::of(0.5));
        half * x * (E::one() + (b * (x + k * x * x * x)).tanh())
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        let (b, k, half) = (E::of(GELU_BETA), E::of(GELU_KAPPA), E::of(0.5));
        let t = (b * (x + k * x * x * x)).tanh();
        let inner_derivative = b * (E::one() + E::of(3.0) * k * x * x);
        half * (E::one() + t) + half * x * (E::one() - t * t) * inner_derivative
    }
}

/// SiLU (swish): `x * sigmoid(x)`; gradient `s (1 + x (1 - s))`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silu;
impl UnaryKernel for Silu {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        x / (E::one() + (-x).exp())
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        let s = E::one() / (E::one() + (-x).exp());
        s * (E::one() + x * (E::one() - s))
    }
}

/// `log(1 + exp(beta x)) / beta`, and `x` itself where `beta x > threshold`
/// (PyTorch's defaults: beta 1, threshold 20).
#[derive(Clone, Copy, Debug)]
pub struct Softplus {
    /// Sharpness.
    pub beta: f64,
    /// Above `beta * x > threshold` the function is the identity.
    pub threshold: f64,
}
impl UnaryKernel for Softplus {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        let (b, t) = (E::of(self.beta), E::of(self.threshold));
        if x * b > t {
            x
        } else {
            (x * b).exp().ln_1p() / b
        }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        let (b, t) = (E::of(self.beta), E::of(self.threshold));
        if x * b > t {
            E::one()
        } else {
            let z = (x * b).exp();
            z / (z + E::one())
        }
    }
}

/// `clamp(x, min, max)` (PyTorch's defaults −1, 1); NaN stays NaN; gradient
/// 0 at and beyond the limits.
#[derive(Clone, Copy, Debug)]
pub struct Hardtanh {
    /// Lower limit.
    pub min: f64,
    /// Upper limit.
    pub max: f64,
}
impl UnaryKernel for Hardtanh {
    #[inline(always)]
    fn f<E: Element>(&self, x: E) -> E {
        let (lo, hi) = (E::of(self.min), E::of(self.max));
        if x < lo {
            lo
        } else if x > hi {
            hi
        } else {
            x
        }
    }
    #[inline(always)]
    fn df<E: Element>(&self, x: E, _y: E) -> E {
        if x <= E::of(self.min) || x >= E::of(self.max) {
            E::zero()
        } else {
            E::one()
        }
    }
}

/// Applies `op(dst[i], src[i])` over matching chunks, in parallel above
/// the threshold; each chunk's loop is compiled per instruction set.
fn binary<E: Element>(dst: &mut [E], src: &[E], op: impl Fn(&mut E, E) + Sync) {
    check_lens(&[dst.len(), src.len()]);
    let run = |(d, s): (&mut [E], &[E])| {
        simd::dispatch(
            #[inline(always)]
            || binary_chunk(d, s, &op),
        )
    };
    if parallel(dst.len()) {
        dst.par_chunks_mut(CHUNK)
            .zip(src.par_chunks(CHUNK))
            .for_each(run);
    } else {
        dst.chunks_mut(CHUNK).zip(src.chunks(CHUNK)).for_each(run);
    }
}

/// The loop of the binary helpers on one chunk.
#[inline(always)]
pub(super) fn binary_chunk<E: Element>(dst: &mut [E], src: &[E], op: impl Fn(&mut E, E)) {
    for (d, &s) in dst.iter_mut().zip(src) {
        op(d, s);
    }
}

/// `dst += src`. Accumulates into `dst`. Panics if the lengths differ.
pub fn add_assign<E: Element>(dst: &mut [E], src: &[E]) {
    binary(
        dst,
        src,
        #[inline(always)]
        |d, s| *d += s,
    );
}

/// `dst *= src` elementwise. Panics if the lengths differ.
pub fn mul_assign<E: Element>(dst: &mut [E], src: &[E]) {
    binary(
        dst,
        src,
        #[inline(always)]
        |d, s| *d *= s,
    );
}

/// `dst += alpha * src` (BLAS `axpy`). Accumulates into `dst`. Panics if the
/// lengths differ.
pub fn axpy<E: Element>(dst: &mut [E], alpha: E, src: &[E]) {
    binary(
        dst,
        src,
        #[inline(always)]
        |d, s| *d += alpha * s,
    );
}

/// `dst *= alpha`.
pub fn scale<E: Element>(dst: &mut [E], alpha: E) {
    let run = |d: &mut [E]| {
        simd::dispatch(
            #[inline(always)]
            || scale_chunk(d, alpha),
        )
    };
    if parallel(dst.len()) {
        dst.par_chunks_mut(CHUNK).for_each(run);
    } else {
        dst.chunks_mut(CHUNK).for_each(run);
    }
}

/// The loop of [`scale`] on one chunk.
#[inline(always)]
pub(super) fn scale_chunk<E: Element>(dst: &mut [E], alpha: E) {
    for d in dst {
        *d *= alpha;
    }
}

/// Independent accumulators of [`sum`]: 32 lanes are two AVX-512 (four
/// AVX2) `f32` vectors, enough to hide the latency of the adds, and the
/// lanes are a fixed array so the order of additions is the same at every
/// instruction-set level.
const SUM_LANES: usize = 32;

/// Elements per block of [`sum`]: each lane adds `SUM_BLOCK / SUM_LANES`
/// (8) terms, then blocks combine pairwise. Eight terms keep the error of
/// the in-lane sequential sums below that of the old pairwise sum (leaves
/// of 256 in 8 accumulators); the out-of-order core overlaps each block's
/// lane reduction with the next block's loads.
pub const SUM_BLOCK: usize = 8 * SUM_LANES;

/// Sum of at most [`SUM_BLOCK`] elements: element `i` goes to lane
/// `i % SUM_LANES`, then the lanes are added as a balanced tree.
#[inline(always)]
fn sum_block<E: Element>(x: &[E]) -> E {
    debug_assert!(x.len() <= SUM_BLOCK);
    let mut lanes = [E::zero(); SUM_LANES];
    let chunks = x.chunks_exact(SUM_LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for (lane, &v) in lanes.iter_mut().zip(c) {
            *lane += v;
        }
    }
    for (lane, &v) in lanes.iter_mut().zip(rest) {
        *lane += v;
    }
    let mut width = SUM_LANES / 2;
    while width > 0 {
        let (low, high) = lanes.split_at_mut(width);
        for (a, &b) in low.iter_mut().zip(&high[..width]) {
            *a += b;
        }
        width /= 2;
    }
    lanes[0]
}

/// Sum of `x` as a pairwise tree over blocks, without recursion (so it all
/// compiles inside one [`simd::dispatch`]): block sums are merged like a
/// binary counter, every power-of-two run of blocks into one balanced
/// subtree, and the leftover subtrees from right to left. That is the tree
/// of [`sum_tree`]'s split, so both give the same bits.
#[inline(always)]
pub(super) fn sum_blocks<E: Element>(x: &[E]) -> E {
    // One partial sum per set bit of the block count so far.
    let mut stack = [E::zero(); usize::BITS as usize];
    let mut depth = 0;
    for (count, block) in (1usize..).zip(x.chunks(SUM_BLOCK)) {
        let mut s = sum_block(block);
        // Each trailing zero of `count` closes a subtree of equal size.
        for _ in 0..count.trailing_zeros() {
            depth -= 1;
            s = stack[depth] + s;
        }
        stack[depth] = s;
        depth += 1;
    }
    let mut s = E::zero();
    if let Some(top) = depth.checked_sub(1) {
        s = stack[top];
        for &left in stack[..top].iter().rev() {
            s = left + s;
        }
    }
    s
}

/// The tree of [`sum_blocks`] as a recursion, in parallel on large halves:
/// the left part is the largest power-of-two number of blocks below the
/// whole, so the split points depend on the length alone.
fn sum_tree<E: Element>(x: &[E]) -> E {
    let blocks = x.len().div_ceil(SUM_BLOCK);
    if x.len() < PARALLEL_THRESHOLD || blocks < 2 {
        return simd::dispatch(
            #[inline(always)]
            || sum_blocks(x),
        );
    }
    let left_blocks = 1 << (blocks - 1).ilog2();
    let (a, b) = x.split_at(left_blocks * SUM_BLOCK);
    let (sa, sb) = rayon::join(|| sum_tree(a), || sum_tree(b));
    sa + sb
}

/// Sum of `x`: blocks of [`SUM_BLOCK`] elements summed in 32 lanes, and
/// the blocks pairwise, so the error grows like `log n`, not `n`. The
/// result depends on the length alone: not on the number of threads nor
/// on the instruction set the CPU has.
pub fn sum<E: Element>(x: &[E]) -> E {
    if parallel(x.len()) {
        sum_tree(x)
    } else {
        simd::dispatch(
            #[inline(always)]
            || sum_blocks(x),
        )
    }
}

/// Reference twin of [`sum`]: sequential accumulation in `f64`.
pub fn sum_naive<E: Element>(x: &[E]) -> E {
    E::of(x.iter().map(|v| v.as_f64()).sum::<f64>())
}
