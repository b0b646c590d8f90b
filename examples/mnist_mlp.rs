//! The seed's MLP on MNIST: `Linear(784, 256), ReLU, Linear(256, 10)`,
//! trained with SGD (momentum 0.9) and cross entropy: PyTorch's loop,
//! written out below as `train` and `test`.
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
//! unchanged. The flags, the progress bar, the table, checkpoints and
//! plots come from examples/common (`common::fit`). Ends with
//! `test accuracy: NN.NN%`.

#[path = "common/mod.rs"]
mod common;

use clap::Parser;
use kiln::prelude::*;

/// The model's type, spelled like its construction.
type Mlp = Sequential![Linear(784, 256), ReLU, Linear(256, 10)];

/// One epoch: for each batch, zero_grad, forward, loss, backward, step.
fn train(
    model: &mut Mlp,
    optimizer: &mut SGD,
    train_loader: &DataLoader<Mnist>,
    progress: &mut common::Progress,
) -> kiln::Result<()> {
    model.train();
    for (data, target) in train_loader.iter() {
        let data: Tensor<(Dyn, U784)> = data.flatten::<1>();
        optimizer.zero_grad();
        let output = model.forward(data);
        let loss = CrossEntropyLoss::new().forward(output, target.clone())?;
        loss.backward()?;
        optimizer.step()?;
        progress.step(loss.item().into(), target.dims().as_slice()[0]);
    }
    Ok(())
}

/// Accuracy on the test set, in eval mode, without recording a graph.
fn test(model: &mut Mlp, test_loader: &DataLoader<Mnist>) -> kiln::Result<common::Score> {
    model.eval();
    let mut correct = 0;
    no_grad(|| {
        for (data, target) in test_loader.iter() {
            let output = model.forward(data.flatten::<1>());
            let pred = output.argmax::<1>();
            correct += pred.eq(&target).sum().item();
        }
    });
    Ok(common::Score::percent(
        correct as usize,
        test_loader.dataset().len(),
    ))
}

fn main() -> kiln::Result<()> {
    let args = common::Args::parse();
    manual_seed(args.seed);
    let mut model = Mlp::default();
    if args.distributed {
        return common::distributed::run::<_, (Dyn, U784)>(model, &[784], &args);
    }
    println!("{model}\nparameters: {}", model.num_parameters());
    let (train_set, test_set) = common::load_mnist(&args)?;
    println!(
        "data: {} training and {} test images",
        train_set.len(),
        test_set.len()
    );
    let train_loader = DataLoader::new(train_set, args.batch_size)?
        .shuffle(true)
        .seed(args.seed);
    let test_loader = DataLoader::new(test_set, 1000)?;
    let options = SgdOptions {
        lr: args.lr,
        momentum: 0.9,
        ..Default::default()
    };
    let mut optimizer = SGD::new(model.parameters(), options)?;
    let steps = train_loader.len();
    common::fit(
        &mut model,
        &mut optimizer,
        &args,
        "test accuracy",
        steps,
        |model, optimizer, epoch, progress| {
            train_loader.set_epoch(epoch as u64);
            train(model, optimizer, &train_loader, progress)
        },
        |model| test(model, &test_loader),
    )
}
