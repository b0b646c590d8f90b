// A ceil-mode AvgPool2d whose window fits the height (4 + 2*0 plus
// stride - 1 = 5) but not the width (3 + 2*0 plus stride - 1 = 4).
use kiln::Tensor;
use kiln::nn::{AvgPool2dCeil, Forward};
use kiln::shape::{Dyn, U1, U2, U3, U4, U5};

fn main() {
    let pool = AvgPool2dCeil::<U5, U2>::new();
    let x = Tensor::<(Dyn, U1, U4, U3)>::zeros((Dyn(1), U1::default(), U4::default(), U3::default())).unwrap();
    let _y = pool.forward(x);
}
