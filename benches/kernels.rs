//! Criterion micro-benchmarks of the hot kernels, so that a regression is
//! visible: the gemm wrapper, convolution forward and both backward
//! passes, max pooling, and softmax-cross-entropy (forward + backward).
//!
//! ```text
//! cargo bench --bench kernels              # all
//! cargo bench --bench kernels -- conv2d    # a group
//! ```
//!
//! Sizes are those of the WORKLOADS.md models (every convolution of lenet
//! and cnn, the cnn's second at batch 8; its first pooling, mlp's logits),
//! kept small so a full run takes a minute or two.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kiln::kernels::{
    Conv2dGeometry, MatMut, MatRef, Pool2dGeometry, conv2d_backward_input, conv2d_backward_weight,
    conv2d_forward, matmul, max_pool2d_backward, max_pool2d_forward,
};
use kiln::loss::{CrossEntropyOptions, Target, cross_entropy};
use kiln::{DynTensor, LongTensor, manual_seed};
use std::hint::black_box;
use std::time::Duration;

fn randn(n: usize) -> Vec<f32> {
    DynTensor::<f32>::randn(&[n]).unwrap().to_vec()
}

fn gemm(c: &mut Criterion) {
    let mut group = c.benchmark_group("gemm");
    for n in [64usize, 256, 512] {
        let (a, b) = (randn(n * n), randn(n * n));
        let mut out = vec![0.0f32; n * n];
        group.throughput(Throughput::Elements((2 * n * n * n) as u64));
        group.bench_with_input(BenchmarkId::new("matmul_f32", n), &n, |bench, &n| {
            bench.iter(|| {
                matmul(
                    MatRef::row_major(black_box(&a), n, n),
                    MatRef::row_major(&b, n, n),
                    MatMut::row_major(&mut out, n, n),
                    false,
                )
            })
        });
    }
    group.finish();
}

/// A square stride-1 convolution of the workloads: `(name, batch, in, out,
/// size, kernel, padding)`.
type ConvLayer = (&'static str, usize, usize, usize, usize, usize, usize);

/// Every convolution of the lenet and cnn workloads at the workload's
/// batch, except the cnn's second at batch 8 (the long-standing group).
const CONV_LAYERS: [ConvLayer; 5] = [
    ("conv2d_32x32x32_k3_b8", 8, 32, 32, 32, 3, 1),
    ("conv2d_cnn1_3to32_32x32_k3_b32", 32, 3, 32, 32, 3, 1),
    ("conv2d_cnn3_32to64_16x16_k3_b32", 32, 32, 64, 16, 3, 1),
    ("conv2d_lenet1_1to6_28x28_k5_b64", 64, 1, 6, 28, 5, 2),
    ("conv2d_lenet2_6to16_14x14_k5_b64", 64, 6, 16, 14, 5, 0),
];

fn conv_geometry(&(_, batch, cin, cout, size, k, pad): &ConvLayer) -> Conv2dGeometry {
    Conv2dGeometry {
        batch,
        in_channels: cin,
        out_channels: cout,
        in_h: size,
        in_w: size,
        kernel_h: k,
        kernel_w: k,
        stride_h: 1,
        stride_w: 1,
        pad_h: pad,
        pad_w: pad,
        dilation_h: 1,
        dilation_w: 1,
        groups: 1,
    }
}

fn conv2d(c: &mut Criterion) {
    for layer in &CONV_LAYERS {
        let g = conv_geometry(layer);
        let (x, w, b) = (
            randn(g.input_len()),
            randn(g.weight_len()),
            randn(g.out_channels),
        );
        let gy = randn(g.output_len());
        let mut y = vec![0.0f32; g.output_len()];
        let mut gx = vec![0.0f32; g.input_len()];
        let mut gw = vec![0.0f32; g.weight_len()];
        let mut group = c.benchmark_group(layer.0);
        group.bench_function("forward", |bench| {
            bench.iter(|| conv2d_forward(&g, black_box(&x), &w, Some(&b), &mut y))
        });
        group.bench_function("backward_input", |bench| {
            bench.iter(|| conv2d_backward_input(&g, black_box(&gy), &w, &mut gx))
        });
        group.bench_function("backward_weight", |bench| {
            bench.iter(|| conv2d_backward_weight(&g, black_box(&x), &gy, &mut gw))
        });
        group.finish();
    }
}

fn max_pool(c: &mut Criterion) {
    // The cnn workload's first MaxPool2d(2): [32, 32, 32, 32] -> 16x16.
    let g = Pool2dGeometry {
        batch: 32,
        channels: 32,
        in_h: 32,
        in_w: 32,
        kernel_h: 2,
        kernel_w: 2,
        stride_h: 2,
        stride_w: 2,
        pad_h: 0,
        pad_w: 0,
        dilation_h: 1,
        dilation_w: 1,
        ceil_mode: false,
    };
    let x = randn(g.input_len());
    let gy = randn(g.output_len());
    let mut y = vec![0.0f32; g.output_len()];
    let mut arg = vec![0; g.output_len()];
    let mut gx = vec![0.0f32; g.input_len()];
    let mut group = c.benchmark_group("max_pool2d_k2_32x32x32_b32");
    group.bench_function("forward", |bench| {
        bench.iter(|| max_pool2d_forward(&g, black_box(&x), &mut y, &mut arg))
    });
    max_pool2d_forward(&g, &x, &mut y, &mut arg);
    group.bench_function("backward", |bench| {
        bench.iter(|| max_pool2d_backward(&g, black_box(&gy), &arg, &mut gx))
    });
    group.finish();
}

fn softmax_cross_entropy(c: &mut Criterion) {
    let mut group = c.benchmark_group("cross_entropy");
    for (n, classes) in [(64usize, 10usize), (256, 1000)] {
        let logits = DynTensor::<f32>::randn(&[n, classes])
            .unwrap()
            .requires_grad_(true);
        let target =
            LongTensor::from_vec((0..n as i64).map(|i| i % classes as i64).collect(), &[n])
                .expect("a valid target");
        let id = BenchmarkId::new("forward_backward", format!("{n}x{classes}"));
        group.bench_function(id, |bench| {
            bench.iter(|| {
                let loss = cross_entropy(
                    black_box(&logits),
                    Target::Classes(&target),
                    CrossEntropyOptions::default(),
                )
                .expect("valid inputs");
                loss.backward().expect("a scalar loss");
                logits.zero_grad();
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    manual_seed(0);
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = gemm, conv2d, max_pool, softmax_cross_entropy
}
criterion_main!(benches);
