// Predictions (batch, 1) compared with labels (batch, 10): argmax kept the dim.
use kiln::prelude::*;

fn main() {
    let logits = Tensor::<(Dyn, U10)>::zeros((Dyn(2), U10::new())).unwrap();
    let onehot = Tensor::<(Dyn, U10), i64>::from_vec(vec![0; 20], (Dyn(2), U10::new())).unwrap();
    let _correct = logits.argmax_keepdim::<1>().eq(&onehot).sum().item();
}
