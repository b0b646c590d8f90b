use kiln::nn::ModuleExt;
use kiln::Module;

#[derive(Module)]
enum Net {
    Small(kiln::nn::ReLU),
}

fn main() {
    let net = Net::Small(kiln::nn::ReLU::new());
    let _ = net.num_parameters();
}
