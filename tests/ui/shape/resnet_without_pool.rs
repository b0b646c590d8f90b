// ResNet-50's head without its global average pool: 2048 x 7 x 7 = 100352
// features reach Linear(2048, 1000). A small and a large size in one message,
// each printed as itself.
use kiln::prelude::*;

fn main() {
    let head = sequential![Flatten, Linear(2048, 1000)];
    let features = Tensor::<(Dyn, U2048, U7, U7)>::zeros((Dyn(1), U2048::new(), U7::new(), U7::new())).unwrap();
    let _y = head.forward(features);
}
