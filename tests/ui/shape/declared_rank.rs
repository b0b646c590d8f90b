// Logits declared without their batch dimension.
use kiln::prelude::*;

fn main() {
    let model = sequential![Linear(4, 3)];
    let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new())).unwrap();
    let _y: Tensor<(U3,)> = model.forward(x).declared();
}
