// A ceil-mode MaxPool2d whose window does not fit even with ceil mode's room.
use kiln::Tensor;
use kiln::nn::{Forward, MaxPool2dCeil};
use kiln::shape::{Dyn, U1, U3, U5};

fn main() {
    let pool = MaxPool2dCeil::<U5, U1>::new();
    let x = Tensor::<(Dyn, U1, U3, U3)>::zeros((Dyn(1), U1::default(), U3::default(), U3::default())).unwrap();
    let _y = pool.forward(x);
}
