// A 3x3 kernel with dilation 3 spans 7 pixels, more than the 6x6 input.
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(1, 4, 3, dilation = 3)];
    let x = Tensor::<(Dyn, U1, U6, U6)>::zeros((Dyn(1), U1::new(), U6::new(), U6::new())).unwrap();
    let _y = model.forward(x);
}
