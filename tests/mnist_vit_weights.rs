//! The mnist_vit example's model loads a state_dict saved by PyTorch
//! (scripts/make_mnist_vit_reference.py: `embed` nn.Linear(49, 64), `pos`
//! (1, 16, 64), `encoder` a two-layer nn.TransformerEncoder, `head`
//! nn.Linear(64, 10), trained one epoch on the full MNIST) and classifies
//! the 1,000 shipped test images exactly as PyTorch does: the same class
//! for every image, and the same logits within 1e-4 on the first 16.

#[path = "../examples/mnist_vit/model.rs"]
mod model;
#[path = "support/torch_mnist.rs"]
mod torch_mnist;

use kiln::prelude::*;
use model::{Images, PatchTransformer};
use torch_mnist::{assert_torch_predictions, data, shipped_test_batch};

#[test]
fn pytorch_mnist_vit_weights_give_pytorchs_classes_and_logits() {
    let mut model = PatchTransformer::new();
    model.load(data("mnist_vit.safetensors")).unwrap();
    model.eval();
    let (images, labels) = shipped_test_batch();
    let x =
        Tensor::<Images>::from_vec(images, (Dyn(labels.len()), U28::new(), U28::new())).unwrap();
    let logits = no_grad(|| model.forward(x)).to_vec();
    // The script prints 93.10% on the shipped test subset.
    assert_torch_predictions("mnist_vit.io.safetensors", &logits, &labels, 931);
}
