// torch.bmm of two matrices: bmm takes two batches of matrices.
use kiln::prelude::*;

fn main() {
    let a = Tensor::<(U2, U3)>::zeros((U2::new(), U3::new())).unwrap();
    let b = Tensor::<(U3, U4)>::zeros((U3::new(), U4::new())).unwrap();
    let _c = a.bmm(&b);
}
