//! Ways to make a tensor: constants, data, and random draws from Kiln's
//! seeded generator.

use super::DynTensor;
use crate::{Element, rng};
use rand_distr::{Distribution, StandardNormal, Uniform};

impl<E: Element> DynTensor<E> {
    /// A tensor of zeros.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert_eq!(DynTensor::<f32>::zeros(&[2, 3]).to_vec(), vec![0.0; 6]);
    /// ```
    pub fn zeros(shape: &[usize]) -> Self {
        Self::full(shape, E::zero())
    }

    /// A tensor of ones.
    pub fn ones(shape: &[usize]) -> Self {
        Self::full(shape, E::one())
    }

    /// A tensor filled with one value.
    pub fn full(shape: &[usize], value: E) -> Self {
        Self::leaf(
            super::pool::take_filled(shape.iter().product(), value),
            shape,
        )
    }

    /// A rank-0 tensor holding one value.
    pub fn scalar(value: E) -> Self {
        Self::leaf(super::pool::take_filled(1, value), [])
    }

    /// Standard normal draws from Kiln's global generator (see
    /// [`manual_seed`](crate::manual_seed)), like `torch.randn`.
    ///
    /// ```
    /// use nncore::{manual_seed, DynTensor};
    /// manual_seed(7);
    /// let a = DynTensor::<f32>::randn(&[3]);
    /// manual_seed(7);
    /// assert_eq!(a.to_vec(), DynTensor::<f32>::randn(&[3]).to_vec());
    /// ```
    pub fn randn(shape: &[usize]) -> Self {
        let n = shape.iter().product();
        let data = rng::with_rng(|r| (0..n).map(|_| E::of(StandardNormal.sample(r))).collect());
        Self::leaf(data, shape)
    }

    /// Uniform draws in `[low, high)` from Kiln's global generator, like
    /// `torch.empty(shape).uniform_(low, high)`.
    pub fn rand_uniform(shape: &[usize], low: f64, high: f64) -> Self {
        let n = shape.iter().product();
        let data = if low < high {
            let dist = Uniform::new(low, high).expect("low < high checked above");
            rng::with_rng(|r| (0..n).map(|_| E::of(dist.sample(r))).collect())
        } else {
            vec![E::of(low); n]
        };
        Self::leaf(data, shape)
    }
}
