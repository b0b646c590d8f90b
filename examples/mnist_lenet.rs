//! LeNet-5 on MNIST, written with `sequential!` so its state_dict keys are
//! `nn.Sequential`'s (`0.weight`, `3.weight`, `7.weight`, `9.weight`,
//! `11.weight`). Every size is checked by the compiler: change `400` to
//! `256` below and the build fails with
//! "Linear(256 -> 120) ... expects 256 input features, but the incoming tensor has 400".
//!
//! ```text
//! cargo run --release --example mnist_lenet
//! cargo run --release --example mnist_lenet -- --data ../shared/data/mnist --epochs 3
//! ```
//!
//! Ends with `test accuracy: NN.NN%`.

#[path = "common/mod.rs"]
mod common;

use clap::Parser;
use kiln::prelude::*;

fn main() -> kiln::Result<()> {
    let args = common::Args::parse();
    manual_seed(args.seed);
    let mut model = sequential![
        Conv2d(1, 6, 5, padding = 2),
        ReLU,
        MaxPool2d(2),
        Conv2d(6, 16, 5),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(400, 120),
        ReLU,
        Linear(120, 84),
        ReLU,
        Linear(84, 10),
    ];
    if args.distributed {
        return common::distributed::run::<_, (Dyn, U1, U28, U28)>(model, &[1, 28, 28], &args);
    }
    common::run::<_, (Dyn, U1, U28, U28)>(&mut model, &[1, 28, 28], &args)
}
