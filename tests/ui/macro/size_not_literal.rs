// Size! needs a size the compiler knows: literals and arithmetic on them.
use kiln::prelude::*;

const N: usize = 9216;

fn main() {
    let _fc: Linear<Size![N], U10> = Linear::new();
}
