// MultiheadAttention(10, 4): 4 heads cannot split 10 features (PyTorch:
// "embed_dim must be divisible by num_heads", at run time).
use kiln::nn::TypedMultiheadAttention;
use kiln::shape::{U4, U10};

fn main() {
    let _mha = TypedMultiheadAttention::<U10, U4>::new();
}
