//! After warm-up, a training step of a small MLP (forward, cross entropy,
//! backward, SGD step, zero_grad) and a `no_grad` inference forward make no
//! heap allocation of Kiln's own: op outputs, gradients, graph nodes and
//! the autograd engine's bookkeeping all come from the per-thread pool
//! (`kiln::pool`). What remains are the packing buffers the `gemm` crate
//! allocates inside every matrix product, so the test counts those with
//! the same products and asserts the step makes no other. This is a count
//! from a counting global allocator, not a timing.
//!
//! One test function only: the allocator counts every thread of the test
//! binary, so nothing else may run beside it.

use kiln::kernels::{MatMut, MatRef, matmul};
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

/// Allocations the `gemm` crate makes inside one `x · Wᵀ (+ b)` forward
/// product per layer (sizes `[rows, in] -> [rows, out]`) and, when
/// `backward`, the weight gradient `gᵀ · x` of every layer and the input
/// gradient `g · W` of every layer but the first: the products of
/// `ops::linear` on the same strides.
fn gemm_allocations(rows: usize, layers: &[(usize, usize)], backward: bool) -> usize {
    let mut total = 0;
    for (l, &(i, o)) in layers.iter().enumerate() {
        let (x, w, go) = (
            vec![0.5f32; rows * i],
            vec![0.5f32; o * i],
            vec![0.5f32; rows * o],
        );
        let (mut y, mut gw, mut gx) = (
            vec![0f32; rows * o],
            vec![0f32; o * i],
            vec![0f32; rows * i],
        );
        total += allocations_in(|| {
            let out = MatMut::row_major(&mut y, rows, o);
            matmul(
                MatRef::row_major(&x, rows, i),
                MatRef::row_major(&w, o, i).t(),
                out,
                true,
            )
        });
        if !backward {
            continue;
        }
        let g = MatRef::row_major(&go, rows, o);
        total += allocations_in(|| {
            let out = MatMut::row_major(&mut gw, o, i);
            matmul(g.t(), MatRef::row_major(&x, rows, i), out, false)
        });
        if l > 0 {
            total += allocations_in(|| {
                let out = MatMut::row_major(&mut gx, rows, i);
                matmul(g, MatRef::row_major(&w, o, i), out, false)
            });
        }
    }
    total
}

fn mlp_training_and_inference() {
    manual_seed(0);
    let mut model = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let x = Tensor::<(Dyn, U784)>::randn((Dyn(64), U784::default()));
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
    let layers = [(784, 256), (256, 10)];
    let in_gemm = gemm_allocations(64, &layers, true);
    assert_eq!(
        warm, in_gemm,
        "allocations in a warmed-up mlp training step besides gemm's own"
    );
    assert!(losses[4] < losses[0], "the model trains: {losses:?}");
    for p in model.parameters() {
        assert!(p.grad().is_none(), "zero_grad still sets gradients to None");
    }

    model.eval();
    let x1 = Tensor::<(Dyn, U784)>::randn((Dyn(1), U784::default()));
    let infer = || no_grad(|| model.forward(x1.clone())).as_dyn().data()[0];
    let cold = infer();
    let mut warm_out = 0.0;
    let warm = allocations_in(|| warm_out = infer());
    let in_gemm = gemm_allocations(1, &layers, false);
    assert_eq!(
        warm, in_gemm,
        "allocations in a warmed-up inference forward besides gemm's own"
    );
    assert_eq!(warm_out, cold, "a reused buffer gives the same output");
}

#[test]
fn warmed_up_mlp_step_and_inference_allocate_nothing() {
    // One thread, as in the benchmark: the pool is per thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(mlp_training_and_inference);
}
