// Taking `output` from a recurrent layer's tuple: `OutputOnly` in a
// sequential chain, a destructuring `let` in a derived module's forward
// (PyTorch: `self.head(self.lstm(x)[0][:, -1])`).
use kiln::nn::{Bi, Forward, Linear, OutputOnly, TypedLSTM, Uni};
use kiln::shape::{Dyn, U1, U2, U10, U28, U128, U256};
use kiln::{Module, Tensor, sequential};

#[derive(Module)]
struct Classifier {
    lstm: TypedLSTM<U28, U128, U1, Uni>,
    head: Linear<U128, U10>,
}

impl Forward<Tensor<(Dyn, Dyn, U28)>> for Classifier {
    type Output = Tensor<(Dyn, U10)>;
    fn forward(&self, x: Tensor<(Dyn, Dyn, U28)>) -> Self::Output {
        let (output, _state) = self.lstm.forward(x); // (batch, seq, 128) with batch_first
        // output[:, -1]: the sequence length is a runtime size.
        let steps = output.dims().as_slice()[1];
        let last = output.as_dyn().narrow(1, steps - 1, 1).and_then(|t| t.reshape(&[-1, 128]));
        self.head.forward(Tensor::<(Dyn, U128)>::from_dyn(last.unwrap()).unwrap())
    }
}

fn main() {
    let chain = sequential![OutputOnly(TypedLSTM::<U28, U128, U2, Bi>::new().unwrap()), Linear(256, 10), ReLU];
    let x = Tensor::<(Dyn, Dyn, U28)>::zeros((Dyn(5), Dyn(3), U28::default())).unwrap();
    let _y: Tensor<(Dyn, Dyn, U10)> = chain.forward(x.clone());
    let model = Classifier { lstm: TypedLSTM::new().unwrap().batch_first(true), head: Linear::new() };
    let _z: Tensor<(Dyn, U10)> = model.forward(x);
    let _ = U256::default();
}
