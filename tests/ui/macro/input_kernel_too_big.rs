// LeNet without padding shrinks 28x28 to 4x4 before a third 5x5 conv: the
// error names the layer and the size it got.
use kiln::prelude::*;

fn main() {
    let _net = sequential![
        input (1, 28, 28);
        Conv2d(1, 6, 5),
        ReLU,
        MaxPool2d(2),
        Conv2d(6, 16, 5),
        ReLU,
        MaxPool2d(2),
        Conv2d(16, 32, 5),
        Flatten,
        Linear(32, 10),
    ];
}
