// KLDivLoss with log-probabilities over 10 classes and a target over 5.
use kiln::prelude::*;

fn main() {
    let log_probs = Tensor::<(Dyn, U10)>::zeros((Dyn(4), U10::new())).unwrap();
    let target = Tensor::<(Dyn, U5)>::zeros((Dyn(4), U5::new())).unwrap();
    let _loss = KLDivLoss::new().forward(log_probs, target);
}
