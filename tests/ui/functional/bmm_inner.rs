// Attention scores q · kᵀ with k not transposed: (B, 5, 8) x (B, 5, 8).
use kiln::prelude::*;

fn main() {
    let q = Tensor::<(Dyn, U5, U8)>::zeros((Dyn(2), U5::new(), U8::new())).unwrap();
    let k = Tensor::<(Dyn, U5, U8)>::zeros((Dyn(2), U5::new(), U8::new())).unwrap();
    let _scores = q.bmm(&k);
}
