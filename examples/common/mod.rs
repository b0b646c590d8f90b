//! What the MNIST examples share: the command line, the data, the PyTorch
//! training loop with a progress bar, evaluation, save/load, and `--plot`.

mod plot;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use kiln::data::MnistBatch;
use kiln::prelude::*;
use std::fmt::Display;
use std::path::PathBuf;
use std::time::Instant;

/// The flags every MNIST example takes.
#[derive(Parser, Debug)]
pub struct Args {
    /// Folder with the four MNIST IDX files (raw or .gz); without it, the
    /// small subset shipped in data/mnist-small is used.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Passes over the training set.
    #[arg(long, default_value_t = 3)]
    pub epochs: usize,
    /// Samples per step.
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
    /// SGD learning rate (momentum 0.9).
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
    /// (model.safetensors), SGD's momentum buffers (optimizer.safetensors)
    /// and the number of epochs done (epoch).
    #[arg(long, value_name = "DIR")]
    pub checkpoint: Option<PathBuf>,
    /// Continue from the checkpoint in DIR (written by --checkpoint) up to
    /// --epochs; with the same --seed the batches follow the same order.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Write the training curves (loss per 10 steps, test error per epoch)
    /// to FILE.svg and FILE.png.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

impl Args {
    /// Parses the command line with other defaults for some flags (by
    /// their long name, e.g. `[("lr", "0.1")]`), for a model that wants
    /// them; the flags still override.
    #[allow(dead_code)] // Not every example changes a default.
    pub fn parse_with_defaults(defaults: &[(&'static str, &'static str)]) -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let mut command = Self::command();
        for &(name, value) in defaults {
            command = command.mut_arg(name, |a| a.default_value(value));
        }
        Self::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit())
    }
}

/// Trains `model` with the PyTorch loop and prints test accuracy per
/// epoch, ending with `test accuracy: NN.NN%`. `sample_dims` are the
/// per-sample sizes the model takes (`[784]` or `[1, 28, 28]`).
pub fn run<M, In>(model: &mut M, sample_dims: &[usize], args: &Args) -> kiln::Result<()>
where
    M: ModuleExt + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>> + Display,
    In: Shape,
{
    println!("{model}");
    println!("parameters: {}", model.num_parameters());
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
    if let Some(path) = &args.load {
        model.load(path)?;
        println!("loaded {}", path.display());
    }
    let mut accuracy = evaluate(model, &test, sample_dims)?;
    if !args.eval_only {
        let mut opt = SGD::new(
            model.parameters(),
            SgdOptions {
                lr: args.lr,
                momentum: 0.9,
                ..Default::default()
            },
        )?;
        let criterion = CrossEntropyLoss::new();
        let loader = DataLoader::new(&train, args.batch_size)?
            .shuffle(true)
            .seed(args.seed);
        let mut curves = Curves::default();
        let first = match &args.resume {
            Some(dir) => {
                let done = resume(model, &mut opt, dir)?;
                accuracy = evaluate(model, &test, sample_dims)?;
                println!("resumed {} after epoch {done}", dir.display());
                done
            }
            None => 0,
        };
        curves
            .test_error
            .push((first as f64, 1.0 - accuracy / 100.0));
        for epoch in first..args.epochs {
            model.train();
            let started = Instant::now();
            let bar = ProgressBar::new(loader.len() as u64).with_style(
                ProgressStyle::with_template(
                    "epoch {msg} [{bar:30}] {pos}/{len} {per_sec} ETA {eta}",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar.set_message(format!("{}", epoch + 1));
            let (mut total_loss, mut batches) = (0.0, 0);
            for batch in loader.iter(epoch as u64) {
                let (x, y) = tensors::<In>(&batch, sample_dims)?;
                opt.zero_grad();
                let out = model.forward(x);
                let loss = criterion.forward(out, y)?;
                loss.backward()?;
                opt.step()?;
                total_loss += loss.item() as f64;
                batches += 1;
                curves.step(loss.item() as f64, loader.len());
                bar.inc(1);
            }
            bar.finish_and_clear();
            accuracy = evaluate(model, &test, sample_dims)?;
            curves
                .test_error
                .push(((epoch + 1) as f64, 1.0 - accuracy / 100.0));
            println!(
                "epoch {}: loss {:.4}, test accuracy {:.2}%, {:.1} s",
                epoch + 1,
                total_loss / batches.max(1) as f64,
                accuracy,
                started.elapsed().as_secs_f64()
            );
            if let Some(dir) = &args.checkpoint {
                checkpoint(model, &opt, dir, epoch + 1)?;
            }
        }
        if let Some(stem) = &args.plot {
            let (svg, png) = curves
                .write(stem)
                .map_err(|e| kiln::Error::bad_file(stem, format!("--plot: {e}")))?;
            println!("plot written to {} and {}", svg.display(), png.display());
        }
    }
    if let Some(path) = &args.save {
        model.save(path)?;
        println!("saved {}", path.display());
    }
    println!("test accuracy: {accuracy:.2}%");
    Ok(())
}

/// Writes the checkpoint `--checkpoint` asks for.
fn checkpoint<M: ModuleExt>(
    model: &M,
    opt: &SGD,
    dir: &std::path::Path,
    epochs_done: usize,
) -> kiln::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| kiln::Error::bad_file(dir, e.to_string()))?;
    model.save(dir.join("model.safetensors"))?;
    opt.state_dict().save(dir.join("optimizer.safetensors"))?;
    let epoch = dir.join("epoch");
    std::fs::write(&epoch, epochs_done.to_string())
        .map_err(|e| kiln::Error::bad_file(&epoch, e.to_string()))
}

/// Loads a checkpoint into `model` and `opt`; returns the epochs done.
fn resume<M: ModuleExt>(
    model: &mut M,
    opt: &mut SGD,
    dir: &std::path::Path,
) -> kiln::Result<usize> {
    model.load(dir.join("model.safetensors"))?;
    opt.load_state_dict(&kiln::optim::OptimizerStateDict::load(
        dir.join("optimizer.safetensors"),
    )?)?;
    let epoch = dir.join("epoch");
    let text = std::fs::read_to_string(&epoch)
        .map_err(|e| kiln::Error::bad_file(&epoch, e.to_string()))?;
    text.trim()
        .parse()
        .map_err(|_| kiln::Error::bad_file(&epoch, format!("not a number of epochs: {text:?}")))
}

/// One class index per sample.
type Labels = Tensor<(Dyn,), i64>;

/// A batch as typed tensors: images `(batch, sample_dims...)` and labels.
fn tensors<In: Shape>(
    batch: &MnistBatch,
    sample_dims: &[usize],
) -> kiln::Result<(Tensor<In>, Labels)> {
    let mut dims = vec![batch.len];
    dims.extend_from_slice(sample_dims);
    let x = Tensor::from_dyn(DynTensor::from_vec(batch.images.clone(), &dims)?)?;
    let y = Tensor::<(Dyn,), i64>::from_vec(batch.labels.clone(), (Dyn(batch.len),))?;
    Ok((x, y))
}

/// Test accuracy in percent, in eval mode without recording the graph.
fn evaluate<M, In>(model: &mut M, test: &Mnist, sample_dims: &[usize]) -> kiln::Result<f64>
where
    M: ModuleExt + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>>,
    In: Shape,
{
    model.eval();
    let loader = DataLoader::new(test, 1000)?;
    let mut correct = 0usize;
    for batch in loader.iter(0) {
        let (x, y) = tensors::<In>(&batch, sample_dims)?;
        let predicted = no_grad(|| model.forward(x)).into_dyn().argmax(1)?;
        correct += predicted
            .data()
            .iter()
            .zip(y.to_vec())
            .filter(|(p, t)| **p == *t)
            .count();
    }
    Ok(100.0 * correct as f64 / test.len().max(1) as f64)
}

/// The training curves `--plot` draws: the loss averaged over every 10
/// steps and the test error after each epoch, both against epochs.
#[derive(Default)]
struct Curves {
    window: Vec<f64>,
    steps: usize,
    loss: Vec<(f64, f64)>,
    test_error: Vec<(f64, f64)>,
}

impl Curves {
    fn step(&mut self, loss: f64, steps_per_epoch: usize) {
        self.window.push(loss);
        self.steps += 1;
        if self.window.len() == 10 {
            let epoch = self.steps as f64 / steps_per_epoch.max(1) as f64;
            self.loss
                .push((epoch, self.window.iter().sum::<f64>() / 10.0));
            self.window.clear();
        }
    }

    fn write(&self, stem: &std::path::Path) -> plot::PlotResult<(PathBuf, PathBuf)> {
        let series = [
            plot::Series {
                name: "training loss (mean of 10 steps)".into(),
                points: self.loss.clone(),
            },
            plot::Series {
                name: "test error (fraction)".into(),
                points: self.test_error.clone(),
            },
        ];
        plot::write(
            stem,
            &plot::Chart {
                title: "Training curves",
                x_desc: "epoch",
                y_desc: "loss / test error",
                series: &series,
                y_max: None,
            },
        )
    }
}
