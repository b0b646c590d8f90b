// TransformerDecoderLayer(d_model=64, nhead=5, dim_feedforward=128): 5
// heads cannot split 64 features.
use kiln::nn::TypedTransformerDecoderLayer;
use kiln::shape::{U5, U64, U128};

fn main() {
    let _layer = TypedTransformerDecoderLayer::<U64, U5, U128>::new();
}
