// A 22-layer CIFAR net whose 18th entry (index 17, as print(model) and
// `17.weight` number it) expects the flatten size of a net without its
// third pool: with the input shape declared, the macro follows the shape
// through every layer and points at the one that does not fit.
use kiln::prelude::*;

fn main() {
    let _net = sequential![
        input (3, 32, 32);
        Conv2d(3, 32, 3, padding = 1),
        BatchNorm2d(32),
        ReLU,
        Conv2d(32, 32, 3, padding = 1),
        ReLU,
        MaxPool2d(2),
        Conv2d(32, 64, 3, padding = 1),
        BatchNorm2d(64),
        ReLU,
        Conv2d(64, 64, 3, padding = 1),
        ReLU,
        MaxPool2d(2),
        Conv2d(64, 128, 3, padding = 1),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Dropout(0.5),
        Linear(1152, 256),
        ReLU,
        Dropout(0.5),
        Linear(256, 10),
        Sigmoid,
    ];
}
