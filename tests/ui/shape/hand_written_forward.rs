// A hand-written forward that passes the hidden layer's 256 features to a
// layer expecting 128.
use kiln::prelude::*;

#[derive(Module)]
struct Mlp {
    hidden: Linear<U784, U256>,
    act: ReLU,
    output: Linear<U128, U10>,
}

impl Mlp {
    fn forward(&self, x: Tensor<(Dyn, U784)>) -> Tensor<(Dyn, U10)> {
        let h = self.act.forward(self.hidden.forward(x));
        self.output.forward(h)
    }
}

fn main() {
    let _ = Mlp { hidden: Linear::new(), act: ReLU::new(), output: Linear::new() };
}
