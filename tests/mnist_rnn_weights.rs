//! The mnist_rnn example's model loads a state_dict saved by PyTorch
//! (scripts/make_mnist_rnn_reference.py: `nn.LSTM(28, 128,
//! batch_first=True)` and `nn.Linear(128, 10)` as fields `lstm` and `head`,
//! trained one epoch on the full MNIST) and classifies the 1,000 shipped
//! test images exactly as PyTorch does: the same class for every image,
//! and the same logits within 1e-4 on the first 16.

#[path = "../examples/mnist_rnn/model.rs"]
mod model;

use kiln::io::load_safetensors;
use kiln::prelude::*;
use model::{RowReader, Rows};
use std::path::PathBuf;

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/torch")
        .join(file)
}

/// PyTorch's outputs on the shipped test images (see the script).
fn torch_io(name: &str) -> Vec<f32> {
    let (tensors, _) = load_safetensors(data("mnist_rnn.io.safetensors")).unwrap();
    tensors.into_iter().find(|t| t.name == name).unwrap().data
}

/// Kiln's logits for the 1,000 shipped test images, and their labels.
fn kiln_logits() -> (Vec<f32>, Vec<i64>) {
    let mut model = RowReader::new();
    model.load(data("mnist_rnn.safetensors")).unwrap();
    model.eval();
    let test = Mnist::shipped_subset(Split::Test).unwrap();
    let (x, y) = DataLoader::new(test.clone(), test.len())
        .unwrap()
        .iter()
        .next()
        .unwrap();
    let x: Tensor<Rows> = x.reshape::<(kiln::shape::Infer, U28, U28)>();
    (no_grad(|| model.forward(x)).to_vec(), y.to_vec())
}

#[test]
fn pytorch_mnist_rnn_weights_give_pytorchs_classes_and_logits() {
    let (logits, labels) = kiln_logits();
    assert_eq!(logits.len(), 1000 * 10);
    let expected = torch_io("logits");
    assert_eq!(expected.len(), 16 * 10);
    for (i, (k, t)) in logits.iter().zip(&expected).enumerate() {
        assert!(
            (k - t).abs() <= 1e-4,
            "image {} class {}: Kiln {k}, PyTorch {t}",
            i / 10,
            i % 10
        );
    }
    let predicted: Vec<i64> = logits
        .chunks_exact(10)
        .map(|row| (0..10).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap() as i64)
        .collect();
    let torch_predicted: Vec<i64> = torch_io("predicted").iter().map(|&c| c as i64).collect();
    let differ: Vec<usize> = (0..predicted.len())
        .filter(|&i| predicted[i] != torch_predicted[i])
        .collect();
    assert!(differ.is_empty(), "classes differ on images {differ:?}");
    // The script prints 95.70% on the shipped test subset.
    let correct = predicted
        .iter()
        .zip(&labels)
        .filter(|(p, y)| p == y)
        .count();
    assert_eq!(correct, 957);
}
