// Two stride-2 convs shrink 8x8 to 4x4 (padding 1) and then to 1x1
// ((4 - 3) / 2 + 1); the 2x2 pool after them has nothing to pool.
use kiln::prelude::*;

fn main() {
    let model = sequential![
        Conv2d(1, 8, 3, stride = 2, padding = 1),
        ReLU,
        Conv2d(8, 8, 3, stride = 2),
        MaxPool2d(2),
        Flatten,
        Linear(8, 10),
    ];
    let x = Tensor::<(Dyn, U1, U8, U8)>::zeros((Dyn(1), U1::new(), U8::new(), U8::new())).unwrap();
    let _y = model.forward(x);
}
