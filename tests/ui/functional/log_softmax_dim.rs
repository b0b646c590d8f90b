// F.log_softmax(x, dim=2) of (batch, classes) logits.
use kiln::prelude::*;

fn main() {
    let x = Tensor::<(Dyn, U10)>::zeros((Dyn(2), U10::new())).unwrap();
    let _y = x.log_softmax::<2>();
}
