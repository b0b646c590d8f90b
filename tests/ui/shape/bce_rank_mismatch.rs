// BCELoss with (batch, 10) probabilities and a (batch,) target: the error
// names the loss, the input and the target.
use kiln::prelude::*;

fn main() {
    let probs = Tensor::<(Dyn, U10)>::zeros((Dyn(4), U10::new())).unwrap();
    let target = Tensor::<(Dyn,)>::zeros((Dyn(4),)).unwrap();
    let _loss = BCELoss::new().forward(probs, target);
}
