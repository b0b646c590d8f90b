// transpose(0, 3) of a 3-D tensor.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U3, U4)>::zeros((Dyn(2), U3::new(), U4::new())).unwrap();
    let _y = x.transpose::<0, 3>();
}
