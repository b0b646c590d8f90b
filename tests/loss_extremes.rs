//! Losses at extreme inputs give PyTorch's values and no NaN, in value or
//! gradient. Each expected value is worked by hand from PyTorch's formula
//! (stated beside it). Covered: cross_entropy, BCE, BCEWithLogits, soft
//! margin, multilabel soft margin, kl_div with zero targets, CTC at an
//! impossible alignment.

use kiln::loss::{
    CrossEntropyOptions, CtcOptions, KlDivReduction, Reduction, Target, binary_cross_entropy,
    binary_cross_entropy_with_logits, cross_entropy, ctc_loss, kl_div, multilabel_soft_margin_loss,
    soft_margin_loss,
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
    // The gradient is (x − y) / max(x (1 − x), ε) / N with PyTorch's
    // ε = 1e-12 as an f32 (9.999999960041972e-13): [−1, 1, 0, 0] / ε / 4,
    // PyTorch's −2.500000009989507e11 (tests/data/loss_extremes.json).
    let x = leaf(vec![0.0, 1.0, 0.0, 1.0], &[4]);
    let y = DynTensor::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[4]).unwrap();
    let l = binary_cross_entropy(&x, &y, None, Reduction::Mean).unwrap();
    assert_eq!(l.item(), 50.0);
    l.backward().unwrap();
    let g = x.grad().unwrap().to_vec();
    finite("binary_cross_entropy grad", &g);
    let q = 0.25 / f64::from(1e-12_f32);
    assert_eq!(g, vec![-q, q, 0.0, 0.0]);
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

#[test]
fn soft_margin_loss_at_plus_minus_1e4() {
    // log(1 + exp(−y x)): (1e4, 1) → 0, (−1e4, 1) → 1e4, (1e4, −1) → 1e4,
    // (−1e4, −1) → 0; sum 2e4. Gradient −y σ(−y x) = [0, −1, 1, 0].
    let x = leaf(vec![1e4, -1e4, 1e4, -1e4], &[4]);
    let y = DynTensor::from_vec(vec![1.0, 1.0, -1.0, -1.0], &[4]).unwrap();
    let l = soft_margin_loss(&x, &y, Reduction::Sum).unwrap();
    assert_eq!(l.item(), 2e4);
    l.backward().unwrap();
    let g = x.grad().unwrap().to_vec();
    finite("soft_margin_loss grad", &g);
    assert_eq!(g, vec![0.0, -1.0, 1.0, 0.0]);
}

#[test]
fn multilabel_soft_margin_loss_at_plus_minus_1e4() {
    // −mean_c(y log σ(x) + (1 − y) log σ(−x)) = mean([0, 1e4, 1e4, 0]) = 5000
    // for the one sample; gradient (σ(x) − y) / C = [0, −0.25, 0.25, 0].
    let x = leaf(vec![1e4, -1e4, 1e4, -1e4], &[1, 4]);
    let y = DynTensor::from_vec(vec![1.0, 1.0, 0.0, 0.0], &[1, 4]).unwrap();
    let l = multilabel_soft_margin_loss(&x, &y, None, Reduction::Mean).unwrap();
    assert_eq!(l.item(), 5000.0);
    l.backward().unwrap();
    let g = x.grad().unwrap().to_vec();
    finite("multilabel_soft_margin_loss grad", &g);
    assert_eq!(g, vec![0.0, -0.25, 0.25, 0.0]);
}

#[test]
fn kl_div_with_zero_targets() {
    // target (ln target − input), 0 where target is 0: [0, 1 (ln 1 − 0)] = [0, 0],
    // batchmean over one row: 0, even with input −1e4 beside the zero target.
    // Gradient w.r.t. input: −target / N = [0, −1]. W.r.t. the target:
    // ln target + 1 − input = 1 at target 1, and NaN at target 0, the one
    // NaN PyTorch documents (kl_div's gradient w.r.t. a zero non-log target).
    let x = leaf(vec![-1e4, 0.0], &[1, 2]);
    let p = leaf(vec![0.0, 1.0], &[1, 2]);
    let l = kl_div(&x, &p, KlDivReduction::BatchMean, false).unwrap();
    assert_eq!(l.item(), 0.0);
    l.backward().unwrap();
    let gx = x.grad().unwrap().to_vec();
    finite("kl_div input grad", &gx);
    assert_eq!(gx, vec![0.0, -1.0]);
    let gp = p.grad().unwrap().to_vec();
    assert!(gp[0].is_nan(), "{gp:?}");
    assert_eq!(gp[1], 1.0);
}

#[test]
fn ctc_loss_at_an_impossible_alignment() {
    // Target "a a" needs a blank between the repeats, so 3 steps; 2 steps
    // cannot align: PyTorch's loss is inf, and 0 with a zero gradient under
    // `zero_infinity=True`. Kiln's gradient is never NaN (PyTorch's can be,
    // which is why `zero_infinity` exists).
    for zero_infinity in [false, true] {
        let lp = leaf(vec![0.5f64.ln(); 4], &[2, 1, 2]);
        let targets = LongTensor::from_vec(vec![1, 1], &[1, 2]).unwrap();
        let o = CtcOptions {
            reduction: Reduction::Sum,
            zero_infinity,
            ..Default::default()
        };
        let l = ctc_loss(
            &lp,
            &targets,
            &LongTensor::from_slice(&[2]),
            &LongTensor::from_slice(&[2]),
            o,
        )
        .unwrap();
        let want = if zero_infinity { 0.0 } else { f64::INFINITY };
        assert_eq!(l.item(), want, "zero_infinity {zero_infinity}");
        l.backward().unwrap();
        let g = lp.grad().unwrap().to_vec();
        assert!(g.iter().all(|x| !x.is_nan()), "{g:?}");
        if zero_infinity {
            assert_eq!(g, vec![0.0; 4]);
        }
    }
}
