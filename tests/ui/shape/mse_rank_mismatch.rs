// Output (batch, 1) against a target (batch,): PyTorch broadcasts this to
// (batch, batch) with a warning; Kiln refuses it.
use kiln::prelude::*;

fn main() {
    let y = Tensor::<(Dyn, U1)>::zeros((Dyn(4), U1::new())).unwrap();
    let target = Tensor::<(Dyn,)>::zeros((Dyn(4),)).unwrap();
    let _loss = MSELoss::new().forward(y, target);
}
