// LeNet with the wrong in_features after Flatten: the conv/pool arithmetic
// gives 16 * 5 * 5 = 400 features, the Linear expects 256.
use kiln::prelude::*;

fn main() {
    let model = sequential![
        Conv2d(1, 6, 5, padding = 2),
        ReLU,
        MaxPool2d(2),
        Conv2d(6, 16, 5),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(256, 120),
    ];
    let x = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(1), U1::new(), U28::new(), U28::new())).unwrap();
    let _y = model.forward(x);
}
