use kiln::sequential;

fn main() {
    let _net = sequential![Linear(4, 3), ReLU, Lineer(3, 2)];
}
