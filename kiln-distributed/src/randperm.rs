//! `torch.randperm(n, generator=g)` on the CPU, number for number.
//!
//! PyTorch's `DistributedSampler` shuffles with a `torch.Generator` seeded
//! `seed + epoch`; to give every rank the very indices a PyTorch job would,
//! Kiln reproduces that generator (PyTorch's own MT19937, `at::mt19937`)
//! and `randperm_cpu`'s swap loop. Both are small, fixed algorithms: the
//! tests compare them with sequences PyTorch produced
//! (`tests/data/distributed_sampler.json`, written by
//! `scripts/make_sampler_fixture.py`).

use nncore::{Error, Result};

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER: u32 = 0x8000_0000;
const LOWER: u32 = 0x7fff_ffff;

/// The largest `n` (exclusive) for which PyTorch's CPU `randperm` uses the
/// swap loop over 32-bit draws reproduced here; above it PyTorch switches
/// to an inside-out shuffle over 64-bit draws.
pub const RANDPERM_LIMIT: usize = (u32::MAX / 20) as usize;

/// PyTorch's CPU generator (`torch.Generator().manual_seed(seed)`): the
/// MT19937 of Matsumoto and Nishimura, seeded with the low 32 bits of the
/// seed as PyTorch does.
///
/// ```
/// use kiln_distributed::Mt19937;
/// let mut g = Mt19937::new(5489);
/// // The reference value of MT19937's 10000th output for the default seed.
/// let last = (0..10_000).map(|_| g.next_u32()).last();
/// assert_eq!(last, Some(4_123_659_995));
/// ```
#[derive(Clone, Debug)]
pub struct Mt19937 {
    state: [u32; N],
    next: usize,
}

impl Mt19937 {
    /// The generator `torch.Generator().manual_seed(seed)` holds.
    pub fn new(seed: u64) -> Self {
        let mut state = [0u32; N];
        state[0] = seed as u32; // PyTorch keeps `seed & 0xffffffff`.
        for j in 1..N {
            let prev = state[j - 1];
            state[j] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(j as u32);
        }
        // `next == N` makes the first draw regenerate the state, as
        // PyTorch's `left_ = 1` does.
        Mt19937 { state, next: N }
    }

    /// The next 32-bit output (`generator->random()` in ATen).
    pub fn next_u32(&mut self) -> u32 {
        if self.next == N {
            self.regenerate();
        }
        let mut y = self.state[self.next];
        self.next += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    fn regenerate(&mut self) {
        let twist = |u: u32, v: u32| {
            let mixed = (u & UPPER) | (v & LOWER);
            (mixed >> 1) ^ if v & 1 == 1 { MATRIX_A } else { 0 }
        };
        for j in 0..N {
            let next = self.state[(j + 1) % N];
            self.state[j] = self.state[(j + M) % N] ^ twist(self.state[j], next);
        }
        self.next = 0;
    }
}

/// `torch.randperm(n, generator=torch.Generator().manual_seed(seed))`,
/// exactly, for `n` below [`RANDPERM_LIMIT`].
///
/// Fails for larger `n`, where PyTorch uses another algorithm that Kiln
/// does not reproduce.
///
/// ```
/// use kiln_distributed::randperm;
/// // torch.randperm(10, generator=torch.Generator().manual_seed(0)).tolist()
/// assert_eq!(randperm(10, 0)?, [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn randperm(n: usize, seed: u64) -> Result<Vec<usize>> {
    if n >= RANDPERM_LIMIT {
        return Err(Error::option(
            "randperm",
            "n",
            format!("{n} is too large: PyTorch's order is reproduced below {RANDPERM_LIMIT} only"),
        ));
    }
    let mut generator = Mt19937::new(seed);
    let mut out: Vec<usize> = (0..n).collect();
    for i in 0..n.saturating_sub(1) {
        let z = generator.next_u32() as usize % (n - i);
        out.swap(i, i + z);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_sizes_where_pytorch_changes_algorithm() {
        let err = randperm(RANDPERM_LIMIT, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "randperm: invalid n: 214748364 is too large: PyTorch's order is reproduced below 214748364 only"
        );
    }

    #[test]
    fn small_sizes_are_permutations() {
        assert_eq!(randperm(0, 3).unwrap(), Vec::<usize>::new());
        assert_eq!(randperm(1, 3).unwrap(), [0]);
        let mut p = randperm(1000, 7).unwrap();
        p.sort_unstable();
        assert_eq!(p, (0..1000).collect::<Vec<_>>());
    }
}
