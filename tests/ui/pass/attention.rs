// The typed attention layers with sizes that fit: heads divide the
// embedding, the key and value carry kdim and vdim features.
use kiln::nn::{Forward, MhaForward, TypedMultiheadAttention, TypedTransformerEncoder, TypedTransformerEncoderLayer};
use kiln::shape::{Dyn, U2, U4, U6, U8, U16, U32};
use kiln::Tensor;

fn main() {
    let mha = TypedMultiheadAttention::<U8, U2, U6, U4>::new();
    let q = Tensor::<(Dyn, Dyn, U8)>::zeros((Dyn(5), Dyn(1), U8::default())).unwrap();
    let k = Tensor::<(Dyn, Dyn, U6)>::zeros((Dyn(3), Dyn(1), U6::default())).unwrap();
    let v = Tensor::<(Dyn, Dyn, U4)>::zeros((Dyn(3), Dyn(1), U4::default())).unwrap();
    let (_y, _w) = mha.forward(&q, &k, &v, MhaForward::new()).unwrap();
    let layer = TypedTransformerEncoderLayer::<U16, U4, U32>::new();
    let encoder = TypedTransformerEncoder::new(&layer, 2, true);
    let x = Tensor::<(Dyn, Dyn, U16)>::zeros((Dyn(5), Dyn(2), U16::default())).unwrap();
    let _y: Tensor<(Dyn, Dyn, U16)> = encoder.forward(layer.forward(x));
}
