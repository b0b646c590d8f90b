//! Ways to make a tensor: constants, data, and random draws from Kiln's
//! seeded generator.
//!
//! Each takes a runtime shape, so each returns [`Result`]: a shape whose
//! product overflows, or a tensor the machine cannot hold, is an
//! [`Error::TooLarge`](crate::Error::TooLarge) (PyTorch raises a
//! `RuntimeError` there too), never a tensor of the wrong size or an abort.

use super::DynTensor;
use super::size::alloc_filled;
use crate::{Element, Result, rng};
use rand_distr::{Distribution, StandardNormal, Uniform};

impl<E: Element> DynTensor<E> {
    /// A tensor of zeros.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert_eq!(DynTensor::<f32>::zeros(&[2, 3])?.to_vec(), vec![0.0; 6]);
    /// let err = DynTensor::<f32>::zeros(&[1 << 40]).unwrap_err(); // 4 TiB
    /// assert_eq!(
    ///     err.to_string(),
    ///     "zeros: shape [1099511627776] is too large: cannot allocate 4398046511104 bytes (out of memory)"
    /// );
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn zeros(shape: &[usize]) -> Result<Self> {
        Self::filled("zeros", shape, E::zero())
    }

    /// A tensor of ones.
    pub fn ones(shape: &[usize]) -> Result<Self> {
        Self::filled("ones", shape, E::one())
    }

    /// A tensor filled with one value.
    pub fn full(shape: &[usize], value: E) -> Result<Self> {
        Self::filled("full", shape, value)
    }

    fn filled(op: &'static str, shape: &[usize], value: E) -> Result<Self> {
        Ok(Self::leaf(alloc_filled(op, shape, value)?, shape))
    }

    /// A rank-0 tensor holding one value.
    pub fn scalar(value: E) -> Self {
        Self::leaf(crate::pool::take_filled(1, value), [])
    }

    /// Standard normal draws from Kiln's global generator (see
    /// [`manual_seed`](crate::manual_seed)), like `torch.randn`.
    ///
    /// ```
    /// use nncore::{manual_seed, DynTensor};
    /// manual_seed(7);
    /// let a = DynTensor::<f32>::randn(&[3])?;
    /// manual_seed(7);
    /// assert_eq!(a.to_vec(), DynTensor::<f32>::randn(&[3])?.to_vec());
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn randn(shape: &[usize]) -> Result<Self> {
        let mut data = alloc_filled("randn", shape, E::zero())?;
        rng::with_rng(|r| {
            for x in &mut data {
                *x = E::of(StandardNormal.sample(r));
            }
        });
        Ok(Self::leaf(data, shape))
    }

    /// Uniform draws in `[low, high)` from Kiln's global generator, like
    /// `torch.empty(shape).uniform_(low, high)`.
    pub fn rand_uniform(shape: &[usize], low: f64, high: f64) -> Result<Self> {
        let mut data = alloc_filled("rand_uniform", shape, E::of(low))?;
        if low < high {
            let dist = Uniform::new(low, high).expect("low < high checked above");
            rng::with_rng(|r| {
                for x in &mut data {
                    *x = E::of(dist.sample(r));
                }
            });
        }
        Ok(Self::leaf(data, shape))
    }
}
