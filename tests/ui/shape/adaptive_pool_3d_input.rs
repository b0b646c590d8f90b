// AdaptiveAvgPool2d called by hand on an unbatched (channels, height, width)
// image.
use kiln::prelude::*;

fn main() {
    let pool = AdaptiveAvgPool2d::<U1>::new();
    let image = Tensor::<(U3, U32, U32)>::zeros((U3::new(), U32::new(), U32::new())).unwrap();
    let _y = pool.forward(image);
}
