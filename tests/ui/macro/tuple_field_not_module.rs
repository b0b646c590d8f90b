use kiln::Module;

#[derive(Module)]
struct Pair(kiln::nn::ReLU, String);

fn main() {
    println!("{}", Pair(kiln::nn::ReLU::new(), String::new()));
}
