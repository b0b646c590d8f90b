// x.sum(7): no Kiln tensor has a dimension 7.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U10)>::zeros((Dyn(2), U10::new())).unwrap();
    let _y = x.sum_dim::<7>();
}
