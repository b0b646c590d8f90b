// Class labels (i64) given to a regression loss that needs float targets.
use kiln::prelude::*;

fn main() {
    let y = Tensor::<(Dyn, U1)>::zeros((Dyn(2), U1::new())).unwrap();
    let labels = Tensor::<(Dyn, U1), i64>::from_vec(vec![0, 1], (Dyn(2), U1::new())).unwrap();
    let _loss = MSELoss::new().forward(y, labels);
}
