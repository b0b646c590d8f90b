//! A trained model serves inference from many threads at once: models are
//! `Send + Sync`, `no_grad` is per thread, and the outputs are the same as
//! on one thread, bit for bit.

use kiln::prelude::*;
use std::sync::Arc;

type Mlp = kiln::Sequential![Linear(784, 256), ReLU, Linear(256, 10)];
type LeNetish = kiln::Sequential![
    Conv2d(1, 4, 5, padding = 2),
    ReLU,
    MaxPool2d(2),
    Flatten,
    Linear(784, 10)
];

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn models_and_tensors_are_send_and_sync() {
    assert_send_sync::<Mlp>();
    assert_send_sync::<LeNetish>();
    assert_send_sync::<Tensor<(Dyn, U784)>>();
    assert_send_sync::<Arc<Mlp>>();
}

#[test]
fn eight_threads_get_the_same_outputs_as_one() {
    manual_seed(3);
    let model = Arc::new(sequential![Linear(784, 256), ReLU, Linear(256, 10)]);
    // One batch per thread, different inputs.
    let inputs: Vec<Tensor<(Dyn, U784)>> = (0..8)
        .map(|_| Tensor::randn((Dyn(16), U784::new())).unwrap())
        .collect();
    let serial: Vec<Vec<f32>> = inputs
        .iter()
        .map(|x| no_grad(|| model.forward(x.clone())).to_vec())
        .collect();
    let parallel: Vec<Vec<f32>> = std::thread::scope(|s| {
        let handles: Vec<_> = inputs
            .iter()
            .map(|x| {
                let model = Arc::clone(&model);
                s.spawn(move || no_grad(|| model.forward(x.clone())).to_vec())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(serial, parallel);
    assert_ne!(
        serial[0], serial[1],
        "different inputs give different outputs"
    );
}

#[test]
fn a_conv_model_serves_from_eight_threads_too() {
    manual_seed(4);
    let mut model: LeNetish = sequential![
        Conv2d(1, 4, 5, padding = 2),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(784, 10)
    ];
    model.eval();
    let model = &model;
    let x =
        Tensor::<(Dyn, U1, U28, U28)>::randn((Dyn(4), U1::new(), U28::new(), U28::new())).unwrap();
    let expected = no_grad(|| model.forward(x.clone())).to_vec();
    let outputs: Vec<Vec<f32>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| no_grad(|| model.forward(x.clone())).to_vec()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for out in outputs {
        assert_eq!(out, expected);
    }
}
