use kiln::sequential;

fn main() {
    let _net = sequential![fc1: Linear(4, 3), relu: ReLU, fc1: Linear(3, 2)];
}
