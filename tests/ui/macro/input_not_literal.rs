// The input shape is part of the model's type: its sizes are literals.
use kiln::prelude::*;

const SIDE: usize = 28;

fn main() {
    let _net = sequential![input (1, SIDE, SIDE); Flatten, Linear(784, 10)];
}
