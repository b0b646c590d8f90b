// One Linear(64 -> 32) applied twice: the second call gets its own 32-wide
// output.
use kiln::prelude::*;

#[derive(Module)]
struct Twice {
    fc: Linear<U64, U32>,
}

impl Twice {
    fn forward(&self, x: Tensor<(Dyn, U64)>) -> Tensor<(Dyn, U32)> {
        let h = self.fc.forward(x);
        self.fc.forward(h)
    }
}

fn main() {
    let _ = Twice { fc: Linear::new() };
}
