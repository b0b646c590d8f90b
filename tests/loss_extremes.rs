//! Losses at extreme inputs give PyTorch's values and no NaN, in value or
//! gradient. Each expected value is worked by hand from PyTorch's formula
//! (stated beside it). Partial: cross_entropy, binary_cross_entropy and
//! binary_cross_entropy_with_logits so far (issue #9).

use kiln::loss::{
    CrossEntropyOptions, Reduction, Target, binary_cross_entropy, binary_cross_entropy_with_logits,
    cross_entropy,
};
use kiln::{DynTensor, LongTensor};

fn leaf(v: Vec<f64>, shape: &[usize]) -> DynTensor<f64> {
    DynTensor::from_vec(v, shape).unwrap().requires_grad_(true)
}

fn finite(name: &str, v: &[f64]) {
    assert!(v.iter().all(|x| x.is_finite()), "{name}: {v:?}");
}

#[test]
fn cross_entropy_at_logits_of_plus_minus_1e4() {
    // log_softmax is x - max - log(sum exp(x - max)) = x - 1e4 - log(1 + e^-1e4 + e^-2e4)
    // = x - 1e4 exactly in f64, so the loss is -(−1e4 − 1e4) = 2e4 for class 1
    // and 0 for class 0; the gradient is softmax − one_hot = [1, −1, 0] and
    // [0, 0, 0] (PyTorch: tensor(20000.) and tensor(0.)).
    for (class, loss, grad) in [
        (1, 2e4, vec![1.0, -1.0, 0.0]),
        (0, 0.0, vec![0.0, 0.0, 0.0]),
    ] {
        let x = leaf(vec![1e4, -1e4, 0.0], &[1, 3]);
        let t = LongTensor::from_slice(&[class]);
        let l = cross_entropy(&x, Target::Classes(&t), CrossEntropyOptions::default()).unwrap();
        assert_eq!(l.item(), loss, "class {class}");
        l.backward().unwrap();
        let g = x.grad().unwrap().to_vec();
        finite("cross_entropy grad", &g);
        assert_eq!(g, grad, "class {class}");
    }
}

#[test]
fn binary_cross_entropy_at_probabilities_0_and_1() {
    // PyTorch clamps each log at −100: (x, y) = (0, 1) and (1, 0) give 100,
    // (0, 0) and (1, 1) give 0; the mean of [100, 100, 0, 0] is 50.
    // The gradient is (x − y) / max(x (1 − x), 1e-12) / N:
    // [−1e12, 1e12, 0, 0] / 4.
    let x = leaf(vec![0.0, 1.0, 0.0, 1.0], &[4]);
    let y = DynTensor::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[4]).unwrap();
    let l = binary_cross_entropy(&x, &y, None, Reduction::Mean).unwrap();
    assert_eq!(l.item(), 50.0);
    l.backward().unwrap();
    let g = x.grad().unwrap().to_vec();
    finite("binary_cross_entropy grad", &g);
    assert_eq!(g, vec![-2.5e11, 2.5e11, 0.0, 0.0]);
}

#[test]
fn binary_cross_entropy_with_logits_at_plus_minus_1e4() {
    // (1 − y) x − log σ(x) with a stable log σ: (1e4, 1) → 0, (−1e4, 1) → 1e4,
    // (1e4, 0) → 1e4, (−1e4, 0) → 0; sum 2e4. Gradient σ(x) − y = [0, −1, 1, 0].
    let x = leaf(vec![1e4, -1e4, 1e4, -1e4], &[4]);
    let y = DynTensor::from_vec(vec![1.0, 1.0, 0.0, 0.0], &[4]).unwrap();
    let l = binary_cross_entropy_with_logits(&x, &y, None, None, Reduction::Sum).unwrap();
    assert_eq!(l.item(), 2e4);
    l.backward().unwrap();
    let g = x.grad().unwrap().to_vec();
    finite("binary_cross_entropy_with_logits grad", &g);
    assert_eq!(g, vec![0.0, -1.0, 1.0, 0.0]);
}
