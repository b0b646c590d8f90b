//! Runtime instruction-set dispatch for plain-Rust kernels.
//!
//! Why: the default `x86_64` target lets the compiler vectorise only with
//! SSE2 (4 `f32` lanes, no FMA), while the CPUs Kiln runs on have AVX2
//! (8 lanes) or AVX-512 (16 lanes). [`dispatch`] compiles a kernel's loop
//! body once per instruction-set level and runs the best one the CPU has,
//! chosen at run time, so one binary is both portable and fast. The
//! kernels stay ordinary safe Rust: the compiler does the vectorising.
//!
//! The body goes in a closure marked `#[inline(always)]`, so it is inlined
//! into (and compiled with the features of) each level's entry point:
//!
//! ```
//! use nncore::kernels::simd;
//!
//! let x = [1.0f32, -2.0, 3.0];
//! let mut y = [0.0f32; 3];
//! simd::dispatch(
//!     #[inline(always)]
//!     || {
//!         for (y, x) in y.iter_mut().zip(&x) {
//!             *y = x.max(0.0);
//!         }
//!     },
//! );
//! assert_eq!(y, [1.0, 0.0, 3.0]);
//! ```
//!
//! Results do not depend on the level: Rust never contracts `a * b + c`
//! into a fused multiply-add or reorders floating-point operations, so a
//! wider vector computes each element with the same operations in the same
//! order (reductions that should vectorise keep explicit lane arrays).
//!
//! `KILN_SIMD=baseline` (or `avx2`) in the environment caps the level, to
//! measure what the dispatch is worth or to rule it out when debugging.

use std::sync::OnceLock;

/// An instruction-set level a kernel body can be compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// What the compilation target guarantees (SSE2 on `x86_64`).
    Baseline,
    /// x86-64-v3: AVX2 and FMA (8 `f32` lanes).
    Avx2,
    /// x86-64-v4: AVX-512 F/BW/DQ/VL (16 `f32` lanes).
    Avx512,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 3] = [Level::Baseline, Level::Avx2, Level::Avx512];

    /// Whether this CPU can run code compiled for `self`.
    pub fn is_supported(self) -> bool {
        match self {
            Level::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => {
                std::is_x86_feature_detected!("avx2")
                    && std::is_x86_feature_detected!("avx")
                    && std::is_x86_feature_detected!("fma")
            }
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => {
                Level::Avx2.is_supported()
                    && std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512bw")
                    && std::is_x86_feature_detected!("avx512dq")
                    && std::is_x86_feature_detected!("avx512vl")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }
}

/// The level [`dispatch`] runs: the best this CPU supports, capped by the
/// `KILN_SIMD` environment variable (`baseline`, `avx2`, `avx512`).
/// Detected once per process.
pub fn best_level() -> Level {
    static BEST: OnceLock<Level> = OnceLock::new();
    *BEST.get_or_init(|| {
        let cap = match std::env::var("KILN_SIMD").as_deref() {
            Ok("baseline") => Level::Baseline,
            Ok("avx2") => Level::Avx2,
            _ => Level::Avx512,
        };
        Level::ALL
            .into_iter()
            .rev()
            .find(|level| *level <= cap && level.is_supported())
            .unwrap_or(Level::Baseline)
    })
}

/// Runs `body` compiled for the best instruction-set level of this CPU
/// (see the module docs; mark the closure `#[inline(always)]`).
#[inline]
pub fn dispatch<R>(body: impl FnOnce() -> R) -> R {
    run_at(best_level(), body)
}

/// Runs `body` compiled for `level`, or returns `None` when this CPU lacks
/// it. Tests use it to check every level against the baseline.
pub fn dispatch_at<R>(level: Level, body: impl FnOnce() -> R) -> Option<R> {
    level.is_supported().then(|| run_at(level, body))
}

/// `level` must be supported: both callers check it.
#[inline]
fn run_at<R>(level: Level, body: impl FnOnce() -> R) -> R {
    match level {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: calling a `#[target_feature]` function is sound exactly
        // when the CPU has those features. `level` comes from `best_level`
        // or from `dispatch_at`, and both return it only after
        // `Level::is_supported` detected at run time every feature the
        // entry point enables (avx, avx2, fma; plus avx512f/bw/dq/vl for
        // Avx512). The closure itself is ordinary safe Rust.
        Level::Avx512 => unsafe { x86::avx512(body) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above, for avx, avx2 and fma.
        Level::Avx2 => unsafe { x86::avx2(body) },
        _ => body(),
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    /// Entry point whose inlined body may use AVX-512 instructions.
    #[target_feature(enable = "avx,avx2,fma,avx512f,avx512bw,avx512dq,avx512vl")]
    pub(super) fn avx512<R>(body: impl FnOnce() -> R) -> R {
        body()
    }

    /// Entry point whose inlined body may use AVX2 and FMA instructions.
    #[target_feature(enable = "avx,avx2,fma")]
    pub(super) fn avx2<R>(body: impl FnOnce() -> R) -> R {
        body()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relu_sum(x: &[f32], y: &mut [f32]) -> f32 {
        let mut lanes = [0.0f32; 16];
        for (yc, xc) in y.chunks_mut(16).zip(x.chunks(16)) {
            for ((y, x), lane) in yc.iter_mut().zip(xc).zip(lanes.iter_mut()) {
                *y = x.max(0.0) * 1.5 + 0.25;
                *lane += *y;
            }
        }
        lanes.iter().sum()
    }

    #[test]
    fn every_supported_level_computes_the_baseline_bits() {
        let x: Vec<f32> = (0..1003)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let mut want = vec![0.0; x.len()];
        let want_sum = relu_sum(&x, &mut want);
        let mut ran = 0;
        for level in Level::ALL {
            let mut y = vec![0.0; x.len()];
            let got = dispatch_at(
                level,
                #[inline(always)]
                || relu_sum(&x, &mut y),
            );
            if let Some(sum) = got {
                ran += 1;
                assert_eq!(sum.to_bits(), want_sum.to_bits(), "{level:?}");
                assert!(y.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits()));
            }
        }
        assert!(ran >= 1, "the baseline level always runs");
        assert!(best_level().is_supported());
    }

    #[test]
    fn baseline_is_always_supported_and_levels_are_ordered() {
        assert!(Level::Baseline.is_supported());
        assert!(Level::Baseline < Level::Avx2 && Level::Avx2 < Level::Avx512);
        if Level::Avx512.is_supported() {
            assert!(Level::Avx2.is_supported());
        }
    }
}
