// A residual add of 4096 and 4160 features: sizes just past the lift table
// print in decimal next to a small dimension index.
use kiln::prelude::*;

fn main() {
    let a = Tensor::<(Dyn, U4096)>::zeros((Dyn(1), U4096::new())).unwrap();
    let b = Tensor::<(Dyn, Size![4160])>::zeros((Dyn(1), Default::default())).unwrap();
    let _c = a + b;
}
