//! The seed's MLP (`Linear(784, 256), ReLU, Linear(256, 10)`) trained with
//! each of the seed's 11 optimizers: the same initial weights (seed 0),
//! the same batches in the same order, cross entropy, batch 64. Writes one
//! picture of all the training-loss curves (mean over 10 steps) and prints
//! a table of final test accuracy and wall time.
//!
//! The learning rates were chosen with `--sweep` on the shipped subset for
//! 1 epoch: each lr × {1/3, 1, 3}, keeping the smallest lr whose mean loss
//! over the last 10 steps is within 5% of the lowest, twice over. The
//! other options are PyTorch's defaults:
//!
//! | optimizer | lr | other |
//! | --- | --- | --- |
//! | SGD | 0.05 | momentum 0.9 |
//! | ASGD | 0.15 | |
//! | Adadelta | 1.0 | |
//! | Adagrad | 0.01 | |
//! | Adam | 3e-3 | |
//! | AdamW | 3e-3 | weight_decay 1e-2 |
//! | Adamax | 6e-3 | |
//! | NAdam | 9e-3 | |
//! | RAdam | 2.7e-2 | |
//! | RMSprop | 1e-3 | |
//! | Rprop | 3e-3 | a full-batch method: on minibatches its loss blows up (clipped in the plot) |
//!
//! ```text
//! cargo run --release --example optimizers                      # shipped subset, 3 epochs each
//! cargo run --release --example optimizers -- --data ../shared/data/mnist --epochs 2
//! cargo run --release --example optimizers -- --sweep --epochs 1 # re-tune the lrs
//! ```
//!
//! Writes docs/img/optimizers.svg and .png (`--out` to change; text needs
//! a TrueType font, see examples/kiln-plot/src/lib.rs). Ends with
//! `optimizers: 11 trained in N s; best NAME at NN.NN% test accuracy; ...`.

#[path = "common/count.rs"]
mod count;
use kiln_plot as plot;

use clap::Parser;
use kiln::optim::{
    ASGD, Adadelta, AdadeltaOptions, Adagrad, AdagradOptions, AdamW, Adamax, AdamaxOptions,
    Algorithm, AsgdOptions, NAdam, NAdamOptions, Optimizer, RAdam, RAdamOptions, RMSprop,
    RmspropOptions, Rprop, RpropOptions, adamw_defaults,
};
use kiln::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser, Debug)]
struct Args {
    /// Folder with the four MNIST IDX files; without it, the shipped subset.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Passes over the training set per optimizer.
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    /// Stop each run after this many steps (for a quick check).
    #[arg(long)]
    steps: Option<usize>,
    /// Samples per step (at least 1).
    #[arg(long, default_value_t = 64, value_parser = count::at_least_one)]
    batch_size: usize,
    /// Seed of initialisation and shuffling (the same for every optimizer).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Where to write the picture: `OUT.svg` and `OUT.png`.
    #[arg(long, default_value = "docs/img/optimizers")]
    out: PathBuf,
    /// Try each lr × {1/3, 1, 3} and print the best, instead of the table.
    #[arg(long)]
    sweep: bool,
}

/// The optimizers and their tuned learning rates (see the table above).
const OPTIMIZERS: [(&str, f64); 11] = [
    ("SGD", 0.05),
    ("ASGD", 0.15),
    ("Adadelta", 1.0),
    ("Adagrad", 0.01),
    ("Adam", 3e-3),
    ("AdamW", 3e-3),
    ("Adamax", 6e-3),
    ("NAdam", 9e-3),
    ("RAdam", 2.7e-2),
    ("RMSprop", 1e-3),
    ("Rprop", 3e-3),
];

/// What the training loop needs of any optimizer.
trait Step {
    fn zero_grad(&self);
    fn step(&mut self) -> kiln::Result<()>;
}

impl<A: Algorithm> Step for Optimizer<A> {
    fn zero_grad(&self) {
        Optimizer::zero_grad(self)
    }
    fn step(&mut self) -> kiln::Result<()> {
        Optimizer::step(self)
    }
}

/// `torch.optim.<name>(params, lr=lr)` with PyTorch's other defaults
/// (SGD with momentum 0.9).
fn build(name: &str, params: Vec<Parameter>, lr: f64) -> kiln::Result<Box<dyn Step>> {
    Ok(match name {
        "SGD" => Box::new(SGD::new(
            params,
            SgdOptions {
                lr,
                momentum: 0.9,
                ..Default::default()
            },
        )?),
        "ASGD" => Box::new(ASGD::new(
            params,
            AsgdOptions {
                lr,
                ..Default::default()
            },
        )?),
        "Adadelta" => Box::new(Adadelta::new(
            params,
            AdadeltaOptions {
                lr,
                ..Default::default()
            },
        )?),
        "Adagrad" => Box::new(Adagrad::new(
            params,
            AdagradOptions {
                lr,
                ..Default::default()
            },
        )?),
        "Adam" => Box::new(Adam::new(
            params,
            AdamOptions {
                lr,
                ..Default::default()
            },
        )?),
        "AdamW" => Box::new(AdamW::new(
            params,
            AdamOptions {
                lr,
                ..adamw_defaults()
            },
        )?),
        "Adamax" => Box::new(Adamax::new(
            params,
            AdamaxOptions {
                lr,
                ..Default::default()
            },
        )?),
        "NAdam" => Box::new(NAdam::new(
            params,
            NAdamOptions {
                lr,
                ..Default::default()
            },
        )?),
        "RAdam" => Box::new(RAdam::new(
            params,
            RAdamOptions {
                lr,
                ..Default::default()
            },
        )?),
        "RMSprop" => Box::new(RMSprop::new(
            params,
            RmspropOptions {
                lr,
                ..Default::default()
            },
        )?),
        "Rprop" => Box::new(Rprop::new(
            params,
            RpropOptions {
                lr,
                ..Default::default()
            },
        )?),
        other => {
            return Err(Error::option(
                "optimizers",
                "name",
                format!("unknown optimizer {other}"),
            ));
        }
    })
}

/// One run's outcome.
struct Run {
    losses: Vec<f64>,
    accuracy: f64,
    seconds: f64,
}

fn run(name: &str, lr: f64, train: &Mnist, test: &Mnist, args: &Args) -> kiln::Result<Run> {
    manual_seed(args.seed);
    let model = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let mut opt = build(name, model.parameters(), lr)?;
    let criterion = CrossEntropyLoss::new();
    let loader = DataLoader::new(train.clone(), args.batch_size)?
        .shuffle(true)
        .seed(args.seed);
    let started = Instant::now();
    let mut losses = Vec::new();
    'epochs: for _ in 0..args.epochs {
        for (x, y) in loader.iter() {
            if args.steps.is_some_and(|s| losses.len() >= s) {
                break 'epochs;
            }
            let x: Tensor<(Dyn, U784)> = x.flatten::<1>();
            opt.zero_grad();
            let loss = criterion.forward(model.forward(x), y)?;
            loss.backward()?;
            opt.step()?;
            losses.push(loss.item() as f64);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut correct = 0;
    for (x, y) in DataLoader::new(test.clone(), 1000)?.iter() {
        let output = no_grad(|| model.forward(x.flatten::<1>()));
        correct += output.argmax::<1>().eq(&y).sum().item();
    }
    Ok(Run {
        losses,
        accuracy: 100.0 * correct as f64 / test.len().max(1) as f64,
        seconds,
    })
}

/// Mean of the last `k` values (all, if fewer).
fn tail_mean(v: &[f64], k: usize) -> f64 {
    let t = &v[v.len().saturating_sub(k)..];
    t.iter().sum::<f64>() / t.len().max(1) as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let (train, test) = match &args.data {
        Some(dir) => (
            Mnist::load(dir, Split::Train)?,
            Mnist::load(dir, Split::Test)?,
        ),
        None => (
            Mnist::shipped_subset(Split::Train)?,
            Mnist::shipped_subset(Split::Test)?,
        ),
    };
    println!(
        "data: {} training and {} test images",
        train.len(),
        test.len()
    );

    if args.sweep {
        for (name, lr) in OPTIMIZERS {
            let mut tried = Vec::new();
            for candidate in [lr / 3.0, lr, lr * 3.0] {
                let r = run(name, candidate, &train, &test, &args)?;
                let loss = tail_mean(&r.losses, 10);
                println!(
                    "{name:<9} lr {candidate:<9.2e} loss {loss:.4} acc {:.2}%",
                    r.accuracy
                );
                tried.push((candidate, loss));
            }
            // The smallest lr within 5% of the lowest loss: the last-10-step
            // loss is noisy, and near-ties should not pick the edgier lr.
            let lowest = tried.iter().map(|t| t.1).fold(f64::INFINITY, f64::min);
            let best = tried
                .iter()
                .find(|t| t.1 <= lowest * 1.05)
                .map_or(lr, |t| t.0);
            println!("{name:<9} best lr {best:.2e}\n");
        }
        println!("optimizers: sweep done");
        return Ok(());
    }

    println!(
        "{:<9} {:>8} {:>11} {:>9} {:>8}",
        "optimizer", "lr", "final loss", "test acc", "time"
    );
    let mut series = Vec::new();
    let mut best = ("", f64::MIN);
    let mut total = 0.0;
    for (name, lr) in OPTIMIZERS {
        let r = run(name, lr, &train, &test, &args)?;
        println!(
            "{name:<9} {lr:>8} {:>11.4} {:>8.2}% {:>7.2}s",
            tail_mean(&r.losses, 10),
            r.accuracy,
            r.seconds
        );
        if r.accuracy > best.1 {
            best = (name, r.accuracy);
        }
        total += r.seconds;
        let points = (0..r.losses.len())
            .map(|i| ((i + 1) as f64, tail_mean(&r.losses[..=i], 10)))
            .collect();
        series.push(plot::Series {
            name: format!("{name} (lr {lr})"),
            points,
        });
    }
    let (svg, png) = plot::write(
        &args.out,
        &plot::Chart {
            title: "The seed MLP on MNIST: training loss per optimizer",
            x_desc: "step (batch 64)",
            y_desc: "cross-entropy loss (mean of 10 steps, clipped at 2.5)",
            series: &series,
            y_max: Some(2.5),
        },
    )?;
    println!(
        "optimizers: {} trained in {total:.1} s; best {} at {:.2}% test accuracy; plot written to {} and {}",
        OPTIMIZERS.len(),
        best.0,
        best.1,
        svg.display(),
        png.display()
    );
    Ok(())
}
