//! Kiln's global random generator, like PyTorch's default generator:
//! `manual_seed(s)` makes initialisation, shuffling and dropout repeatable.

use rand::SeedableRng;
use rand::rngs::StdRng;
use std::sync::{Mutex, OnceLock};

/// PyTorch's default seed (`torch.initial_seed()` in a fresh process).
pub const DEFAULT_SEED: u64 = 67280421310721;

fn global() -> &'static Mutex<StdRng> {
    static RNG: OnceLock<Mutex<StdRng>> = OnceLock::new();
    RNG.get_or_init(|| Mutex::new(StdRng::seed_from_u64(DEFAULT_SEED)))
}

/// Seeds the global generator, like `torch.manual_seed`.
///
/// The same seed gives the same model initialisation and the same draws.
/// (The numbers differ from PyTorch's: the generators are different
/// algorithms.)
///
/// ```
/// nncore::manual_seed(42);
/// ```
pub fn manual_seed(seed: u64) {
    *global().lock().unwrap_or_else(|e| e.into_inner()) = StdRng::seed_from_u64(seed);
}

/// Runs `f` with exclusive access to the global generator.
pub fn with_rng<T>(f: impl FnOnce(&mut StdRng) -> T) -> T {
    let mut guard = global().lock().unwrap_or_else(|e| e.into_inner());
    f(&mut guard)
}

/// Captures the generator's state (for checkpoints), restorable with
/// [`set_rng_state`].
pub fn rng_state() -> StdRng {
    with_rng(|r| r.clone())
}

/// Restores a state captured by [`rng_state`].
pub fn set_rng_state(state: StdRng) {
    *global().lock().unwrap_or_else(|e| e.into_inner()) = state;
}
