//! The seed's MLP on MNIST: `Linear(784, 256), ReLU, Linear(256, 10)`,
//! trained with SGD (momentum 0.9) and cross entropy, the PyTorch loop.
//!
//! ```text
//! cargo run --release --example mnist_mlp                       # shipped subset
//! cargo run --release --example mnist_mlp -- --data ../shared/data/mnist --epochs 5
//! cargo run --release --example mnist_mlp -- --save mlp.safetensors
//! cargo run --release --example mnist_mlp -- --load mlp.safetensors --eval-only
//! cargo run --release --example mnist_mlp -- --epochs 1 --checkpoint ck --plot mlp-curves
//! cargo run --release --example mnist_mlp -- --epochs 3 --resume ck  # epochs 2 and 3, as if never stopped
//! ```
//!
//! The model takes flat rows of 784 normalised pixels, so weights trained
//! in PyTorch the same way (`nn.Sequential(nn.Linear(784, 256), nn.ReLU(),
//! nn.Linear(256, 10))`, saved with `safetensors.torch.save_file`) load
//! unchanged. Ends with `test accuracy: NN.NN%`.

#[path = "common/mod.rs"]
mod common;

use clap::Parser;
use kiln::prelude::*;

/// The model's type, spelled like its construction.
type Mlp = Sequential![Linear(784, 256), ReLU, Linear(256, 10)];

fn main() -> kiln::Result<()> {
    let args = common::Args::parse();
    manual_seed(args.seed);
    let mut model = Mlp::default();
    if args.distributed {
        return common::distributed::run::<_, (Dyn, U784)>(model, &[784], &args);
    }
    common::run::<_, (Dyn, U784)>(&mut model, &[784], &args)
}
