// Flatten keeps the batch dimension: a 1-D tensor has nothing to flatten.
use kiln::prelude::*;

fn main() {
    let model = sequential![Flatten, Linear(8, 2)];
    let x = Tensor::<(U8,)>::zeros((U8::new(),)).unwrap();
    let _y = model.forward(x);
}
