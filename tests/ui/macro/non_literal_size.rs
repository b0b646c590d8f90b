use kiln::sequential;

fn main() {
    let n = 10;
    let _net = sequential![Linear(784, 256), ReLU, Linear(256, n)];
}
