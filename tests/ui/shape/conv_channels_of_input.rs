// An RGB network fed single-channel MNIST images.
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(3, 16, 3, padding = 1), ReLU];
    let x = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(1), U1::new(), U28::new(), U28::new())).unwrap();
    let _y = model.forward(x);
}
