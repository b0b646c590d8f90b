// A derived model whose fields name sizes above U1024 with Size![..]; its
// hand-written forward feeds 9216 features to a layer expecting 4096.
use kiln::prelude::*;

#[derive(Module)]
struct Head {
    fc1: Linear<Size![256 * 6 * 6], U4096>,
    fc2: Linear<Size![4096], U1000>,
}

impl Head {
    fn forward(&self, x: Tensor<(Dyn, Size![9216])>) -> Tensor<(Dyn, U1000)> {
        self.fc2.forward(x)
    }
}

fn main() {
    let _ = Head { fc1: Linear::new(), fc2: Linear::new() }.fc1;
}
