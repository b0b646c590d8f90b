// MultiheadAttention(16, 4): a query with 12 features.
use kiln::nn::{MhaForward, TypedMultiheadAttention};
use kiln::shape::{Dyn, U4, U12, U16};
use kiln::Tensor;

fn main() {
    let mha = TypedMultiheadAttention::<U16, U4>::new().batch_first(true);
    let q = Tensor::<(Dyn, Dyn, U12)>::zeros((Dyn(2), Dyn(5), U12::default())).unwrap();
    let kv = Tensor::<(Dyn, Dyn, U16)>::zeros((Dyn(2), Dyn(7), U16::default())).unwrap();
    let _out = mha.forward(&q, &kv, &kv, MhaForward::new());
}
