// A float tensor given where CrossEntropyLoss wants class indices.
use kiln::prelude::*;

fn main() {
    let logits = Tensor::<(Dyn, U10)>::zeros((Dyn(2), U10::new())).unwrap();
    let target = Tensor::<(Dyn,)>::zeros((Dyn(2),)).unwrap();
    let _loss = CrossEntropyLoss::new().forward(logits, target);
}
