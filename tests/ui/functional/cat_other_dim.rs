// torch.cat([a, b], 1) with a different dimension 2.
use kiln::prelude::*;

fn main() {
    let a = Tensor::<(Dyn, U3, U4)>::zeros((Dyn(2), U3::new(), U4::new())).unwrap();
    let b = Tensor::<(Dyn, U5, U6)>::zeros((Dyn(2), U5::new(), U6::new())).unwrap();
    let _y = a.cat::<1, _>(&b);
}
