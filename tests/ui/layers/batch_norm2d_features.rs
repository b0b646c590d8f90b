// A BatchNorm2d whose num_features is not the channel count of its input.
use kiln::Tensor;
use kiln::nn::{BatchNorm2d, Conv2d, Forward};
use kiln::shape::{Dyn, U1, U3, U8, U16, U28};

fn main() {
    let conv = Conv2d::<U1, U8, U3>::new();
    let bn = BatchNorm2d::<U16>::new();
    let x = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(2), U1::default(), U28::default(), U28::default())).unwrap();
    let _y = bn.forward(conv.forward(x));
}
