// A regression head of 10 outputs compared with a single target column.
use kiln::prelude::*;

fn main() {
    let y = Tensor::<(Dyn, U10)>::zeros((Dyn(4), U10::new())).unwrap();
    let target = Tensor::<(Dyn, U1)>::zeros((Dyn(4), U1::new())).unwrap();
    let _loss = MSELoss::new().forward(y, target);
}
