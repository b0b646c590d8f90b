// A Conv2d type written by hand with stride 0 (sequential! refuses the
// literal itself; the type-level rule catches the hand-written type).
use kiln::prelude::*;

fn main() {
    let conv = Conv2d::<U1, U4, U3, U0>::new();
    let x = Tensor::<(Dyn, U1, U8, U8)>::zeros((Dyn(1), U1::new(), U8::new(), U8::new())).unwrap();
    let _y = conv.forward(x);
}
