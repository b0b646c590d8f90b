//! Shared test helpers for the kernels: a seeded RNG and a closeness check.

use crate::Element;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A deterministic RNG, so a failing case can be replayed.
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// `len` values uniform in [-1, 1).
pub fn random_vec<E: Element>(rng: &mut StdRng, len: usize) -> Vec<E> {
    (0..len)
        .map(|_| E::of(rng.random_range(-1.0..1.0)))
        .collect()
}

/// Tolerance for comparing an optimised kernel with its naive twin: both sum
/// the same terms in a different order.
pub fn tol<E: Element>() -> f64 {
    if E::DTYPE == "float32" { 1e-4 } else { 1e-11 }
}

/// Asserts `|a - b| <= tol * (1 + |b|)` elementwise, NaNs matching NaNs.
#[track_caller]
pub fn assert_close<E: Element>(a: &[E], b: &[E], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ");
    for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
        let (x, y) = (x.as_f64(), y.as_f64());
        if x.is_nan() && y.is_nan() {
            continue;
        }
        assert!(
            x == y || (x - y).abs() <= tol * (1.0 + y.abs()),
            "{what}: index {i}: {x} vs {y} (dtype {})",
            E::DTYPE
        );
    }
}
