// BCEWithLogitsLoss with 10 logits per sample but 1 target per sample.
use kiln::prelude::*;

fn main() {
    let logits = Tensor::<(Dyn, U10)>::zeros((Dyn(4), U10::new())).unwrap();
    let target = Tensor::<(Dyn, U1)>::zeros((Dyn(4), U1::new())).unwrap();
    let _loss = BCEWithLogitsLoss::new().forward(logits, target);
}
