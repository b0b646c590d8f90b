// x[:, 2:5] of a dimension of size 4.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new())).unwrap();
    let _y = x.narrow::<1, 2, 3>();
}
