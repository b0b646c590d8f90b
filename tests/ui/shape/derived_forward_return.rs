// A derived model whose forward declares 10 classes while its head
// computes 1000: the return type is the declared type.
use kiln::prelude::*;

#[derive(Module)]
struct Head {
    pool: AdaptiveAvgPool2d<U1>,
    flatten: Flatten,
    fc: Linear<U2048, U1000>,
}

impl Head {
    fn forward(&self, x: Tensor<(Dyn, U2048, U7, U7)>) -> Tensor<(Dyn, U10)> {
        self.fc
            .forward(self.flatten.forward(self.pool.forward(x)))
            .declared()
    }
}

fn main() {
    let head = Head { pool: AdaptiveAvgPool2d::new(), flatten: Flatten::new(), fc: Linear::new() };
    let x = Tensor::zeros((Dyn(1), U2048::new(), U7::new(), U7::new())).unwrap();
    let _y = head.forward(x);
}
