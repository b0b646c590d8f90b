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
/// use nncore::shape::{Dyn, Tensor, consts::U3};
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
