// TransformerEncoderLayer(d_model=64, nhead=6, dim_feedforward=128): 6
// heads cannot split 64 features.
use kiln::nn::TypedTransformerEncoderLayer;
use kiln::shape::{U6, U64, U128};

fn main() {
    let _layer = TypedTransformerEncoderLayer::<U64, U6, U128>::new();
}
