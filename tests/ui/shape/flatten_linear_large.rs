// Forgot the pool: 64 * 32 * 32 = 65536 features reach a Linear(16384, 10).
// Sizes beyond the lift table are printed digit by digit.
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(3, 64, 3, padding = 1), ReLU, Flatten, Linear(16384, 10)];
    let x = Tensor::<(Dyn, U3, U32, U32)>::zeros((Dyn(1), U3::new(), U32::new(), U32::new())).unwrap();
    let _y = model.forward(x);
}
