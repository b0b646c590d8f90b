// A 28x4 strip: the 5x5 kernel fits the height but not the width.
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(1, 6, 5)];
    let x = Tensor::<(Dyn, U1, U28, U4)>::zeros((Dyn(1), U1::new(), U28::new(), U4::new())).unwrap();
    let _y = model.forward(x);
}
