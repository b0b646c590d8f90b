// A conv net declared with flat MNIST input (784 features): the first
// layer already needs 4 dimensions.
use kiln::prelude::*;

fn main() {
    let _net = sequential![input (784); Conv2d(1, 6, 5), ReLU, Flatten, Linear(3456, 10)];
}
