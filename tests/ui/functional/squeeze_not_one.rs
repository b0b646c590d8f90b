// squeeze(1) of a dimension of size 3.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U3)>::zeros((Dyn(2), U3::new())).unwrap();
    let _y = x.squeeze::<1>();
}
