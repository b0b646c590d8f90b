// A scalar (here a loss value) fed to a Linear layer.
use kiln::prelude::*;

fn main() {
    let fc = Linear::<U1, U4>::new();
    let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new())).unwrap();
    let _y = fc.forward(x.sum());
}
