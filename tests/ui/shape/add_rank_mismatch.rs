// Adding a (batch, 64) tensor to a (batch, 1, 64) one: no implicit
// broadcasting.
use kiln::prelude::*;

fn main() {
    let a = Tensor::<(Dyn, U64)>::zeros((Dyn(8), U64::new())).unwrap();
    let b = Tensor::<(Dyn, U1, U64)>::zeros((Dyn(8), U1::new(), U64::new())).unwrap();
    let _y = a + b;
}
