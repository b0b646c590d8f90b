// view(-1, 5) of 24 elements: 24 is not a multiple of 5.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(U2, U3, U4)>::zeros((U2::new(), U3::new(), U4::new())).unwrap();
    let _y = x.view::<(Infer, U5)>();
}
