// Sizes above U1024 in types: Size![..] in struct fields, annotations and
// signatures, and ImageNet-scale heads that fit.
use kiln::prelude::*;

#[derive(Module)]
struct AlexNetHead {
    fc1: Linear<Size![256 * 6 * 6], U4096>,
    act: ReLU,
    fc2: Linear<U4096, U1000>,
}

impl AlexNetHead {
    fn forward<B: Dim>(&self, x: Tensor<(B, Size![9216])>) -> Tensor<(B, U1000)> {
        self.fc2.forward(self.act.forward(self.fc1.forward(x)))
    }
}

fn main() {
    let head = AlexNetHead { fc1: Linear::new(), act: ReLU::new(), fc2: Linear::new() };
    let x: Tensor<(Dyn, Size![9216])> = Tensor::zeros((Dyn(2), Default::default())).unwrap();
    let _: Tensor<(Dyn, U1000)> = head.forward(x);

    let resnet_head = sequential![AdaptiveAvgPool2d(1), Flatten, Linear(2048, 1000)];
    let features = Tensor::<(Dyn, U2048, U7, U7)>::zeros((Dyn(1), U2048::new(), U7::new(), U7::new())).unwrap();
    let _: Tensor<(Dyn, U1000)> = resnet_head.forward(features);

    let vgg = sequential![Flatten, Linear(25088, 4096), ReLU, Linear(4096, 1000)];
    let pooled: Tensor<(Dyn, U512, U7, U7)> = Tensor::zeros((Dyn(1), U512::new(), U7::new(), U7::new())).unwrap();
    let _: Tensor<(Dyn, U1000)> = vgg.forward(pooled);
}
