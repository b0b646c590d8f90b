use kiln::nn::ModuleExt;

struct Holder {
    net: kiln::Sequential![Linear(784, 128), Linear(256, 10), Flatten(start_dim = 0)],
}

fn count(h: &Holder) -> usize {
    h.net.num_parameters()
}

fn main() {}
