// The same patterns compile when the sizes fit: LeNet, the seed MLP in
// both forms, a residual block, and a model generic over its batch dim.
use kiln::prelude::*;

#[derive(Module)]
struct Mlp {
    hidden: Linear<U784, U256>,
    act: ReLU,
    output: Linear<U256, U10>,
}

impl Mlp {
    fn forward<B: Dim>(&self, x: Tensor<(B, U784)>) -> Tensor<(B, U10)> {
        self.output.forward(self.act.forward(self.hidden.forward(x)))
    }
}

#[derive(Module)]
struct Residual {
    fc: Linear<U64, U64>,
    act: ReLU,
}

impl Residual {
    fn forward<B: BatchDim>(&self, x: Tensor<(B, U64)>) -> Tensor<(B, U64)> {
        self.act.forward(self.fc.forward(x.clone())) + x
    }
}

fn main() {
    let lenet = sequential![
        Conv2d(1, 6, 5, padding = 2),
        ReLU,
        MaxPool2d(2),
        Conv2d(6, 16, 5),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(400, 120),
        ReLU,
        Linear(120, 84),
        ReLU,
        Linear(84, 10),
    ];
    let images = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(2), U1::new(), U28::new(), U28::new())).unwrap();
    let _: Tensor<(Dyn, U10)> = lenet.forward(images);

    let seq = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let mlp = Mlp { hidden: Linear::new(), act: ReLU::new(), output: Linear::new() };
    let rows = Tensor::<(Dyn, U784)>::zeros((Dyn(2), U784::new())).unwrap();
    let _: Tensor<(Dyn, U10)> = seq.forward(rows.clone());
    let _: Tensor<(Dyn, U10)> = mlp.forward(rows);
    // A static batch of 32 works through the same generic forward.
    let fixed = Tensor::<(U32, U784)>::zeros((U32::new(), U784::new())).unwrap();
    let _: Tensor<(U32, U10)> = mlp.forward(fixed);

    let block = Residual { fc: Linear::new(), act: ReLU::new() };
    let _ = block.forward(Tensor::<(Dyn, U64)>::zeros((Dyn(4), U64::new())).unwrap());
}
