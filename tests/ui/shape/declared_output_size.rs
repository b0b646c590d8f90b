// A 100-class model whose output is declared as 10 classes. `.declared()`
// makes the comparison a rule with a message in words (the annotation alone
// gives rustc's E0308 with typenum types).
use kiln::prelude::*;

fn main() {
    let model = sequential![Linear(784, 256), ReLU, Linear(256, 100)];
    let x = Tensor::<(Dyn, U784)>::zeros((Dyn(2), U784::new())).unwrap();
    let _y: Tensor<(Dyn, U10)> = model.forward(x).declared();
}
