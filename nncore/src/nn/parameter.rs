//! Parameters and buffers: the tensors a module owns.

use crate::DynTensor;
use std::ops::Deref;

/// A learnable tensor of a module, like `torch.nn.Parameter`: a shared
/// handle (cloning it shares data and gradient), created with
/// `requires_grad = true`. The model and its optimizer hold clones of the
/// same handle, so an optimizer step is seen by the model.
///
/// ```
/// use nncore::nn::Parameter;
/// let p = Parameter::new(vec![0.5, -0.5], &[2]);
/// let q = p.clone();
/// q.data_mut()[0] = 1.0;
/// assert_eq!(p.to_vec(), vec![1.0, -0.5]);
/// assert!(p.requires_grad());
/// ```
#[derive(Clone, Debug)]
pub struct Parameter(DynTensor<f32>);

impl Parameter {
    /// A parameter holding `data` with the given shape.
    ///
    /// # Panics
    /// When `data.len()` is not the product of `shape` (a bug in the caller).
    pub fn new(data: Vec<f32>, shape: &[usize]) -> Self {
        let t =
            DynTensor::from_vec(data, shape).expect("Parameter::new: data length must match shape");
        Parameter(t.requires_grad_(true))
    }

    /// Wraps an existing leaf tensor as a parameter.
    pub fn from_tensor(tensor: DynTensor<f32>) -> Self {
        Parameter(tensor.detach().requires_grad_(true))
    }

    /// The parameter as a tensor handle (shared).
    pub fn tensor(&self) -> &DynTensor<f32> {
        &self.0
    }
}

impl Deref for Parameter {
    type Target = DynTensor<f32>;
    fn deref(&self) -> &DynTensor<f32> {
        &self.0
    }
}

/// A tensor a module keeps that is not learned but is part of its state
/// (BatchNorm's `running_mean`), saved in the state_dict like PyTorch's
/// registered buffers.
///
/// ```
/// use nncore::nn::Buffer;
/// let b = Buffer::new(vec![0.0; 3], &[3]);
/// assert!(!b.requires_grad());
/// ```
#[derive(Clone, Debug)]
pub struct Buffer(DynTensor<f32>);

impl Buffer {
    /// A buffer holding `data` with the given shape.
    ///
    /// # Panics
    /// When `data.len()` is not the product of `shape`.
    pub fn new(data: Vec<f32>, shape: &[usize]) -> Self {
        Buffer(DynTensor::from_vec(data, shape).expect("Buffer::new: data length must match shape"))
    }

    /// The buffer as a tensor handle (shared).
    pub fn tensor(&self) -> &DynTensor<f32> {
        &self.0
    }
}

impl Deref for Buffer {
    type Target = DynTensor<f32>;
    fn deref(&self) -> &DynTensor<f32> {
        &self.0
    }
}
