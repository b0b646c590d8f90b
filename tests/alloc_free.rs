//! After warm-up, a training step of a small MLP (forward, cross entropy,
//! backward, SGD with momentum, zero_grad), a LeNet step (convolutions, max
//! pools, Adam) and a batch-1 `no_grad` inference forward make no heap
//! allocation at all: op outputs, gradients, graph nodes and the autograd
//! engine's bookkeeping come from the per-thread pool (`kiln::pool`), and
//! the matrix products' packing buffers from the per-thread scratch of the
//! vendored gemm-common (`vendor/gemm-common/KILN_PATCH.md`). This is a
//! count from a counting global allocator, not a timing.
//!
//! One test function only: the allocator counts every thread of the test
//! binary, so nothing else may run beside it.

use kiln::optim::{Adam, AdamOptions};
use kiln::optim::{SGD, SgdOptions};
use kiln::prelude::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Heap allocations and reallocations made while `f` runs.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = GLOBAL.stats();
    f();
    let after = GLOBAL.stats();
    (after.allocations - before.allocations) + (after.reallocations - before.reallocations)
}

fn mlp_training_and_inference() {
    manual_seed(0);
    let mut model = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let x = Tensor::<(Dyn, U784)>::randn((Dyn(64), U784::default())).unwrap();
    let labels: Vec<i64> = (0..64).map(|i| i % 10).collect();
    let y = Tensor::<(Dyn,), i64>::from_vec(labels, (Dyn(64),)).unwrap();
    let options = SgdOptions {
        lr: 0.01,
        momentum: 0.9,
        ..Default::default()
    };
    let mut optimizer = SGD::new(model.parameters(), options).unwrap();
    let criterion = CrossEntropyLoss::new();
    let mut losses = Vec::with_capacity(10);
    let mut step = || {
        let loss = criterion
            .forward(model.forward(x.clone()), y.clone())
            .unwrap();
        loss.backward().unwrap();
        optimizer.step().unwrap();
        optimizer.zero_grad();
        losses.push(loss.item());
    };
    let first = allocations_in(&mut step);
    assert!(first > 0, "the first step allocates its buffers");
    for _ in 0..3 {
        step();
    }
    let warm = allocations_in(&mut step);
    assert_eq!(warm, 0, "allocations in a warmed-up mlp training step");
    assert!(losses[4] < losses[0], "the model trains: {losses:?}");
    for p in model.parameters() {
        assert!(p.grad().is_none(), "zero_grad still sets gradients to None");
    }

    model.eval();
    let x1 = Tensor::<(Dyn, U784)>::randn((Dyn(1), U784::default())).unwrap();
    let infer = || no_grad(|| model.forward(x1.clone())).as_dyn().data()[0];
    let cold = infer();
    let mut warm_out = 0.0;
    let warm = allocations_in(|| warm_out = infer());
    assert_eq!(warm, 0, "allocations in a warmed-up inference forward");
    assert_eq!(warm_out, cold, "a reused buffer gives the same output");
}

fn lenet_training() {
    manual_seed(0);
    let model = sequential![
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
    ))
    .unwrap();
    let labels: Vec<i64> = (0..64).map(|i| i % 10).collect();
    let y = Tensor::<(Dyn,), i64>::from_vec(labels, (Dyn(64),)).unwrap();
    let mut optimizer = Adam::new(model.parameters(), AdamOptions::default()).unwrap();
    let criterion = CrossEntropyLoss::new();
    let mut losses = Vec::with_capacity(10);
    let mut step = || {
        let loss = criterion
            .forward(model.forward(x.clone()), y.clone())
            .unwrap();
        loss.backward().unwrap();
        optimizer.step().unwrap();
        optimizer.zero_grad();
        losses.push(loss.item());
    };
    for _ in 0..4 {
        step();
    }
    let warm = allocations_in(&mut step);
    assert_eq!(warm, 0, "allocations in a warmed-up lenet training step");
    assert!(losses[4] < losses[0], "the model trains: {losses:?}");
}

#[test]
fn warmed_up_mlp_step_and_inference_allocate_nothing() {
    // One thread, as in the benchmark: the pool is per thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(mlp_training_and_inference);
    pool.install(lenet_training);
}
