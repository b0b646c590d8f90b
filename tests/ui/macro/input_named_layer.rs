// In a named sequential the error names the layer by its name.
use kiln::prelude::*;

fn main() {
    let _net = sequential![
        input (784);
        fc1: Linear(784, 256),
        relu: ReLU,
        fc2: Linear(128, 10),
    ];
}
