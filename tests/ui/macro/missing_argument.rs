use kiln::sequential;

fn main() {
    let _net = sequential![Linear(784), ReLU];
}
