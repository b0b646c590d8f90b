// (2, 3) x (4, 5): the inner sizes differ.
use kiln::prelude::*;

fn main() {
    let a = Tensor::<(Dyn, U3)>::zeros((Dyn(2), U3::new())).unwrap();
    let b = Tensor::<(U4, U5)>::zeros((U4::new(), U5::new())).unwrap();
    let _y = a.matmul(&b);
}
