// PyTorch rejects a pooling padding above half the window.
use kiln::prelude::*;

fn main() {
    let model = sequential![MaxPool2d(2, padding = 2)];
    let x = Tensor::<(Dyn, U1, U8, U8)>::zeros((Dyn(1), U1::new(), U8::new(), U8::new())).unwrap();
    let _y = model.forward(x);
}
