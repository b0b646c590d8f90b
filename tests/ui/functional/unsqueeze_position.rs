// unsqueeze(2) of a 1-D tensor: the new dimension goes at 0 or 1.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(U3,)>::zeros((U3::new(),)).unwrap();
    let _y = x.unsqueeze::<2>();
}
