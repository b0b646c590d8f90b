// PyTorch's MNIST example net (pytorch/examples, mnist/main.py) with its
// forward written in functional calls, as in Python: no from_dyn and no
// size computed by hand. 9216 = 64 * 12 * 12 is the compiler's product.
use kiln::prelude::*;
use kiln::shape::typenum::Prod;

#[derive(Module)]
struct Net {
    conv1: Conv2d<U1, U32, U3, U1>,
    conv2: Conv2d<U32, U64, U3, U1>,
    dropout1: Dropout,
    dropout2: Dropout,
    fc1: Linear<Prod<U9, U1024>, U128>,
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

    /// The same with the functional dropout, as `F.dropout(x, 0.25, self.training)`.
    fn forward_functional_dropout(&self, x: Tensor<(Dyn, U1, U28, U28)>) -> Tensor<(Dyn, U10)> {
        let x = self.conv2.forward(self.conv1.forward(x).relu()).relu();
        let x = x.max_pool2d::<2>().dropout(0.25, self.is_training()).flatten::<1>();
        let x = self.fc1.forward(x).relu().dropout(0.5, self.is_training());
        self.fc2.forward(x).log_softmax::<1>()
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
    let output = net.forward(x.clone());
    let _ = net.forward_functional_dropout(x);
    // PyTorch's test loop: pred = output.argmax(dim=1); correct += pred.eq(target).sum().item()
    let target = Tensor::<(Dyn,), i64>::from_vec(vec![3, 7], (Dyn(2),)).unwrap();
    let correct: i64 = output.argmax::<1>().eq(&target).sum().item();
    let _ = correct;
}
