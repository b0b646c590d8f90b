// An Unflatten whose sizes do not multiply to the incoming feature count.
use kiln::Tensor;
use kiln::nn::{Forward, Linear, Unflatten};
use kiln::shape::{Dyn, U4, U5, U16, U300};

fn main() {
    let fc = Linear::<U4, U300>::new();
    let un = Unflatten::<(U16, U5, U5)>::new();
    let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::default())).unwrap();
    let _y = un.forward(fc.forward(x));
}
