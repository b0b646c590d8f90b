// groups = 4 does not divide 6 input channels.
use kiln::nn::{Conv2d, Forward};
use kiln::shape::{Dyn, U1, U3, U4, U6, U8, U10};
use kiln::Tensor;

fn main() {
    let conv = Conv2d::<U6, U8, U3, U1, U1, U1, U4>::new();
    let x = Tensor::<(Dyn, U6, U10, U10)>::zeros((Dyn(1), U6::default(), U10::default(), U10::default())).unwrap();
    let _y = conv.forward(x);
    // (the error is reported where the layer is built)
}
