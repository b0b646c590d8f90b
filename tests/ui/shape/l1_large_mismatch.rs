// L1Loss on a reconstructed 3x64x64 image (12288 values) against a
// 3x32x32 target flattened (3072): both sizes in decimal.
use kiln::prelude::*;

fn main() {
    let output = Tensor::<(Dyn, Size![3 * 64 * 64])>::zeros((Dyn(2), Default::default()));
    let target = Tensor::<(Dyn, U3072)>::zeros((Dyn(2), Default::default()));
    let _loss = L1Loss::new().forward(output, target);
}
