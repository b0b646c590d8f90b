// torch.mm of a batch of matrices: matmul takes two matrices.
use kiln::prelude::*;

fn main() {
    let a = Tensor::<(Dyn, U2, U3)>::zeros((Dyn(8), U2::new(), U3::new())).unwrap();
    let b = Tensor::<(U3, U4)>::zeros((U3::new(), U4::new())).unwrap();
    let _c = a.matmul(&b);
}
