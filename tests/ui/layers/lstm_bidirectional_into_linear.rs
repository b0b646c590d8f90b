// A bidirectional LSTM(28, 128) gives 2 x 128 = 256 features: a Linear
// that expects 128 does not fit.
use kiln::Tensor;
use kiln::nn::{Bi, Forward, Linear, TypedLSTM};
use kiln::shape::{Dyn, U1, U10, U28, U128};

fn main() {
    let lstm = TypedLSTM::<U28, U128, U1, Bi>::new().unwrap();
    let head = Linear::<U128, U10>::new();
    let x = Tensor::<(Dyn, Dyn, U28)>::zeros((Dyn(5), Dyn(2), U28::default())).unwrap();
    let (output, _state) = lstm.forward(x);
    let _y = head.forward(output);
}
