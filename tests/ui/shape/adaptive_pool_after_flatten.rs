// AdaptiveAvgPool2d placed after Flatten gets a 2-D tensor.
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(3, 8, 3), Flatten, AdaptiveAvgPool2d(1), Linear(8, 10)];
    let x = Tensor::<(Dyn, U3, U32, U32)>::zeros((Dyn(1), U3::new(), U32::new(), U32::new())).unwrap();
    let _y = model.forward(x);
}
