// One-hot labels (batch, classes) where class indices (batch,) are expected.
use kiln::prelude::*;

fn main() {
    let logits = Tensor::<(Dyn, U10)>::zeros((Dyn(2), U10::new())).unwrap();
    let one_hot = Tensor::<(Dyn, U10), i64>::from_vec(vec![0; 20], (Dyn(2), U10::new())).unwrap();
    let _loss = CrossEntropyLoss::new().forward(logits, one_hot);
}
