// A 4x4 average-pooling window on a 3x3 map without padding.
use kiln::nn::{AvgPool2d, Forward};
use kiln::shape::{Dyn, U2, U3, U4};
use kiln::Tensor;

fn main() {
    let pool = AvgPool2d::<U4>::new();
    let x = Tensor::<(Dyn, U2, U3, U3)>::zeros((Dyn(1), U2::default(), U3::default(), U3::default())).unwrap();
    let _y = pool.forward(x);
}
