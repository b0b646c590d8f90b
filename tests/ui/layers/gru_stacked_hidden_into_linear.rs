// A two-layer GRU(16, 32) gives its hidden size, 32 features, whatever
// the layer count: a head written for 2 x 32 = 64 does not fit.
use kiln::Tensor;
use kiln::nn::{Forward, Linear, TypedGRU, Uni};
use kiln::shape::{Dyn, U2, U4, U16, U32, U64};

fn main() {
    let gru = TypedGRU::<U16, U32, U2, Uni>::new().unwrap();
    let head = Linear::<U64, U4>::new();
    let x = Tensor::<(Dyn, Dyn, U16)>::zeros((Dyn(5), Dyn(2), U16::default())).unwrap();
    let (output, _h_n) = gru.forward(x);
    let _y = head.forward(output);
}
