//! The forward pass as a trait, so containers can chain their children.

/// Applies a module to an input, like calling a PyTorch module.
///
/// The input and output types carry the shapes: `Linear<U784, U256>`
/// implements `Forward<Tensor<(B, U784)>>` with output `Tensor<(B, U256)>`
/// for any batch dimension `B`, so a chain whose sizes do not fit has no
/// `Forward` impl and does not compile.
///
/// ```
/// use nncore::nn::{Forward, ReLU};
/// use nncore::shape::{Dyn, U3};
/// use nncore::Tensor;
/// let x = Tensor::<(Dyn, U3)>::from_vec(vec![-1.0, 0.0, 2.0], (Dyn(1), U3::default())).unwrap();
/// let y = ReLU::new().forward(x);
/// assert_eq!(y.to_vec(), vec![0.0, 0.0, 2.0]);
/// ```
pub trait Forward<Input> {
    /// The result type, with its shape.
    type Output;
    /// Runs the module.
    fn forward(&self, input: Input) -> Self::Output;
}

/// The forward pass on runtime-shaped tensors, for containers built at run
/// time (a `ModuleList` from a config) and the conformance runner: sizes
/// are checked at the call and a mismatch is an error, not a panic.
///
/// ```
/// use nncore::nn::{DynForward, Linear};
/// use nncore::shape::{U3, U4};
/// use nncore::DynTensor;
/// let fc = Linear::<U4, U3>::new();
/// assert!(fc.forward_dyn(&DynTensor::zeros(&[2, 4]).unwrap()).is_ok());
/// let err = fc.forward_dyn(&DynTensor::zeros(&[2, 5]).unwrap()).unwrap_err();
/// assert_eq!(err.to_string(), "Linear: shape mismatch: expected input [*, 4], found [2, 5]");
/// ```
pub trait DynForward {
    /// Runs the module on a runtime-shaped input.
    fn forward_dyn(&self, input: &crate::DynTensor) -> crate::Result<crate::DynTensor>;
}
