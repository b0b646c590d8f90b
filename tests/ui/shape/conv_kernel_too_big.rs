// A 7x7 kernel on a 5x5 image without padding has no valid position.
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(1, 6, 7), ReLU, MaxPool2d(2), Flatten, Linear(6, 10)];
    let x = Tensor::<(Dyn, U1, U5, U5)>::zeros((Dyn(1), U1::new(), U5::new(), U5::new())).unwrap();
    let _y = model.forward(x);
}
