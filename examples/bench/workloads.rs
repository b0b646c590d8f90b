//! The workloads of WORKLOADS.md, built with `sequential!` (lstm: the
//! mnist_rnn example's model; transformer: `transformer.rs`) on seeded
//! synthetic data (standard normal inputs, uniformly random labels).

use super::alloc;
use super::optim::{self, OptChoice};
use super::rnn_model::{RowReader, Rows};
use super::stats::{Row, Steps, row, time_steps};
use super::transformer::{Encoder, Tokens, attention_cpu_us};
use kiln::kernels::{MatMut, MatRef, matmul};
use kiln::prelude::*;
use serde_json::json;

/// Boxed error: the bench only reports.
pub type BenchResult<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Class indices, one per sample.
type Labels = Tensor<(Dyn,), i64>;

/// Every workload id, in run order.
pub const IDS: [&str; 9] = [
    "mlp",
    "lenet",
    "wide",
    "cnn",
    "mnist_example",
    "lstm",
    "transformer",
    "infer1",
    "sgemm",
];

/// Seed of every workload's parameters and data.
const SEED: u64 = 0;

/// `n` labels drawn uniformly from `0..10` with Kiln's seeded generator.
fn labels(n: usize) -> BenchResult<Labels> {
    let u = DynTensor::<f32>::rand_uniform(&[n], 0.0, 10.0)?.to_vec();
    let y = u.iter().map(|&v| (v as i64).min(9)).collect();
    Ok(Labels::from_vec(y, (Dyn(n),))?)
}

/// Trains `model` on one fixed batch `(x, y)` and times the steps: forward,
/// loss, backward, optimizer step, zero_grad. Fails if the loss of the last
/// step is not below that of the first (the correctness guard).
fn train<M, In>(
    id: &'static str,
    threads: usize,
    model: &mut M,
    x: Tensor<In>,
    y: Labels,
    opt: OptChoice,
    steps: Steps,
) -> BenchResult<Row>
where
    M: ModuleExt + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>>,
    In: Shape,
{
    model.train();
    let mut optimizer = (opt.make)(model.parameters())?;
    let criterion = CrossEntropyLoss::new();
    let mut losses: Vec<f32> = Vec::with_capacity(steps.warmup + steps.timed);
    let mut failure: Option<kiln::Error> = None;
    let mut peak_live: isize = 0;
    let timing = time_steps(steps, || {
        let result = (|| {
            let loss = criterion.forward(model.forward(x.clone()), y.clone())?;
            let after_forward = alloc::snapshot().live_bytes();
            loss.backward()?;
            let after_backward = alloc::snapshot().live_bytes();
            optimizer.step()?;
            optimizer.zero_grad();
            peak_live = peak_live.max(after_forward).max(after_backward);
            Ok::<f32, kiln::Error>(loss.item())
        })();
        match result {
            Ok(l) => losses.push(l),
            Err(e) => failure = failure.take().or(Some(e)),
        }
    });
    if let Some(e) = failure {
        return Err(format!("{id}: a training step failed: {e}").into());
    }
    let (first, last) = (losses[0], losses[losses.len() - 1]);
    // `partial_cmp` so that a NaN loss fails the guard too.
    if last.partial_cmp(&first) != Some(std::cmp::Ordering::Less) {
        return Err(format!(
            "{id}: correctness guard failed: loss went from {first} to {last} in {} steps",
            losses.len()
        )
        .into());
    }
    let mut r = row(id, threads, &timing);
    r.extra.push(("optimizer", json!(opt.name)));
    r.extra.push(("optimizer_label", json!(opt.label)));
    r.extra.push(("steps", json!(losses.len())));
    r.extra.push(("first_loss", json!(first)));
    r.extra.push(("last_loss", json!(last)));
    r.extra
        .push(("live_heap_peak_mb", json!(peak_live as f64 / 1e6)));
    Ok(r)
}

/// Runs workload `id` in the current rayon pool of `threads` threads.
pub fn run(id: &str, threads: usize) -> BenchResult<Row> {
    manual_seed(SEED);
    let small = Steps {
        warmup: 20,
        timed: 200,
    };
    let big = Steps {
        warmup: 20,
        timed: 50,
    };
    match id {
        "mlp" => {
            let mut model = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
            let x = Tensor::<(Dyn, U784)>::randn((Dyn(64), U784::default()))?;
            // 20 + 280 = 300 steps: WORKLOADS.md's guard trains mlp 300 steps.
            let steps = Steps {
                warmup: 20,
                timed: 280,
            };
            train(
                "mlp",
                threads,
                &mut model,
                x,
                labels(64)?,
                optim::MLP,
                steps,
            )
        }
        "lenet" => {
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
            let x = Tensor::<(Dyn, U1, U28, U28)>::randn((
                Dyn(64),
                U1::default(),
                U28::default(),
                U28::default(),
            ))?;
            let y = labels(64)?;
            train("lenet", threads, &mut model, x, y, optim::LENET, small)
        }
        "wide" => {
            let mut model = sequential![
                Linear(784, 1024),
                ReLU,
                Linear(1024, 1024),
                ReLU,
                Linear(1024, 10)
            ];
            let batch = 256;
            let weights = model.num_parameters();
            let x = Tensor::<(Dyn, U784)>::randn((Dyn(batch), U784::default()))?;
            let mut r = train(
                "wide",
                threads,
                &mut model,
                x,
                labels(batch)?,
                optim::WIDE,
                big,
            )?;
            // WORKLOADS.md: 6 x batch x weights per step (biases included).
            let flops = 6.0 * batch as f64 * weights as f64;
            r.extra.push(("gflops", json!(flops / r.median_us / 1e3)));
            Ok(r)
        }
        "cnn" => {
            let mut model = sequential![
                Conv2d(3, 32, 3, padding = 1),
                ReLU,
                Conv2d(32, 32, 3, padding = 1),
                ReLU,
                MaxPool2d(2),
                Conv2d(32, 64, 3, padding = 1),
                ReLU,
                MaxPool2d(2),
                Flatten,
                Linear(4096, 10),
            ];
            let x = Tensor::<(Dyn, U3, U32, U32)>::randn((
                Dyn(32),
                U3::default(),
                U32::default(),
                U32::default(),
            ))?;
            train("cnn", threads, &mut model, x, labels(32)?, optim::CNN, big)
        }
        "mnist_example" => {
            // pytorch/examples' mnist/main.py Net (examples/mnist_pytorch_example.rs)
            // as a chain; CrossEntropyLoss on its logits is main.py's
            // log_softmax + nll_loss in one, as on the PyTorch side.
            let mut model = sequential![
                Conv2d(1, 32, 3),
                ReLU,
                Conv2d(32, 64, 3),
                ReLU,
                MaxPool2d(2),
                Dropout(0.25),
                Flatten,
                Linear(9216, 128),
                ReLU,
                Dropout(0.5),
                Linear(128, 10),
            ];
            let x = Tensor::<(Dyn, U1, U28, U28)>::randn((
                Dyn(64),
                U1::default(),
                U28::default(),
                U28::default(),
            ))?;
            train(
                "mnist_example",
                threads,
                &mut model,
                x,
                labels(64)?,
                optim::MNIST_EXAMPLE,
                big,
            )
        }
        "lstm" => {
            let mut model = RowReader::new()?;
            let x = Tensor::<Rows>::randn((Dyn(64), U28::default(), U28::default()))?;
            train(
                "lstm",
                threads,
                &mut model,
                x,
                labels(64)?,
                optim::LSTM,
                small,
            )
        }
        "transformer" => {
            let mut model = Encoder::new();
            let x = Tensor::<Tokens>::randn((Dyn(32), U64::default(), U128::default()))?;
            let mut r = train(
                "transformer",
                threads,
                &mut model,
                x,
                labels(32)?,
                optim::TRANSFORMER,
                small,
            )?;
            // Two self-attentions a step: their share of the step's CPU time.
            let (attention, core) = attention_cpu_us()?;
            let share = |us: f64| 2.0 * us / r.cpu_us_per_step;
            r.extra.push(("attention_cpu_us", json!(attention)));
            r.extra.push(("attention_share", json!(share(attention))));
            r.extra.push(("attention_core_cpu_us", json!(core)));
            r.extra.push(("attention_core_share", json!(share(core))));
            Ok(r)
        }
        "infer1" => {
            let mut model = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
            model.eval();
            let x = Tensor::<(Dyn, U784)>::randn((Dyn(1), U784::default()))?;
            let steps = Steps {
                warmup: 100,
                timed: 2000,
            };
            let mut sink = 0.0f32;
            let timing = time_steps(steps, || {
                let out = no_grad(|| model.forward(x.clone()));
                sink += out.as_dyn().data()[0];
            });
            let mut r = row("infer1", threads, &timing);
            r.extra.push(("checksum", json!(sink)));
            Ok(r)
        }
        "sgemm" => {
            let n = 1024;
            let a = DynTensor::<f32>::randn(&[n, n])?.to_vec();
            let b = DynTensor::<f32>::randn(&[n, n])?.to_vec();
            let mut c = vec![0.0f32; n * n];
            let timing = time_steps(big, || {
                matmul(
                    MatRef::row_major(&a, n, n),
                    MatRef::row_major(&b, n, n),
                    MatMut::row_major(&mut c, n, n),
                    false,
                );
            });
            let mut r = row("sgemm", threads, &timing);
            let flops = 2.0 * (n as f64).powi(3);
            r.extra.push(("gflops", json!(flops / r.median_us / 1e3)));
            Ok(r)
        }
        other => Err(format!(
            "unknown workload `{other}`; expected one of {}",
            IDS.join(", ")
        )
        .into()),
    }
}
