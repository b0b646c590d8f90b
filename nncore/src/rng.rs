//! Kiln's global random generator, like PyTorch's default generator:
//! `manual_seed(s)` makes initialisation, shuffling and dropout repeatable.
//!
//! The generator is ChaCha12, the algorithm behind `rand`'s `StdRng`
//! (`StdRng::seed_from_u64(s)` and `GlobalRng::seed_from_u64(s)` draw the
//! same numbers), used directly so that its state can be read and saved in
//! a checkpoint ([`rng_state`], [`RngState`]).

use rand::SeedableRng;
use std::sync::{Mutex, OnceLock};

/// The global generator's type.
pub type GlobalRng = rand_chacha::ChaCha12Rng;

/// PyTorch's default seed (`torch.initial_seed()` in a fresh process).
pub const DEFAULT_SEED: u64 = 67280421310721;

fn global() -> &'static Mutex<GlobalRng> {
    static RNG: OnceLock<Mutex<GlobalRng>> = OnceLock::new();
    RNG.get_or_init(|| Mutex::new(GlobalRng::seed_from_u64(DEFAULT_SEED)))
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
    *global().lock().unwrap_or_else(|e| e.into_inner()) = GlobalRng::seed_from_u64(seed);
}

/// Runs `f` with exclusive access to the global generator.
///
/// ```
/// use rand::Rng;
/// nncore::manual_seed(1);
/// let x: f64 = nncore::with_rng(|r| r.random());
/// assert!((0.0..1.0).contains(&x));
/// ```
pub fn with_rng<T>(f: impl FnOnce(&mut GlobalRng) -> T) -> T {
    let mut guard = global().lock().unwrap_or_else(|e| e.into_inner());
    f(&mut guard)
}

/// The global generator's complete state: ChaCha's key (the seed), stream
/// and position in the stream. Plain numbers, so a checkpoint can store it
/// (`nncore::checkpoint::Checkpoint` does).
///
/// ```
/// use rand::Rng;
/// nncore::manual_seed(3);
/// let state = nncore::rng_state();
/// let a: u64 = nncore::with_rng(|r| r.random());
/// nncore::set_rng_state(&state);
/// let b: u64 = nncore::with_rng(|r| r.random());
/// assert_eq!(a, b);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RngState {
    /// The 32-byte ChaCha key.
    pub seed: [u8; 32],
    /// The stream number.
    pub stream: u64,
    /// The position in the stream, in 32-bit words.
    pub word_pos: u128,
}

impl RngState {
    fn of(r: &GlobalRng) -> Self {
        RngState {
            seed: r.get_seed(),
            stream: r.get_stream(),
            word_pos: r.get_word_pos(),
        }
    }

    fn generator(&self) -> GlobalRng {
        let mut r = GlobalRng::from_seed(self.seed);
        r.set_stream(self.stream);
        r.set_word_pos(self.word_pos);
        r
    }
}

/// Captures the generator's state (for checkpoints), restorable with
/// [`set_rng_state`].
pub fn rng_state() -> RngState {
    with_rng(|r| RngState::of(r))
}

/// Restores a state captured by [`rng_state`]: the following draws are
/// the ones that followed the capture.
pub fn set_rng_state(state: &RngState) {
    *global().lock().unwrap_or_else(|e| e.into_inner()) = state.generator();
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, RngCore};

    #[test]
    fn the_global_generator_draws_what_std_rng_draws() {
        let mut a = GlobalRng::seed_from_u64(DEFAULT_SEED);
        let mut b = StdRng::seed_from_u64(DEFAULT_SEED);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn a_restored_state_continues_mid_block() {
        let mut r = GlobalRng::seed_from_u64(9);
        // An odd number of 32-bit draws leaves the position inside a block.
        for _ in 0..7 {
            r.next_u32();
        }
        let state = RngState::of(&r);
        let mut copy = state.generator();
        let want: Vec<f64> = (0..50).map(|_| r.random()).collect();
        let got: Vec<f64> = (0..50).map(|_| copy.random()).collect();
        assert_eq!(want, got);
    }
}
