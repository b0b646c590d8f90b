// A Conv1d kernel of 7 cannot slide over a sequence of 5 without padding.
use kiln::nn::{Conv1d, Forward};
use kiln::shape::{Dyn, U2, U4, U5, U7};
use kiln::Tensor;

fn main() {
    let conv = Conv1d::<U2, U4, U7>::new();
    let x = Tensor::<(Dyn, U2, U5)>::zeros((Dyn(1), U2::default(), U5::default())).unwrap();
    let _y = conv.forward(x);
}
