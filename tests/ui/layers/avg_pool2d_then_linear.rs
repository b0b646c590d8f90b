// AvgPool2d(3, stride = 2, padding = 1) turns 16x16 into 8x8, so Flatten
// gives 4*8*8 = 256 features, not the 196 (4*7*7) the Linear expects.
use kiln::nn::AvgPool2d;
use kiln::prelude::*;

fn main() {
    let pool = AvgPool2d::<U3, U2, U1>::new();
    let head = Linear::<U196, U10>::new();
    let x = Tensor::<(Dyn, U4, U16, U16)>::zeros((Dyn(1), U4::new(), U16::new(), U16::new())).unwrap();
    let _y = head.forward(Flatten::new().forward(pool.forward(x)));
}
