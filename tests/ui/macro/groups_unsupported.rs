use kiln::sequential;

fn main() {
    let _net = sequential![Conv2d(4, 8, 3, groups = 2)];
}
