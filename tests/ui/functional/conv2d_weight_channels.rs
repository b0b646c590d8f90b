// F.conv2d with a weight for 1 input channel on an RGB image.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U3, U8, U8)>::zeros((Dyn(2), U3::new(), U8::new(), U8::new())).unwrap();
    let w = Tensor::<(U16, U1, U3, U3)>::zeros((U16::new(), U1::new(), U3::new(), U3::new())).unwrap();
    let _y = x.conv2d(&w, None);
}
