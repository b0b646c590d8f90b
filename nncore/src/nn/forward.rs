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
    /// Runs the module on a runtime-shaped input. A module whose PyTorch
    /// forward returns a tuple returns its first tensor here (a recurrent
    /// layer's `output`, as `OutputOnly` does in `sequential!`).
    fn forward_dyn(&self, input: &crate::DynTensor) -> crate::Result<crate::DynTensor>;

    /// PyTorch's `module(*inputs)` with every tensor of its result, in
    /// order: what a recurrent layer needs for its initial and final
    /// states. `inputs` are the positional tensors with a state pair
    /// flattened (`[input, h_0, c_0]` for an LSTM); the result is the
    /// tuple flattened (`[output, h_n, c_n]`). A module with one input and
    /// one output (the default) returns `[forward_dyn(input)]`.
    ///
    /// ```
    /// use nncore::nn::dynamic::{build_layer, LayerOptions};
    /// use nncore::DynTensor;
    /// let o = LayerOptions::new().with("input_size", 3).with("hidden_size", 4);
    /// let lstm = build_layer("LSTM", &o)?;
    /// let x = DynTensor::randn(&[5, 2, 3])?;
    /// assert_eq!(lstm.forward_dyn(&x)?.shape(), &[5, 2, 4]); // output
    /// let out = lstm.forward_dyn_tuple(&[&x])?; // output, h_n, c_n
    /// let out = lstm.forward_dyn_tuple(&[&x, &out[1], &out[2]])?; // carried on
    /// assert_eq!(out[1].shape(), &[1, 2, 4]);
    /// let relu = build_layer("ReLU", &LayerOptions::new())?;
    /// let err = relu.forward_dyn_tuple(&[&x, &x]).unwrap_err();
    /// assert_eq!(err.to_string(), "forward_dyn_tuple: invalid inputs: this module's forward takes one tensor, but got 2");
    /// # Ok::<(), nncore::Error>(())
    /// ```
    fn forward_dyn_tuple(
        &self,
        inputs: &[&crate::DynTensor],
    ) -> crate::Result<Vec<crate::DynTensor>> {
        match *inputs {
            [x] => Ok(vec![self.forward_dyn(x)?]),
            _ => Err(crate::Error::option(
                "forward_dyn_tuple",
                "inputs",
                format!(
                    "this module's forward takes one tensor, but got {}",
                    inputs.len()
                ),
            )),
        }
    }
}
