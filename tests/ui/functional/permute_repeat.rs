// A permutation that lists dimension 1 twice.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U3, U4, U5)>::zeros((Dyn(2), U3::new(), U4::new(), U5::new())).unwrap();
    let _y = x.permute::<0, 1, 1, 3>();
}
