// A decoder of d_model 64 given the memory of an encoder of d_model 32.
use kiln::nn::TypedTransformerDecoderLayer;
use kiln::shape::{Dyn, U4, U32, U64, U128};
use kiln::Tensor;

fn main() {
    let layer = TypedTransformerDecoderLayer::<U64, U4, U128>::new().batch_first(true);
    let tgt = Tensor::<(Dyn, Dyn, U64)>::zeros((Dyn(2), Dyn(5), U64::default())).unwrap();
    let memory = Tensor::<(Dyn, Dyn, U32)>::zeros((Dyn(2), Dyn(9), U32::default())).unwrap();
    let _y = layer.forward(tgt, &memory);
}
