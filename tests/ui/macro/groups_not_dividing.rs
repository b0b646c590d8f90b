use kiln::sequential;

fn main() {
    // groups = 3 divides neither 4 input nor 8 output channels.
    let _net = sequential![Conv2d(4, 8, 3, groups = 3)];
}
