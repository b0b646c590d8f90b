use kiln::nn::ModuleExt;
use kiln::sequential;

fn main() {
    let n = 4;
    let net = sequential![Lineer(3, 4), Linear(n, 2), Conv2d(1, 2, 3, bias = true, bias = false)];
    println!("{}", net.num_parameters());
}
