// summary() needs the input shape the model was declared with.
use kiln::prelude::*;

fn main() {
    let net = sequential![Flatten, Linear(784, 10)];
    println!("{}", net.summary());
}
