// A residual connection around a layer that changes the width.
use kiln::prelude::*;

fn main() {
    let fc = Linear::<U64, U32>::new();
    let x = Tensor::<(Dyn, U64)>::zeros((Dyn(8), U64::new())).unwrap();
    let _y = fc.forward(x.clone()) + x;
}
