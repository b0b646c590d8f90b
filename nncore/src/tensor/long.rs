//! Integer tensors: class labels, indices and lengths (PyTorch's `int64`).

use crate::{Error, Result};
use std::sync::Arc;

/// A tensor of `i64` values: class targets, embedding indices, CTC lengths.
/// It never carries a gradient.
///
/// ```
/// use nncore::LongTensor;
/// let t = LongTensor::from_vec(vec![3, 1, 4], &[3]).unwrap();
/// assert_eq!(t.shape(), &[3]);
/// assert_eq!(t.data(), &[3, 1, 4]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LongTensor {
    /// Shared like the data, so that cloning a label batch allocates nothing.
    shape: Arc<[usize]>,
    data: Arc<Vec<i64>>,
}

impl LongTensor {
    /// Creates a tensor; fails when the length does not match the shape.
    pub fn from_vec(data: Vec<i64>, shape: &[usize]) -> Result<Self> {
        // Checked: a shape from a file may multiply past usize::MAX.
        let numel = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        if numel != Some(data.len()) {
            let expected = numel.map_or_else(|| "more".to_string(), |n| n.to_string());
            return Err(Error::shape(
                "LongTensor::from_vec",
                format!("{expected} elements for shape {shape:?}"),
                format!("{} elements", data.len()),
            ));
        }
        Ok(LongTensor {
            shape: Arc::from(shape),
            data: Arc::new(data),
        })
    }

    /// A 1-D tensor of the given values.
    pub fn from_slice(values: &[i64]) -> Self {
        LongTensor {
            shape: Arc::from([values.len()]),
            data: Arc::new(values.to_vec()),
        }
    }

    /// The sizes of each dimension.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The values, row-major.
    pub fn data(&self) -> &[i64] {
        &self.data
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        self.data.len()
    }
}
