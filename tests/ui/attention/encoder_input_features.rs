// An encoder layer of d_model 16 fed 12 features.
use kiln::nn::{Forward, TypedTransformerEncoderLayer};
use kiln::shape::{Dyn, U4, U12, U16, U32};
use kiln::Tensor;

fn main() {
    let layer = TypedTransformerEncoderLayer::<U16, U4, U32>::new();
    let x = Tensor::<(Dyn, Dyn, U12)>::zeros((Dyn(5), Dyn(2), U12::default())).unwrap();
    let _y = layer.forward(x);
}
