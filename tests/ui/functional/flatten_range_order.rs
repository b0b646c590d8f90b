// torch.flatten(x, 2, 1): start_dim after end_dim.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U3, U4, U4)>::zeros((Dyn(2), U3::new(), U4::new(), U4::new())).unwrap();
    let _y = x.flatten_range::<2, 1>();
}
