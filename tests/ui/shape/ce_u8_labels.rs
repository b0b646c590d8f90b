// Class labels read as bytes (u8) given to CrossEntropyLoss, which takes
// i64 class indices.
use kiln::prelude::*;

fn main() {
    let logits = Tensor::<(Dyn, U10)>::zeros((Dyn(2), U10::new())).unwrap();
    let labels: Vec<u8> = vec![3, 7];
    let target = Tensor::from_vec(labels, (Dyn(2),)).unwrap();
    let _loss = CrossEntropyLoss::new().forward(logits, target);
}
