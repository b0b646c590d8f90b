type Mlp = kiln::Sequential![Linear(784, 256), Relu, Linear(256, 10)];

fn main() {
    let _net: Option<Mlp> = None;
}
