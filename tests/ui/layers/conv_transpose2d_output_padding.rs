// PyTorch requires output_padding < stride or < dilation: 2 is neither
// smaller than the stride 2 nor than the dilation 1.
use kiln::prelude::*;

fn main() {
    let up = sequential![ConvTranspose2d(8, 4, 3, stride = 2, output_padding = 2)];
    let x = Tensor::<(Dyn, U8, U4, U4)>::zeros((Dyn(1), U8::new(), U4::new(), U4::new())).unwrap();
    let _y = up.forward(x);
}
