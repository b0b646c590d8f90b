// The same mistake inside sequential!: reported at the layer's argument.
use kiln::sequential;

fn main() {
    let _net = sequential![Conv2d(1, 8, 3), BatchNorm2d(16), ReLU];
}
