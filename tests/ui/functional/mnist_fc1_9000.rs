// PyTorch's MNIST example net with fc1 = Linear(9000, 128): the flattened
// conv output has 64 * 12 * 12 = 9216 features, and the compiler says so.
use kiln::prelude::*;
use kiln::shape::typenum::Prod;

#[derive(Module)]
struct Net {
    conv1: Conv2d<U1, U32, U3, U1>,
    conv2: Conv2d<U32, U64, U3, U1>,
    dropout1: Dropout,
    dropout2: Dropout,
    fc1: Linear<Prod<U9, U1000>, U128>,
    fc2: Linear<U128, U10>,
}

impl Net {
    fn forward(&self, x: Tensor<(Dyn, U1, U28, U28)>) -> Tensor<(Dyn, U10)> {
        let x = self.conv1.forward(x).relu();
        let x = self.conv2.forward(x).relu();
        let x = x.max_pool2d::<2>();
        let x = self.dropout1.forward(x);
        let x = x.flatten::<1>();
        let x = self.fc1.forward(x).relu();
        let x = self.dropout2.forward(x);
        let x = self.fc2.forward(x);
        x.log_softmax::<1>()
    }
}

fn main() {
    let net = Net {
        conv1: Conv2d::new(),
        conv2: Conv2d::new(),
        dropout1: Dropout::with_p(0.25),
        dropout2: Dropout::with_p(0.5),
        fc1: Linear::new(),
        fc2: Linear::new(),
    };
    let x = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(2), U1::new(), U28::new(), U28::new())).unwrap();
    let _ = net.forward(x);
}
