//! Helpers shared by the unit tests: seeded random tensors and closeness.

use crate::DynTensor;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A tensor of uniform values in [-1, 1) from a fixed seed.
pub(crate) fn rand64(shape: &[usize], seed: u64) -> DynTensor<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = shape.iter().product();
    DynTensor::from_vec((0..n).map(|_| rng.random_range(-1.0..1.0)).collect(), shape).unwrap()
}
