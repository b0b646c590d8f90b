//! Every optimizer in the real loop: the seed MLP
//! (`Linear(784, 256), ReLU, Linear(256, 10)`) on the shipped MNIST subset
//! for a fixed number of steps (batches of 64 cycling over the first 640
//! training images). Each test states how much the cross-entropy on a
//! fixed batch (the first 256 images) must fall. Also: resuming from a
//! saved optimizer state gives the same parameters bit for bit.

use kiln::data::{Mnist, Split};
use kiln::nn::Parameter;
use kiln::optim::lr_scheduler::{LrScheduler, StepLR};
use kiln::optim::*;
use kiln::prelude::*;

type Mlp = Sequential![Linear(784, 256), ReLU, Linear(256, 10)];

const BATCH: usize = 64;
const STEPS: usize = 30;

struct Data {
    images: Vec<f32>,
    labels: Vec<i64>,
}

fn data() -> Data {
    let train = Mnist::shipped_subset(Split::Train).expect("the shipped subset");
    let n = 640;
    let mut images = vec![0.0f32; n * Mnist::PIXELS];
    for (i, out) in images.chunks_exact_mut(Mnist::PIXELS).enumerate() {
        train.write_image(i, out);
    }
    let labels = (0..n).map(|i| i64::from(train.label(i))).collect();
    Data { images, labels }
}

fn model() -> Mlp {
    manual_seed(0);
    sequential![Linear(784, 256), ReLU, Linear(256, 10)]
}

/// The loss on `count` images starting at `start`, recording the graph.
fn loss(model: &Mlp, d: &Data, start: usize, count: usize) -> Tensor<()> {
    let x = DynTensor::from_vec(
        d.images[start * Mnist::PIXELS..(start + count) * Mnist::PIXELS].to_vec(),
        &[count, Mnist::PIXELS],
    )
    .unwrap();
    let x: Tensor<(Dyn, U784)> = Tensor::from_dyn(x).unwrap();
    let y = Tensor::<(Dyn,), i64>::from_vec(d.labels[start..start + count].to_vec(), (Dyn(count),))
        .unwrap();
    CrossEntropyLoss::new()
        .forward(model.forward(x), y)
        .unwrap()
}

fn eval_loss(model: &Mlp, d: &Data) -> f32 {
    no_grad(|| loss(model, d, 0, 256)).item()
}

/// Trains with `step` (called after backward) and returns the loss on the
/// fixed batch before and after.
fn train(model: &Mlp, d: &Data, mut step: impl FnMut()) -> (f32, f32) {
    let before = eval_loss(model, d);
    for k in 0..STEPS {
        model.zero_grad();
        loss(model, d, (k % 10) * BATCH, BATCH).backward().unwrap();
        step();
    }
    (before, eval_loss(model, d))
}

fn assert_falls(name: &str, (before, after): (f32, f32), factor: f32) {
    assert!(
        after * factor < before,
        "{name}: loss {before} -> {after}, expected to fall by more than {factor}x"
    );
}

macro_rules! dense_test {
    ($test:ident, $ty:ty, $options:expr, $factor:expr) => {
        #[test]
        fn $test() {
            let (m, d) = (model(), data());
            let mut opt = <$ty>::new(m.parameters(), $options).unwrap();
            let result = train(&m, &d, || opt.step().unwrap());
            assert_falls(stringify!($ty), result, $factor);
        }
    };
}

dense_test!(
    sgd_learns,
    SGD,
    SgdOptions {
        lr: 0.05,
        momentum: 0.9,
        ..Default::default()
    },
    3.0
);
dense_test!(
    asgd_learns,
    ASGD,
    AsgdOptions {
        lr: 0.1,
        ..Default::default()
    },
    3.0
);
dense_test!(
    adadelta_learns,
    Adadelta,
    AdadeltaOptions {
        lr: 10.0,
        ..Default::default()
    },
    2.0
);
dense_test!(
    adagrad_learns,
    Adagrad,
    AdagradOptions {
        lr: 0.02,
        ..Default::default()
    },
    5.0
);
dense_test!(
    adam_learns,
    Adam,
    AdamOptions {
        lr: 1e-3,
        ..Default::default()
    },
    4.0
);
dense_test!(
    adamw_learns,
    AdamW,
    AdamOptions {
        lr: 1e-3,
        ..adamw_defaults()
    },
    4.0
);
dense_test!(
    adamax_learns,
    Adamax,
    AdamaxOptions {
        lr: 2e-3,
        ..Default::default()
    },
    4.0
);
dense_test!(
    nadam_learns,
    NAdam,
    NAdamOptions {
        lr: 2e-3,
        ..Default::default()
    },
    4.0
);
dense_test!(
    radam_learns,
    RAdam,
    RAdamOptions {
        lr: 1e-2,
        ..Default::default()
    },
    3.0
);
dense_test!(
    rmsprop_learns,
    RMSprop,
    RmspropOptions {
        lr: 1e-3,
        ..Default::default()
    },
    5.0
);
dense_test!(
    rprop_learns,
    Rprop,
    RpropOptions {
        lr: 1e-3,
        ..Default::default()
    },
    5.0
);

/// SparseAdam over the MLP: the dense gradients are handed over as
/// row-sparse gradients of their non-zero rows, as an `Embedding(sparse)`
/// would report them.
#[test]
fn sparse_adam_learns() {
    let (m, d) = (model(), data());
    let params = m.parameters();
    let mut opt = SparseAdam::new(
        params.clone(),
        SparseAdamOptions {
            lr: 1e-3,
            ..Default::default()
        },
    )
    .unwrap();
    let result = train(&m, &d, || {
        for p in &params {
            let grad = p.grad_lock().take().unwrap();
            let row_len = p.numel() / p.shape()[0];
            let (mut rows, mut values) = (Vec::new(), Vec::new());
            for (r, row) in grad.chunks(row_len).enumerate() {
                if row.iter().any(|&g| g != 0.0) {
                    rows.push(r);
                    values.extend_from_slice(row);
                }
            }
            p.accumulate_sparse_grad(&rows, &values).unwrap();
        }
        opt.step().unwrap();
    });
    assert_falls("SparseAdam", result, 4.0);
}

/// LBFGS with strong Wolfe, full batch (the 256 images of the fixed
/// batch, which it nearly memorizes), its closure recomputing the loss:
/// four steps of at most five iterations.
#[test]
fn lbfgs_learns() {
    let (m, d) = (model(), data());
    let options = LbfgsOptions {
        max_iter: 5,
        line_search_fn: Some(LineSearch::StrongWolfe),
        ..Default::default()
    };
    let mut opt = LBFGS::new(m.parameters(), options).unwrap();
    let before = eval_loss(&m, &d);
    let mut closure = || {
        m.zero_grad();
        let l = loss(&m, &d, 0, 256);
        l.backward()?;
        Ok(f64::from(l.item()))
    };
    for _ in 0..4 {
        opt.step(&mut closure).unwrap();
    }
    assert_falls("LBFGS", (before, eval_loss(&m, &d)), 100.0);
}

fn snapshot(params: &[Parameter]) -> Vec<Vec<u32>> {
    params
        .iter()
        .map(|p| p.to_vec().iter().map(|x| x.to_bits()).collect())
        .collect()
}

/// Adam with a StepLR: 10 steps straight, or 5 steps, a save of the
/// parameters, the optimizer (a safetensors file) and the scheduler, a
/// fresh model, optimizer and scheduler loading them, and 5 more steps:
/// the same bits.
#[test]
fn resuming_from_a_state_dict_gives_the_same_trajectory_bit_for_bit() {
    let d = data();
    let options = AdamOptions {
        lr: 1e-3,
        amsgrad: true,
        ..Default::default()
    };
    let run = |m: &Mlp, opt: &mut Adam, sched: &mut StepLR, steps: std::ops::Range<usize>| {
        for k in steps {
            m.zero_grad();
            loss(m, &d, (k % 10) * BATCH, BATCH).backward().unwrap();
            opt.step().unwrap();
            sched.step(opt).unwrap();
        }
    };

    let straight = model();
    let mut opt = Adam::new(straight.parameters(), options.clone()).unwrap();
    let mut sched = StepLR::new(&mut opt, 3, 0.5).unwrap();
    run(&straight, &mut opt, &mut sched, 0..10);

    let first = model();
    let mut opt = Adam::new(first.parameters(), options.clone()).unwrap();
    let mut sched = StepLR::new(&mut opt, 3, 0.5).unwrap();
    run(&first, &mut opt, &mut sched, 0..5);
    let path = std::env::temp_dir().join(format!("kiln-resume-{}.safetensors", std::process::id()));
    opt.state_dict().save(&path).unwrap();
    let saved_sched = sched.state_dict();
    let saved_params: Vec<Vec<f32>> = first.parameters().iter().map(|p| p.to_vec()).collect();

    manual_seed(123);
    let resumed: Mlp = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    for (p, v) in resumed.parameters().iter().zip(&saved_params) {
        p.data_mut().copy_from_slice(v);
    }
    let mut opt = Adam::new(resumed.parameters(), AdamOptions::default()).unwrap();
    opt.load_state_dict(&OptimizerStateDict::load(&path).unwrap())
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(opt.param_groups()[0].options.lr, 5e-4);
    assert!(opt.param_groups()[0].options.amsgrad);
    let mut sched2 = StepLR::new(&mut opt, 3, 0.5).unwrap();
    sched2.load_state_dict(&saved_sched).unwrap();
    run(&resumed, &mut opt, &mut sched2, 5..10);

    assert_eq!(
        snapshot(&resumed.parameters()),
        snapshot(&straight.parameters())
    );
}
