// An autoencoder's output (batch, 1, 28, 28) compared with flat targets
// (batch, 784): MSELoss names the loss and both ranks.
use kiln::prelude::*;

fn main() {
    let output = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(2), U1::new(), U28::new(), U28::new())).unwrap();
    let target = Tensor::<(Dyn, U784)>::zeros((Dyn(2), U784::new())).unwrap();
    let _loss = MSELoss::new().forward(output, target);
}
