// A named sequential (`fc1.weight`, ...) fed rows of 600 features where its
// first layer takes 784.
use kiln::prelude::*;

fn main() {
    let model = sequential![fc1: Linear(784, 256), act: ReLU, fc2: Linear(256, 10)];
    let x = Tensor::<(Dyn, U600)>::zeros((Dyn(1), U600::new())).unwrap();
    let _y = model.forward(x);
}
