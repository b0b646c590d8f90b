// In a chain, OutputOnly keeps `output` (lstm(x)[0]); an LSTM(4, 16,
// proj_size=8) gives 8 features, not the hidden size 16.
use kiln::nn::{Forward, OutputOnly, TypedLSTM, Uni};
use kiln::shape::{Dyn, U1, U4, U8, U16};
use kiln::{Tensor, sequential};

fn main() {
    let model = sequential![OutputOnly(TypedLSTM::<U4, U16, U1, Uni, U8>::new().unwrap()), Linear(16, 2)];
    let x = Tensor::<(Dyn, Dyn, U4)>::zeros((Dyn(5), Dyn(2), U4::default())).unwrap();
    let _ = model.forward(x);
}
