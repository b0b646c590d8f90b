// Conv2d(3, 8, 3, stride=2, padding=1) halves 32x32 to 16x16, the pool to
// 8x8: Flatten gives 8 * 8 * 8 = 512 features, not the 1024 assumed.
use kiln::prelude::*;

fn main() {
    let model = sequential![
        Conv2d(3, 8, 3, stride = 2, padding = 1),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(1024, 10),
    ];
    let x = Tensor::<(Dyn, U3, U32, U32)>::zeros((Dyn(1), U3::new(), U32::new(), U32::new())).unwrap();
    let _y = model.forward(x);
}
