// A hand-written conv stack: the second conv expects 3 channels but the
// first one produces 6.
use kiln::prelude::*;

#[derive(Module)]
struct Net {
    conv1: Conv2d<U1, U6, U5>,
    pool: MaxPool2d<U2>,
    conv2: Conv2d<U3, U16, U5>,
}

impl Net {
    fn forward(&self, x: Tensor<(Dyn, U1, U28, U28)>) -> Tensor<(Dyn, U16, U8, U8)> {
        let h = self.pool.forward(self.conv1.forward(x));
        self.conv2.forward(h)
    }
}

fn main() {
    let _ = Net { conv1: Conv2d::new(), pool: MaxPool2d::new(), conv2: Conv2d::new() };
}
