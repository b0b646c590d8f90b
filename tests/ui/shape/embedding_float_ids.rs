// Token ids held in a float tensor given to Embedding, which looks up i64
// indices.
use kiln::prelude::*;

fn main() {
    let emb = Embedding::new(100, 8);
    let ids = DynTensor::<f32>::from_vec(vec![1.0, 5.0, 7.0], &[3]).unwrap();
    let _vectors = emb.forward(&ids);
}
