// MultiheadAttention(8, 2, kdim=6, vdim=4): a value with 6 features instead of 4.
use kiln::nn::{MhaForward, TypedMultiheadAttention};
use kiln::shape::{Dyn, U2, U4, U6, U8};
use kiln::Tensor;

fn main() {
    let mha = TypedMultiheadAttention::<U8, U2, U6, U4>::new();
    let q = Tensor::<(Dyn, Dyn, U8)>::zeros((Dyn(5), Dyn(1), U8::default())).unwrap();
    let kv = Tensor::<(Dyn, Dyn, U6)>::zeros((Dyn(3), Dyn(1), U6::default())).unwrap();
    let _out = mha.forward(&q, &kv, &kv, MhaForward::new());
}
