use kiln::sequential;

fn main() {
    let _net = sequential![fc1: Linear(4, 3), ReLU, fc2: Linear(3, 2)];
}
