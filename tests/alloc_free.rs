//! After warm-up, a training step of a small MLP (forward, cross entropy,
//! backward, SGD step, zero_grad) and a `no_grad` inference forward make no
//! heap allocation of Kiln's own: op outputs, gradients, graph nodes and
//! the autograd engine's bookkeeping all come from the per-thread pool
//! (`kiln::pool`). What remains are the packing buffers the `gemm` crate
//! allocates inside every matrix product, so the test counts those with
//! the same products and asserts the step makes no other. This is a count
//! from a counting global allocator, not a timing.
//!
//! The same holds for a LeNet step (convolutions, max pools, Adam): its
//! only allocations are gemm's, counted on the convolution kernels' own
//! calls with the step's geometries.
//!
//! One test function only: the allocator counts every thread of the test
//! binary, so nothing else may run beside it.

use kiln::kernels::{
    Conv2dGeometry, MatMut, MatRef, conv2d_backward_input, conv2d_backward_weight, conv2d_forward,
    matmul,
};
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

/// Allocations the `gemm` crate makes inside one `x · Wᵀ (+ b)` forward
/// product per layer (sizes `[rows, in] -> [rows, out]`) and, when
/// `backward`, the weight gradient `gᵀ · x` of every layer and the input
/// gradient `g · W` of every layer but the first (of the first too when
/// `input_grad`, its input being an op's output): the products of
/// `ops::linear` on the same strides.
fn gemm_allocations(
    rows: usize,
    layers: &[(usize, usize)],
    backward: bool,
    input_grad: bool,
) -> usize {
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
        if l > 0 || input_grad {
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
    let in_gemm = gemm_allocations(64, &layers, true, false);
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
    let in_gemm = gemm_allocations(1, &layers, false, false);
    assert_eq!(
        warm, in_gemm,
        "allocations in a warmed-up inference forward besides gemm's own"
    );
    assert_eq!(warm_out, cold, "a reused buffer gives the same output");
}

/// A LeNet convolution's geometry on a batch of 64.
fn lenet_conv(in_channels: usize, out_channels: usize, side: usize, pad: usize) -> Conv2dGeometry {
    Conv2dGeometry {
        batch: 64,
        in_channels,
        out_channels,
        in_h: side,
        in_w: side,
        kernel_h: 5,
        kernel_w: 5,
        stride_h: 1,
        stride_w: 1,
        pad_h: pad,
        pad_w: pad,
        dilation_h: 1,
        dilation_w: 1,
        groups: 1,
    }
}

/// Allocations the `gemm` crate makes inside a warm convolution's forward
/// (with a bias), weight gradient and (when `input_grad`) input gradient.
fn conv_gemm_allocations(g: &Conv2dGeometry, input_grad: bool) -> usize {
    let (x, w) = (vec![0.5f32; g.input_len()], vec![0.5f32; g.weight_len()]);
    let (mut y, mut gw) = (vec![0f32; g.output_len()], vec![0f32; g.weight_len()]);
    let (mut gx, b) = (vec![0f32; g.input_len()], vec![0.5f32; g.out_channels]);
    let mut products = || {
        let mut n = allocations_in(|| conv2d_forward(g, &x, &w, Some(&b), &mut y));
        n += allocations_in(|| conv2d_backward_weight(g, &x, &y, &mut gw));
        if input_grad {
            n += allocations_in(|| conv2d_backward_input(g, &y, &w, &mut gx));
        }
        n
    };
    products(); // warms the kernels' scratch buffers
    products()
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
    ));
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
    let in_gemm = conv_gemm_allocations(&lenet_conv(1, 6, 28, 2), false)
        + conv_gemm_allocations(&lenet_conv(6, 16, 14, 0), true)
        + gemm_allocations(64, &[(400, 120), (120, 84), (84, 10)], true, true);
    assert_eq!(
        warm, in_gemm,
        "allocations in a warmed-up lenet training step besides gemm's own"
    );
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
