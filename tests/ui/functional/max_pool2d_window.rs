// F.max_pool2d(x, 4) of a 3x3 feature map.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U8, U3, U3)>::zeros((Dyn(2), U8::new(), U3::new(), U3::new())).unwrap();
    let _y = x.max_pool2d::<4>();
}
