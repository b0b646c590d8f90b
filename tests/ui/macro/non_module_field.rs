use kiln::nn::ModuleExt;
use kiln::{Module, Sequential, sequential};

#[derive(Module)]
struct Net {
    body: Sequential![Linear(4, 2)],
    count: u32,
}

fn main() {
    let net = Net { body: sequential![Linear(4, 2)], count: 0 };
    println!("{net} {}", net.num_parameters());
}
