// The 5x5 conv leaves a 1x1 map; a 2x2 pool cannot fit in it.
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(1, 6, 5), MaxPool2d(2)];
    let x = Tensor::<(Dyn, U1, U5, U5)>::zeros((Dyn(1), U1::new(), U5::new(), U5::new())).unwrap();
    let _y = model.forward(x);
}
