// A 1x1 kernel with padding 1 on a 1x1 map: the input height 1 grows to 1
// and the padding takes 2 away, so no output row is left.
use kiln::nn::{ConvTranspose2d, Forward};
use kiln::shape::{Dyn, U0, U1, U4};
use kiln::Tensor;

fn main() {
    let up = ConvTranspose2d::<U4, U4, U1, U1, U1, U0>::new();
    let x = Tensor::<(Dyn, U4, U1, U1)>::zeros((Dyn(1), U4::default(), U1::default(), U1::default())).unwrap();
    let _y = up.forward(x);
}
