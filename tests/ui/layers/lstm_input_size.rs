// An LSTM with input_size 28 gets 32 features.
use kiln::Tensor;
use kiln::nn::{Forward, TypedLSTM};
use kiln::shape::{Dyn, U28, U32, U64};

fn main() {
    let lstm = TypedLSTM::<U28, U64>::new().unwrap();
    let x = Tensor::<(Dyn, Dyn, U32)>::zeros((Dyn(5), Dyn(2), U32::default())).unwrap();
    let _ = lstm.forward(x);
}
