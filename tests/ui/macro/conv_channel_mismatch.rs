use kiln::sequential;

fn main() {
    let _net = sequential![Conv2d(1, 3, 5), ReLU, MaxPool2d(2), Conv2d(6, 16, 5)];
}
