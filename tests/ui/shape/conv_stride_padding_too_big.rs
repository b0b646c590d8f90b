// Padding 1 makes a 6x6 input 8x8, still smaller than a 9x9 kernel (the
// stride does not matter: there is no first position).
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(1, 4, 9, stride = 2, padding = 1), ReLU];
    let x = Tensor::<(Dyn, U1, U6, U6)>::zeros((Dyn(1), U1::new(), U6::new(), U6::new())).unwrap();
    let _y = model.forward(x);
}
