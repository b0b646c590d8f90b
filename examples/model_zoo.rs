//! The seed's five ways of building a model, side by side: the same MLP
//! (`784 → 256 → ReLU → 10`) written as
//!
//! 1. `sequential![...]` — `nn.Sequential(...)`, keys `0.weight`, `2.weight`;
//! 2. named `sequential![fc1: ..., ...]` — `nn.Sequential(OrderedDict(...))`;
//! 3. `ModuleList` — `nn.ModuleList([...])` of boxed layers, run through
//!    `forward_dyn` (sizes checked at run time);
//! 4. `ModuleDict` — `nn.ModuleDict({...})`, a hand-written forward by key;
//! 5. a `#[derive(Module)]` struct with a typed `forward` (an `nn.Module`
//!    subclass).
//!
//! Each is printed in PyTorch's format with its parameter count, then
//! trained for a few SGD steps on MNIST from the same seed, showing its
//! loss fall.
//!
//! ```text
//! cargo run --release --example model_zoo                 # shipped subset, 40 steps each
//! cargo run --release --example model_zoo -- --steps 200 --data ../shared/data/mnist
//! ```
//!
//! The five are one network, built from the same seed in the same layer
//! order, so their losses agree exactly. Ends with `model_zoo: 5 models
//! trained, loss fell in every one (...)`; exits with an error if any loss
//! did not fall.

#[path = "common/count.rs"]
mod count;

use clap::Parser;
use kiln::nn::DynModule;
use kiln::prelude::*;
use std::path::PathBuf;

#[derive(Parser, Debug)]
struct Args {
    /// Folder with the four MNIST IDX files; without it, the shipped subset.
    #[arg(long)]
    data: Option<PathBuf>,
    /// SGD steps per model.
    #[arg(long, default_value_t = 40)]
    steps: usize,
    /// Samples per step (at least 1).
    #[arg(long, default_value_t = 64, value_parser = count::at_least_one)]
    batch_size: usize,
    /// SGD learning rate (momentum 0.9).
    #[arg(long, default_value_t = 0.05)]
    lr: f64,
    /// Seed of initialisation and shuffling (the same for every model).
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// Way 5: a plain `nn.Module` subclass. Every field is a child named after
/// the field (`hidden.weight`), and `forward` is ordinary typed Rust.
#[derive(Module)]
struct Mlp {
    hidden: Linear<U784, U256>,
    act: ReLU,
    output: Linear<U256, U10>,
}

impl Mlp {
    fn new() -> Self {
        Mlp {
            hidden: Linear::new(),
            act: ReLU::new(),
            output: Linear::new(),
        }
    }

    fn forward<B: BatchDim>(&self, x: Tensor<(B, U784)>) -> Tensor<(B, U10)> {
        self.output
            .forward(self.act.forward(self.hidden.forward(x)))
    }
}

/// A typed forward for a runtime batch: checks the batch's shape once on
/// entry, then the compiler has checked every layer.
fn typed<F>(x: &DynTensor, f: F) -> kiln::Result<DynTensor>
where
    F: FnOnce(Tensor<(Dyn, U784)>) -> Tensor<(Dyn, U10)>,
{
    Ok(f(Tensor::from_dyn(x.clone())?).into_dyn())
}

/// Trains through `forward` for `args.steps` SGD steps and returns the
/// mean loss of the first and of the last five steps.
fn train(
    params: Vec<Parameter>,
    forward: &dyn Fn(&DynTensor) -> kiln::Result<DynTensor>,
    data: &Mnist,
    args: &Args,
) -> kiln::Result<(f64, f64)> {
    let mut opt = SGD::new(
        params,
        SgdOptions {
            lr: args.lr,
            momentum: 0.9,
            ..Default::default()
        },
    )?;
    let criterion = CrossEntropyLoss::new();
    let loader = DataLoader::new(data.clone(), args.batch_size)?
        .shuffle(true)
        .seed(args.seed);
    let mut losses = Vec::with_capacity(args.steps);
    'outer: loop {
        for (x, y) in loader.iter() {
            if losses.len() == args.steps {
                break 'outer;
            }
            let n = y.dims().as_slice()[0] as isize;
            let x = x.into_dyn().reshape(&[n, 784])?;
            let y = y.into_dyn();
            opt.zero_grad();
            let loss = criterion.forward_dyn(&forward(&x)?, &y)?;
            loss.backward()?;
            opt.step()?;
            losses.push(loss.item() as f64);
        }
    }
    let k = losses.len().clamp(1, 5);
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len().max(1) as f64;
    Ok((mean(&losses[..k]), mean(&losses[losses.len() - k..])))
}

fn main() -> kiln::Result<()> {
    let args = Args::parse();
    let data = match &args.data {
        Some(dir) => Mnist::load(dir, Split::Train)?,
        None => Mnist::shipped_subset(Split::Train)?,
    };
    println!(
        "data: {} training images, {} steps per model\n",
        data.len(),
        args.steps
    );
    let mut results = Vec::new();
    let mut report = |name: &str, shown: String, count: usize, fell: (f64, f64)| {
        println!("== {name} ==\n{shown}\nparameters: {count}");
        println!(
            "loss (mean of first/last 5 steps): {:.4} -> {:.4}\n",
            fell.0, fell.1
        );
        results.push((name.to_string(), fell));
    };

    // 1. sequential!
    manual_seed(args.seed);
    let m = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let fell = train(
        m.parameters(),
        &|x| typed(x, |x| m.forward(x)),
        &data,
        &args,
    )?;
    report("sequential!", m.to_string(), m.num_parameters(), fell);

    // 2. named sequential!: layers reachable by name, keys fc1.weight, ...
    manual_seed(args.seed);
    let m = sequential![fc1: Linear(784, 256), relu1: ReLU, fc2: Linear(256, 10)];
    let fell = train(
        m.parameters(),
        &|x| typed(x, |x| m.forward(x)),
        &data,
        &args,
    )?;
    report("named sequential!", m.to_string(), m.num_parameters(), fell);
    println!("a layer by name: net.fc2 = {}\n", m.fc2);

    // 3. ModuleList of boxed layers of different types (runtime shapes).
    manual_seed(args.seed);
    let m: ModuleList = ModuleList::from_vec(vec![
        Box::new(Linear::<U784, U256>::new()) as Box<dyn DynModule>,
        Box::new(ReLU::new()),
        Box::new(Linear::<U256, U10>::new()),
    ]);
    let fell = train(m.parameters(), &|x| m.forward_dyn(x), &data, &args)?;
    report("ModuleList", m.to_string(), m.num_parameters(), fell);

    // 4. ModuleDict: modules by name, forward written by hand.
    manual_seed(args.seed);
    let m: ModuleDict = ModuleDict::from_pairs([
        (
            "hidden",
            Box::new(Linear::<U784, U256>::new()) as Box<dyn DynModule>,
        ),
        ("act", Box::new(ReLU::new())),
        ("output", Box::new(Linear::<U256, U10>::new())),
    ])?;
    let forward = |x: &DynTensor| {
        let h = m["act"].forward_dyn(&m["hidden"].forward_dyn(x)?)?;
        m["output"].forward_dyn(&h)
    };
    let fell = train(m.parameters(), &forward, &data, &args)?;
    report("ModuleDict", m.to_string(), m.num_parameters(), fell);

    // 5. #[derive(Module)] struct with a typed forward.
    manual_seed(args.seed);
    let m = Mlp::new();
    let fell = train(
        m.parameters(),
        &|x| typed(x, |x| m.forward(x)),
        &data,
        &args,
    )?;
    report(
        "#[derive(Module)] struct",
        m.to_string(),
        m.num_parameters(),
        fell,
    );

    let summary: Vec<String> = results
        .iter()
        .map(|(name, (a, b))| format!("{name} {a:.2}->{b:.2}"))
        .collect();
    if let Some((name, _)) = results.iter().find(|(_, (a, b))| b >= a) {
        return Err(Error::option(
            "model_zoo",
            "steps",
            format!("the loss of {name} did not fall; try more --steps"),
        ));
    }
    // The same layers built in the same order from the same seed get the
    // same initial weights, so the five runs should agree exactly.
    let same = results.windows(2).all(|w| w[0].1 == w[1].1);
    println!(
        "model_zoo: {} models trained, loss fell in every one ({}){}",
        results.len(),
        summary.join(", "),
        if same {
            "; all five identical, as they are one network"
        } else {
            ""
        }
    );
    Ok(())
}
