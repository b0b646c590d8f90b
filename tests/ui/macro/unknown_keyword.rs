use kiln::sequential;

fn main() {
    let _net = sequential![Conv2d(1, 6, 5, paddin = 2), ReLU];
}
