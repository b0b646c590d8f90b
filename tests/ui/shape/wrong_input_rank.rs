// A conv net fed flat rows instead of images.
use kiln::prelude::*;

fn main() {
    let model = sequential![Conv2d(1, 6, 5), ReLU];
    let x = Tensor::<(Dyn, U784)>::zeros((Dyn(1), U784::new())).unwrap();
    let _y = model.forward(x);
}
