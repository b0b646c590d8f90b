// A ConvTranspose2d built for 8 input channels given a 3-channel image.
use kiln::nn::{ConvTranspose2d, Forward};
use kiln::shape::{Dyn, U2, U3, U4, U8};
use kiln::Tensor;

fn main() {
    let up = ConvTranspose2d::<U8, U4, U3, U2>::new();
    let x = Tensor::<(Dyn, U3, U4, U4)>::zeros((Dyn(1), U3::default(), U4::default(), U4::default())).unwrap();
    let _y = up.forward(x);
}
