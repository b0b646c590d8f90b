// ConvTranspose2d doubles 4x4 to 8x8, so Flatten gives 4*8*8 = 256
// features, not the 64 the Linear layer was written for.
use kiln::prelude::*;

fn main() {
    let decoder = sequential![
        ConvTranspose2d(8, 4, 3, stride = 2, padding = 1, output_padding = 1),
        ReLU,
        Flatten,
        Linear(64, 10),
    ];
    let x = Tensor::<(Dyn, U8, U4, U4)>::zeros((Dyn(1), U8::new(), U4::new(), U4::new())).unwrap();
    let _y = decoder.forward(x);
}
