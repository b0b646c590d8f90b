//! What the training examples share: the command line, the data, the
//! PyTorch training loop ([`train`]) over any [`Task`] with a progress bar
//! and a per-epoch summary table, save/load, checkpoints, and `--plot`.

pub mod checkpoint;
mod classify;
pub mod count;
mod curves;
#[allow(dead_code)] // ctc_digits trains its own task.
pub mod distributed;
mod table;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use kiln::optim::lr_scheduler::LrGroups;
use kiln::optim::{Algorithm, Optimizer};
use kiln::prelude::*;
use kiln_plot as plot;
use std::fmt::Display;
use std::path::PathBuf;
use std::time::Instant;

#[allow(unused_imports)] // ctc_digits has its own task.
pub use classify::{Classify, ClassifyOptimizer};

/// The flags every training example takes.
#[derive(Parser, Debug)]
pub struct Args {
    /// Folder with the four MNIST IDX files (raw or .gz); without it, the
    /// small subset shipped in data/mnist-small is used.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Passes over the training set.
    #[arg(long, default_value_t = 3)]
    pub epochs: usize,
    /// Samples per step (at least 1).
    #[arg(long, default_value_t = 64, value_parser = count::at_least_one)]
    pub batch_size: usize,
    /// Learning rate (of SGD with momentum 0.9 in the MNIST examples, of
    /// Adam in mnist_rnn and ctc_digits).
    #[arg(long, default_value_t = 0.01)]
    pub lr: f64,
    /// Seed of initialisation and shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Save the trained weights (safetensors, PyTorch's state_dict names).
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Load weights before training or evaluating.
    #[arg(long)]
    pub load: Option<PathBuf>,
    /// Only evaluate (with --load).
    #[arg(long)]
    pub eval_only: bool,
    /// After every epoch, write a checkpoint to DIR: the weights
    /// (model.safetensors), the optimizer's state (optimizer.safetensors)
    /// and the number of epochs done (epoch).
    #[arg(long, value_name = "DIR")]
    pub checkpoint: Option<PathBuf>,
    /// Continue from the checkpoint in DIR (written by --checkpoint) up to
    /// --epochs; with the same --seed the batches follow the same order.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Write the training curves (loss per 10 steps, held-out error per
    /// epoch) to FILE.svg and FILE.png.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Train on every rank of an MPI job (`mpirun -np N ...`), with
    /// --batch-size per rank; needs a build with `--features mpi`.
    #[arg(long)]
    pub distributed: bool,
}

/// Parses the command line into `A` (these [`Args`], or an example's own
/// flags that flatten them in) with other defaults for some flags (by their
/// long name, e.g. `[("lr", "0.1")]`), for a model that wants them; the
/// flags still override.
#[allow(dead_code)] // Not every example changes a default.
pub fn parse_with_defaults<A: Parser>(defaults: &[(&'static str, &'static str)]) -> A {
    let mut command = A::command();
    for &(name, value) in defaults {
        command = command.mut_arg(name, |a| a.default_value(value));
    }
    A::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit())
}

/// The MNIST training and test splits: `--data DIR`, else the subset
/// shipped in data/mnist-small.
pub fn load_mnist(args: &Args) -> kiln::Result<(Mnist, Mnist)> {
    Ok(match &args.data {
        Some(dir) => (
            Mnist::load(dir, Split::Train)?,
            Mnist::load(dir, Split::Test)?,
        ),
        None => (
            Mnist::shipped_subset(Split::Train)?,
            Mnist::shipped_subset(Split::Test)?,
        ),
    })
}

/// A held-out score in percent, with an optional note for the last line
/// (e.g. "(934 of 1000 test sequences)").
pub struct Score {
    pub percent: f64,
    pub note: String,
}

impl Score {
    /// `hits` of `total` as a percentage, without a note.
    pub fn percent(hits: usize, total: usize) -> Self {
        Score {
            percent: 100.0 * hits as f64 / total.max(1) as f64,
            note: String::new(),
        }
    }
}

/// What [`train`] needs to know about a supervised task: its optimizer,
/// its batches, the loss of one batch, and how to score the model on
/// held-out data.
pub trait Task<M> {
    /// One training batch.
    type Batch;
    /// The optimization algorithm (`SgdAlgorithm`, `AdamAlgorithm`).
    type Algorithm: Algorithm;
    /// The score's name, for the table and the last line ("test accuracy").
    const SCORE: &'static str;
    /// The optimizer over `params` with learning rate `lr`.
    fn optimizer(
        &self,
        params: Vec<Parameter>,
        lr: f64,
    ) -> kiln::Result<Optimizer<Self::Algorithm>>;
    /// The learning rate at `progress` (0 at the first step, 1 after the
    /// last of `--epochs`), from `--lr`; constant unless a task decays it.
    /// A pure function, so `--resume` (with the same `--epochs`) needs no
    /// scheduler state.
    fn lr(&self, base: f64, _progress: f64) -> f64 {
        base
    }
    /// Training steps per epoch.
    fn steps_per_epoch(&self) -> usize;
    /// The batches of epoch `epoch` (0-based), a pure function of the seed
    /// and the epoch so `--resume` continues as if never stopped.
    fn batches(&self, epoch: usize) -> impl Iterator<Item = Self::Batch>;
    /// Samples in `batch`.
    fn samples(batch: &Self::Batch) -> usize;
    /// The loss of `batch` under `model` (in train mode).
    fn loss(&self, model: &mut M, batch: &Self::Batch) -> kiln::Result<Tensor<()>>;
    /// The held-out score (switches `model` to eval mode).
    fn evaluate(&self, model: &mut M) -> kiln::Result<Score>;
}

/// The MNIST classification examples' entry point: trains `model` on
/// single digits (see [`Classify`]) and ends with `test accuracy: NN.NN%`.
/// `sample_dims` are the per-sample sizes the model takes (`[784]` or
/// `[1, 28, 28]`).
#[allow(dead_code)] // ctc_digits has its own task.
pub fn run<M, In>(model: &mut M, sample_dims: &[usize], args: &Args) -> kiln::Result<()>
where
    M: ModuleExt + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>> + Display,
    In: Shape,
{
    run_with::<M, In, kiln::optim::SgdAlgorithm>(model, sample_dims, args)
}

/// [`run`] with the optimizer `A` instead of SGD with momentum (e.g.
/// `AdamAlgorithm`, at `--lr`).
#[allow(dead_code)] // Only the recurrent example trains with Adam.
pub fn run_with<M, In, A>(model: &mut M, sample_dims: &[usize], args: &Args) -> kiln::Result<()>
where
    M: ModuleExt + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>> + Display,
    In: Shape,
    A: ClassifyOptimizer,
{
    println!("{model}");
    println!("parameters: {}", model.num_parameters());
    let task = Classify::<In, A>::new(args, sample_dims)?;
    train(model, &task, args)
}

/// The PyTorch training loop over `task` with its optimizer at `--lr`,
/// through [`fit`]: per step the task's learning rate, `zero_grad`, the
/// task's loss, `backward`, `step`.
pub fn train<M, T>(model: &mut M, task: &T, args: &Args) -> kiln::Result<()>
where
    M: ModuleExt,
    T: Task<M>,
{
    let mut opt = task.optimizer(model.parameters(), args.lr)?;
    let steps = task.steps_per_epoch();
    let total_steps = (steps * args.epochs).max(1) as f64;
    let train_epoch = |model: &mut M,
                       opt: &mut Optimizer<T::Algorithm>,
                       epoch: usize,
                       progress: &mut Progress|
     -> kiln::Result<()> {
        model.train();
        for (step, batch) in task.batches(epoch).enumerate() {
            let lr = task.lr(args.lr, (epoch * steps + step) as f64 / total_steps);
            for group in 0..opt.num_groups() {
                opt.set_group_lr(group, lr);
            }
            opt.zero_grad();
            let loss = task.loss(model, &batch)?;
            loss.backward()?;
            opt.step()?;
            progress.step(loss.item() as f64, T::samples(&batch));
        }
        Ok(())
    };
    let evaluate = |model: &mut M| task.evaluate(model);
    fit(
        model,
        &mut opt,
        args,
        T::SCORE,
        steps,
        train_epoch,
        evaluate,
    )
}

/// What the examples do around their training loop: `--load`, `--resume`,
/// then per epoch `train_epoch` (which reports each step to a
/// [`Progress`]: a progress bar with the running loss and samples/s),
/// `evaluate`, a row of the summary table and `--checkpoint`; then
/// `--plot`, `--save`, and the last line `<score name>: NN.NN%`.
/// `steps` is the number of batches per epoch (for the bar and the plot).
pub fn fit<M, A>(
    model: &mut M,
    opt: &mut Optimizer<A>,
    args: &Args,
    score_name: &'static str,
    steps: usize,
    mut train_epoch: impl FnMut(&mut M, &mut Optimizer<A>, usize, &mut Progress) -> kiln::Result<()>,
    mut evaluate: impl FnMut(&mut M) -> kiln::Result<Score>,
) -> kiln::Result<()>
where
    M: ModuleExt,
    A: Algorithm,
{
    if let Some(path) = &args.load {
        model.load(path)?;
        println!("loaded {}", path.display());
    }
    let mut score = evaluate(model)?;
    if !args.eval_only {
        let first = match &args.resume {
            Some(dir) => {
                let done = checkpoint::resume(model, opt, dir)?;
                score = evaluate(model)?;
                println!("resumed {} after epoch {done}", dir.display());
                done
            }
            None => 0,
        };
        let mut curves = curves::Curves::default();
        curves
            .test_error
            .push((first as f64, 1.0 - score.percent / 100.0));
        let table = table::EpochTable::new(score_name);
        if first < args.epochs {
            println!("{}", table.header());
        }
        for epoch in first..args.epochs {
            let started = Instant::now();
            let mut progress = Progress::new(epoch, steps, &mut curves);
            train_epoch(model, opt, epoch, &mut progress)?;
            let (train_loss, samples_per_sec) = progress.finish();
            score = evaluate(model)?;
            curves
                .test_error
                .push(((epoch + 1) as f64, 1.0 - score.percent / 100.0));
            println!(
                "{}",
                table.row(&table::EpochRow {
                    epoch: epoch + 1,
                    train_loss,
                    score: score.percent,
                    samples_per_sec,
                    seconds: started.elapsed().as_secs_f64(),
                })
            );
            if let Some(dir) = &args.checkpoint {
                checkpoint::save(model, opt, dir, epoch + 1)?;
            }
        }
        if let Some(stem) = &args.plot {
            let error_name = format!("1 - {score_name}");
            let (svg, png) = curves
                .write(stem, &error_name)
                .map_err(|e| kiln::Error::bad_file(stem, format!("--plot: {e}")))?;
            println!("plot written to {} and {}", svg.display(), png.display());
        }
    }
    if let Some(path) = &args.save {
        model.save(path)?;
        println!("saved {}", path.display());
    }
    println!("{score_name}: {:.2}%{}", score.percent, score.note);
    Ok(())
}

/// One epoch's progress: a bar with the running loss and samples/s, and
/// the loss curve for `--plot`.
pub struct Progress<'a> {
    bar: ProgressBar,
    curves: &'a mut curves::Curves,
    steps: usize,
    started: Instant,
    total_loss: f64,
    batches: usize,
    samples: usize,
}

impl<'a> Progress<'a> {
    fn new(epoch: usize, steps: usize, curves: &'a mut curves::Curves) -> Self {
        let bar = ProgressBar::new(steps as u64).with_style(
            ProgressStyle::with_template("epoch {prefix} [{bar:30}] {pos}/{len} {msg} ETA {eta}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix((epoch + 1).to_string());
        Progress {
            bar,
            curves,
            steps,
            started: Instant::now(),
            total_loss: 0.0,
            batches: 0,
            samples: 0,
        }
    }

    /// One training step's loss, over `samples` samples.
    pub fn step(&mut self, loss: f64, samples: usize) {
        self.total_loss += loss;
        self.batches += 1;
        self.samples += samples;
        self.curves.step(loss, self.steps);
        self.bar.set_message(format!(
            "loss {:.4}, {:.0} samples/s",
            self.total_loss / self.batches as f64,
            self.samples as f64 / self.started.elapsed().as_secs_f64()
        ));
        self.bar.inc(1);
    }

    /// The mean loss and the training samples per second.
    fn finish(self) -> (f64, f64) {
        self.bar.finish_and_clear();
        let per_sec = self.samples as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        (self.total_loss / self.batches.max(1) as f64, per_sec)
    }
}
