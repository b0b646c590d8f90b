// MultiheadAttention(8, 2, kdim=6): a key with 8 features instead of 6.
use kiln::nn::{MhaForward, TypedMultiheadAttention};
use kiln::shape::{Dyn, U2, U6, U8};
use kiln::Tensor;

fn main() {
    let mha = TypedMultiheadAttention::<U8, U2, U6>::new();
    let q = Tensor::<(Dyn, Dyn, U8)>::zeros((Dyn(5), Dyn(1), U8::default())).unwrap();
    let _out = mha.forward(&q, &q, &q, MhaForward::new());
}
