// torch.flatten(x, 2) of a 2-D tensor.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new())).unwrap();
    let _y = x.flatten::<2>();
}
