//! pytorch/examples' `mnist/main.py`, line for line: the same Net (two
//! convolutions, max pooling, dropout, two linear layers, log_softmax),
//! Adadelta at lr 1.0 with StepLR(step_size=1, gamma=0.7), batch 64, test
//! batch 1000, seed 1, the same flags and the same log lines.
//!
//! ```text
//! cargo run --release --example mnist_pytorch_example                  # shipped subset, 14 epochs
//! cargo run --release --example mnist_pytorch_example -- --data ../shared/data/mnist
//! cargo run --release --example mnist_pytorch_example -- --epochs 1 --dry-run
//! ```
//!
//! As in PyTorch on a CPU, the training loader does not shuffle (main.py
//! sets `shuffle=True` only with an accelerator). `--no-accel` is accepted
//! and changes nothing: Kiln runs on the CPU. `--save-model` writes
//! `mnist_cnn.safetensors` (PyTorch's state_dict names).

use clap::Parser;
use kiln::prelude::*;
use std::path::PathBuf;

// `Size![9216]` expands to typenum's binary digits, which clippy's
// type_complexity counts as a complex type; the model is as main.py writes it.
#[allow(clippy::type_complexity)]
#[derive(Module)]
struct Net {
    conv1: Conv2d<U1, U32, U3, U1>,
    conv2: Conv2d<U32, U64, U3, U1>,
    dropout1: Dropout,
    dropout2: Dropout,
    fc1: Linear<Size![9216], U128>,
    fc2: Linear<U128, U10>,
}

impl Net {
    fn new() -> Self {
        Net {
            conv1: Conv2d::new(),
            conv2: Conv2d::new(),
            dropout1: Dropout::with_p(0.25),
            dropout2: Dropout::with_p(0.5),
            fc1: Linear::new(),
            fc2: Linear::new(),
        }
    }

    fn forward(&self, x: Tensor<(Dyn, U1, U28, U28)>) -> Tensor<(Dyn, U10)> {
        let x = self.conv1.forward(x);
        let x = x.relu();
        let x = self.conv2.forward(x);
        let x = x.relu();
        let x = x.max_pool2d::<2>();
        let x = self.dropout1.forward(x);
        let x = x.flatten::<1>();
        let x = self.fc1.forward(x);
        let x = x.relu();
        let x = self.dropout2.forward(x);
        let x = self.fc2.forward(x);
        x.log_softmax::<1>()
    }
}

fn train(
    args: &Args,
    model: &mut Net,
    train_loader: &DataLoader<Mnist>,
    optimizer: &mut Adadelta,
    epoch: usize,
) -> kiln::Result<()> {
    model.train();
    for (batch_idx, (data, target)) in train_loader.iter().enumerate() {
        let len_data = data.dims().as_slice()[0];
        optimizer.zero_grad();
        let output = model.forward(data);
        let loss = NLLLoss::new().forward(output, target)?;
        loss.backward()?;
        optimizer.step()?;
        if batch_idx % args.log_interval == 0 {
            println!(
                "Train Epoch: {} [{}/{} ({:.0}%)]\tLoss: {:.6}",
                epoch,
                batch_idx * len_data,
                train_loader.dataset().len(),
                100. * batch_idx as f64 / train_loader.len() as f64,
                loss.item()
            );
            if args.dry_run {
                break;
            }
        }
    }
    Ok(())
}

fn test(model: &mut Net, test_loader: &DataLoader<Mnist>) -> kiln::Result<()> {
    model.eval();
    let mut test_loss = 0.0;
    let mut correct = 0;
    no_grad(|| -> kiln::Result<()> {
        for (data, target) in test_loader.iter() {
            let output = model.forward(data);
            let sum = NLLLoss::new().reduction(Reduction::Sum);
            test_loss += f64::from(sum.forward(output.clone(), target.clone())?.item());
            let pred = output.argmax::<1>();
            correct += pred.eq(&target).sum().item();
        }
        Ok(())
    })?;
    let len = test_loader.dataset().len();
    test_loss /= len as f64;
    println!(
        "\nTest set: Average loss: {:.4}, Accuracy: {}/{} ({:.0}%)\n",
        test_loss,
        correct,
        len,
        100. * correct as f64 / len as f64
    );
    Ok(())
}

/// PyTorch MNIST Example
#[derive(Parser, Debug)]
struct Args {
    /// input batch size for training
    #[arg(long, default_value_t = 64, value_name = "N", value_parser = at_least_one())]
    batch_size: usize,
    /// input batch size for testing
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = at_least_one())]
    test_batch_size: usize,
    /// number of epochs to train
    #[arg(long, default_value_t = 14, value_name = "N")]
    epochs: usize,
    /// learning rate
    #[arg(long, default_value_t = 1.0, value_name = "LR")]
    lr: f64,
    /// Learning rate step gamma
    #[arg(long, default_value_t = 0.7, value_name = "M")]
    gamma: f64,
    /// disables accelerator (Kiln runs on the CPU either way)
    #[arg(long)]
    no_accel: bool,
    /// quickly check a single pass
    #[arg(long)]
    dry_run: bool,
    /// random seed
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,
    /// how many batches to wait before logging training status
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = at_least_one())]
    log_interval: usize,
    /// For Saving the current Model
    #[arg(long)]
    save_model: bool,
    /// folder with the four MNIST IDX files; the shipped subset without it
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

/// A count of at least 1 (0 is a usage error, as in the other examples).
fn at_least_one() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..)
}

fn main() -> kiln::Result<()> {
    let args = Args::parse();
    manual_seed(args.seed);

    let transform =
        || Ok::<_, kiln::Error>(Compose((ToTensor, Normalize::new(&[0.1307], &[0.3081])?)));
    let (dataset1, dataset2) = match &args.data {
        Some(dir) => (
            Mnist::load(dir, Split::Train)?,
            Mnist::load(dir, Split::Test)?,
        ),
        None => (
            Mnist::shipped_subset(Split::Train)?,
            Mnist::shipped_subset(Split::Test)?,
        ),
    };
    let dataset1 = dataset1.transform(transform()?)?;
    let dataset2 = dataset2.transform(transform()?)?;
    let train_loader = DataLoader::new(dataset1, args.batch_size)?;
    let test_loader = DataLoader::new(dataset2, args.test_batch_size)?;

    let mut model = Net::new();
    let options = AdadeltaOptions {
        lr: args.lr,
        ..Default::default()
    };
    let mut optimizer = Adadelta::new(model.parameters(), options)?;

    let mut scheduler = StepLR::new(&mut optimizer, 1, args.gamma)?;
    for epoch in 1..=args.epochs {
        train(&args, &mut model, &train_loader, &mut optimizer, epoch)?;
        test(&mut model, &test_loader)?;
        scheduler.step(&mut optimizer)?;
    }

    if args.save_model {
        model.save("mnist_cnn.safetensors")?;
    }
    Ok(())
}
