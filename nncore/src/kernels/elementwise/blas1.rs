//! BLAS-1-style helpers on slices: `add_assign`, `mul_assign`, `axpy`,
//! `scale`, and a `sum` whose result depends on the length alone. Each
//! chunk body (`*_chunk`, `sum_blocks`) is a separate `#[inline(always)]`
//! function so the tests can run it at every [`simd::Level`] against the
//! naive twins.

use super::{CHUNK, PARALLEL_THRESHOLD, check_lens, parallel};
use crate::Element;
use crate::kernels::simd;
use rayon::prelude::*;

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
        crate::threads::install(|| {
            dst.par_chunks_mut(CHUNK)
                .zip(src.par_chunks(CHUNK))
                .for_each(run)
        });
    } else {
        dst.chunks_mut(CHUNK).zip(src.chunks(CHUNK)).for_each(run);
    }
}

/// The loop of the binary helpers on one chunk.
#[inline(always)]
pub(in crate::kernels) fn binary_chunk<E: Element>(
    dst: &mut [E],
    src: &[E],
    op: impl Fn(&mut E, E),
) {
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
        crate::threads::install(|| dst.par_chunks_mut(CHUNK).for_each(run));
    } else {
        dst.chunks_mut(CHUNK).for_each(run);
    }
}

/// The loop of [`scale`] on one chunk.
#[inline(always)]
pub(in crate::kernels) fn scale_chunk<E: Element>(dst: &mut [E], alpha: E) {
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
pub(in crate::kernels) fn sum_blocks<E: Element>(x: &[E]) -> E {
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
    let (sa, sb) = crate::threads::install(|| rayon::join(|| sum_tree(a), || sum_tree(b)));
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
