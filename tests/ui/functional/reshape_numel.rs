// 24 elements cannot become 5 x 5.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(U2, U3, U4)>::zeros((U2::new(), U3::new(), U4::new())).unwrap();
    let _y = x.reshape::<(U5, U5)>();
}
