// AlexNet (the original, unpadded first conv) fed 224x224 images instead of
// 227x227: the features reach the classifier as 256 * 5 * 5 = 6400, not
// 256 * 6 * 6 = 9216. Both sizes are above the lift table and print in decimal.
use kiln::prelude::*;

fn main() {
    let model = sequential![
        Conv2d(3, 64, 11, stride = 4),
        ReLU,
        MaxPool2d(3, stride = 2),
        Conv2d(64, 192, 5, padding = 2),
        ReLU,
        MaxPool2d(3, stride = 2),
        Conv2d(192, 384, 3, padding = 1),
        ReLU,
        Conv2d(384, 256, 3, padding = 1),
        ReLU,
        Conv2d(256, 256, 3, padding = 1),
        ReLU,
        MaxPool2d(3, stride = 2),
        Flatten,
        Linear(9216, 4096),
        ReLU,
        Linear(4096, 1000),
    ];
    let x = Tensor::<(Dyn, U3, U224, U224)>::zeros((Dyn(1), U3::new(), U224::new(), U224::new())).unwrap();
    let _y = model.forward(x);
}
