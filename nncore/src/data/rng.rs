//! The data pipeline's random numbers: SplitMix64 (Steele, Lea and Flood
//! 2014), tiny, fast, and good enough to shuffle and augment training data.
//!
//! Written here rather than taken from `rand`, whose `StdRng` stream `rand`
//! does not promise to keep across versions: a Kiln seed gives the same
//! order and the same augmentations forever. Each epoch's order and each
//! sample's augmentation get their own stream, a pure function of
//! `(seed, epoch)` and `(seed, epoch, index)`, so a run can be resumed at
//! any epoch, and the number of loading threads changes nothing.

/// The generator a random transform draws from: one stream per sample of
/// an epoch, given by `(seed, epoch, index)`.
///
/// ```
/// use nncore::data::SampleRng;
/// let mut a = SampleRng::for_sample(1, 0, 7);
/// let mut b = SampleRng::for_sample(1, 0, 7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let x = a.uniform(-30.0, 30.0);
/// assert!((-30.0..30.0).contains(&x));
/// assert_ne!(SampleRng::for_sample(1, 0, 8).next_u64(), SampleRng::for_sample(1, 0, 7).next_u64());
/// ```
#[derive(Debug, Clone)]
pub struct SampleRng(u64);

impl SampleRng {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// The stream of epoch `epoch`'s order. The epoch is mixed through the
    /// output function rather than added, so epochs `e` and `e + 1` do not
    /// get the same stream shifted by one step.
    pub(crate) fn for_epoch(seed: u64, epoch: u64) -> Self {
        SampleRng(seed ^ Self::mix(epoch.wrapping_add(Self::GAMMA)))
    }

    /// The stream of sample `index` in epoch `epoch` under `seed` (distinct
    /// from the epoch's shuffling stream).
    pub fn for_sample(seed: u64, epoch: u64, index: usize) -> Self {
        let epoch = Self::for_epoch(seed, epoch).0;
        SampleRng(Self::mix(
            epoch ^ Self::mix((index as u64).wrapping_add(!Self::GAMMA)),
        ))
    }

    fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(Self::GAMMA);
        Self::mix(self.0)
    }

    /// Uniform in `0..bound` by multiply-shift; the bias is below
    /// `bound / 2^64`, invisible for any dataset that fits in memory.
    /// `bound` 0 gives 0.
    pub fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`, with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[low, high)`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }
}

/// Fisher-Yates shuffle.
pub(crate) fn shuffle(items: &mut [usize], rng: &mut SampleRng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the stream: changing it silently changes every seeded run.
    #[test]
    fn shuffle_is_pinned() {
        let mut order: Vec<usize> = (0..10).collect();
        shuffle(&mut order, &mut SampleRng::for_epoch(42, 0));
        assert_eq!(order, [0, 6, 9, 1, 5, 7, 8, 2, 4, 3]);
    }

    #[test]
    fn unit_is_in_range() {
        let mut rng = SampleRng::for_sample(3, 1, 2);
        for _ in 0..1000 {
            let x = rng.unit();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
