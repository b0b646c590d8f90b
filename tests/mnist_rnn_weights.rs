//! The mnist_rnn example's model loads a state_dict saved by PyTorch
//! (scripts/make_mnist_rnn_reference.py: `nn.LSTM(28, 128,
//! batch_first=True)` and `nn.Linear(128, 10)` as fields `lstm` and `head`,
//! trained one epoch on the full MNIST) and classifies the 1,000 shipped
//! test images exactly as PyTorch does: the same class for every image,
//! and the same logits within 1e-4 on the first 16.

#[path = "../examples/mnist_rnn/model.rs"]
mod model;
#[path = "support/torch_mnist.rs"]
mod torch_mnist;

use kiln::prelude::*;
use model::{RowReader, Rows};
use torch_mnist::{assert_torch_predictions, data, shipped_test_batch};

#[test]
fn pytorch_mnist_rnn_weights_give_pytorchs_classes_and_logits() {
    let mut model = RowReader::new().unwrap();
    model.load(data("mnist_rnn.safetensors")).unwrap();
    model.eval();
    let (images, labels) = shipped_test_batch();
    let x = Tensor::<Rows>::from_vec(images, (Dyn(labels.len()), U28::new(), U28::new())).unwrap();
    let logits = no_grad(|| model.forward(x)).to_vec();
    // The script prints 95.70% on the shipped test subset.
    assert_torch_predictions("mnist_rnn.io.safetensors", &logits, &labels, 957);
}
