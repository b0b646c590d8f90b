//! What the tests of PyTorch-trained MNIST weights share: PyTorch's outputs
//! on the 1,000 shipped test images (written by scripts/make_mnist_*_reference.py
//! beside the weights), the shipped test batch, and the comparison: the same
//! class for every image, the same logits within 1e-4 on the first 16, and
//! PyTorch's count of correct answers.

use kiln::io::load_safetensors;
use kiln::prelude::*;
use std::path::PathBuf;

/// A file of tests/data/torch.
pub fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/torch")
        .join(file)
}

/// The tensor `name` of the file `io` (`logits`, `predicted`).
fn torch_io(io: &str, name: &str) -> Vec<f32> {
    let (tensors, _) = load_safetensors(data(io)).unwrap();
    tensors.into_iter().find(|t| t.name == name).unwrap().data
}

/// The 1,000 shipped test images as one batch: pixels and labels.
pub fn shipped_test_batch() -> (Vec<f32>, Vec<i64>) {
    let test = Mnist::shipped_subset(Split::Test).unwrap();
    let (x, y) = DataLoader::new(test.clone(), test.len())
        .unwrap()
        .iter()
        .next()
        .unwrap();
    (x.to_vec(), y.to_vec())
}

/// Kiln's `logits` (1,000 × 10) against PyTorch's in the file `io`, and
/// `correct` (what the script printed for the shipped subset) against the
/// count of right answers.
pub fn assert_torch_predictions(io: &str, logits: &[f32], labels: &[i64], correct: usize) {
    assert_eq!(logits.len(), 1000 * 10);
    let expected = torch_io(io, "logits");
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
    let torch_predicted: Vec<i64> = torch_io(io, "predicted")
        .iter()
        .map(|&c| c as i64)
        .collect();
    let differ: Vec<usize> = (0..predicted.len())
        .filter(|&i| predicted[i] != torch_predicted[i])
        .collect();
    assert!(differ.is_empty(), "classes differ on images {differ:?}");
    let right = predicted.iter().zip(labels).filter(|(p, y)| p == y).count();
    assert_eq!(right, correct);
}
