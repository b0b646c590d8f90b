// A two-layer decoder stack of d_model 16 given a memory with 8 features.
use kiln::nn::{DecoderForward, TypedTransformerDecoder, TypedTransformerDecoderLayer};
use kiln::shape::{Dyn, U2, U8, U16, U32};
use kiln::Tensor;

fn main() {
    let layer = TypedTransformerDecoderLayer::<U16, U2, U32>::new();
    let decoder = TypedTransformerDecoder::new(&layer, 2, true);
    let tgt = Tensor::<(Dyn, Dyn, U16)>::zeros((Dyn(5), Dyn(2), U16::default())).unwrap();
    let memory = Tensor::<(Dyn, Dyn, U8)>::zeros((Dyn(7), Dyn(2), U8::default())).unwrap();
    let _y = decoder.forward_with(&tgt, &memory, DecoderForward::new());
}
