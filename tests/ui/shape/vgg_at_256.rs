// VGG's classifier after its features at 256x256 instead of 224x224: the
// last pool gives 512 x 8 x 8 = 32768 features, the Linear expects
// 512 x 7 x 7 = 25088.
use kiln::prelude::*;

fn main() {
    let classifier = sequential![Flatten, Linear(25088, 4096), ReLU, Linear(4096, 1000)];
    let features = Tensor::<(Dyn, U512, U8, U8)>::zeros((Dyn(1), U512::new(), U8::new(), U8::new())).unwrap();
    let _y = classifier.forward(features);
}
