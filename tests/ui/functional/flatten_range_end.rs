// torch.flatten(x, 1, 3) of a 3-D tensor: end_dim past the last dimension.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U3, U4)>::zeros((Dyn(2), U3::new(), U4::new())).unwrap();
    let _y = x.flatten_range::<1, 3>();
}
