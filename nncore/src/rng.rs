//! Kiln's global random generator, like PyTorch's default generator:
//! `manual_seed(s)` makes initialisation, shuffling and dropout repeatable.
//!
//! The generator is ChaCha12, the algorithm behind `rand`'s `StdRng`
//! (`StdRng::seed_from_u64(s)` and `GlobalRng::seed_from_u64(s)` draw the
//! same numbers), used directly so that its state can be read and saved in
//! a checkpoint ([`rng_state`], [`RngState`]).

use rand::SeedableRng;
use std::cell::RefCell;
use std::sync::{Mutex, OnceLock};

/// The global generator's type.
pub type GlobalRng = rand_chacha::ChaCha12Rng;

/// PyTorch's default seed (`torch.initial_seed()` in a fresh process).
pub const DEFAULT_SEED: u64 = 67280421310721;

fn global() -> &'static Mutex<GlobalRng> {
    static RNG: OnceLock<Mutex<GlobalRng>> = OnceLock::new();
    RNG.get_or_init(|| Mutex::new(GlobalRng::seed_from_u64(DEFAULT_SEED)))
}

thread_local! {
    /// This thread's private generator while inside [`fork_rng`].
    static FORKED: RefCell<Option<GlobalRng>> = const { RefCell::new(None) };
}

/// Replaces the generator this thread draws from (the fork inside
/// [`fork_rng`], else the global one).
fn replace(rng: GlobalRng) {
    with_rng(|r| *r = rng);
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
    replace(GlobalRng::seed_from_u64(seed));
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
    FORKED.with_borrow_mut(|forked| match forked {
        Some(r) => f(r),
        None => f(&mut global().lock().unwrap_or_else(|e| e.into_inner())),
    })
}

/// Runs `f` with this thread drawing from a private generator seeded with
/// `seed`, then returns to the global one, untouched.
///
/// Like `torch.random.fork_rng` followed by `torch.manual_seed(seed)`, but
/// the fork belongs to this thread alone: inside `f`, [`manual_seed`],
/// [`with_rng`], [`rng_state`] and every random op act on the fork, and
/// other threads drawing from the global generator at the same time
/// neither see nor disturb it. That makes a seeded computation repeatable
/// while other work (parallel tests, a data-loading thread) draws too.
///
/// ```
/// use rand::Rng;
/// let draw = || nncore::with_rng(|r| r.random::<u64>());
/// let a = nncore::fork_rng(7, draw);
/// let before = nncore::rng_state();
/// assert_eq!(nncore::fork_rng(7, draw), a);
/// assert_eq!(nncore::rng_state(), before, "the global generator is untouched");
/// ```
pub fn fork_rng<T>(seed: u64, f: impl FnOnce() -> T) -> T {
    /// Puts back the enclosing fork (or none) even if `f` panics.
    struct Restore(Option<GlobalRng>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            FORKED.with_borrow_mut(|forked| *forked = outer);
        }
    }
    let outer = FORKED.with_borrow_mut(|forked| forked.replace(GlobalRng::seed_from_u64(seed)));
    let _restore = Restore(outer);
    f()
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
    replace(state.generator());
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

    #[test]
    fn a_fork_is_seeded_private_and_nests() {
        let seeded = |s| GlobalRng::seed_from_u64(s).next_u64();
        let draw = || with_rng(|r| r.next_u64());
        let (inner, outer, reseeded) = fork_rng(11, || {
            let inner = fork_rng(12, draw);
            let outer = draw();
            manual_seed(13);
            (inner, outer, draw())
        });
        assert_eq!(inner, seeded(12));
        assert_eq!(
            outer,
            seeded(11),
            "the inner fork leaves the outer one where it was"
        );
        assert_eq!(
            reseeded,
            seeded(13),
            "manual_seed inside a fork seeds the fork"
        );
    }
}
