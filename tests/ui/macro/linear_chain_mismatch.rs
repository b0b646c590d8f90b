use kiln::sequential;

fn main() {
    let _net = sequential![Linear(784, 128), ReLU, Linear(256, 10)];
}
