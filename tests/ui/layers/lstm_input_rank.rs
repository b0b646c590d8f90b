// A recurrent layer reads (seq, batch, features): a batch of flat vectors
// (one step, no sequence axis) is one dimension short.
use kiln::Tensor;
use kiln::nn::{Forward, TypedLSTM};
use kiln::shape::{Dyn, U28, U64};

fn main() {
    let lstm = TypedLSTM::<U28, U64>::new().unwrap();
    let x = Tensor::<(Dyn, U28)>::zeros((Dyn(5), U28::default())).unwrap();
    let _ = lstm.forward(x);
}
