//! The losses of `nncore/src/loss` (and the two distance functions there),
//! each on random shapes, under every reduction and its options.

use super::{Matrix, Rng};
use kiln::loss::{
    ClassTargetOptions, CrossEntropyOptions, CtcOptions, GaussianNllOptions, KlDivReduction,
    MultiMarginOptions, PoissonNllOptions, Reduction, Target, TripletMarginOptions,
    binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss,
    cosine_similarity, cross_entropy, ctc_loss, gaussian_nll_loss, hinge_embedding_loss,
    huber_loss, kl_div, l1_loss, margin_ranking_loss, mse_loss, multi_margin_loss,
    multilabel_margin_loss, multilabel_soft_margin_loss, nll_loss, pairwise_distance,
    poisson_nll_loss, smooth_l1_loss, soft_margin_loss, triplet_margin_loss,
};
use kiln::{DynTensor, LongTensor};

const REDUCTIONS: [Reduction; 3] = [Reduction::None, Reduction::Mean, Reduction::Sum];

/// `n` signs ±1 as floats.
fn signs(rng: &mut Rng, shape: &[usize]) -> DynTensor<f64> {
    let n = shape.iter().product();
    let v = (0..n)
        .map(|_| if rng.unit() < 0.5 { -1.0 } else { 1.0 })
        .collect();
    DynTensor::from_vec(v, shape).unwrap()
}

/// `[N, C]` or `[N, C, d]` with random sizes, by case number.
fn class_shape(rng: &mut Rng, i: usize) -> Vec<usize> {
    let mut s = vec![rng.size(1, 3), rng.size(2, 4)];
    if i % 2 == 1 {
        s.push(rng.size(1, 3));
    }
    s
}

/// Class indices for a `class_shape` input: `[N]` or `[N, d]`.
fn class_target(rng: &mut Rng, s: &[usize]) -> LongTensor {
    let shape: Vec<usize> = std::iter::once(s[0])
        .chain(s[2..].iter().copied())
        .collect();
    let n = shape.iter().product();
    LongTensor::from_vec(rng.classes(n, s[1]), &shape).unwrap()
}

pub fn add(m: &mut Matrix, rng: &mut Rng) {
    classification(m, rng);
    regression(m, rng);
    likelihood(m, rng);
    margins(m, rng);
    embeddings(m, rng);
    divergence_and_bce(m, rng);
    ctc(m, rng);
}

fn classification(m: &mut Matrix, rng: &mut Rng) {
    for (i, reduction) in REDUCTIONS.into_iter().enumerate() {
        let s = class_shape(rng, i);
        let t = class_target(rng, &s);
        let weight = rng.constant(&[s[1]], 0.5, 2.0);
        let ignore = if i == 2 { 0 } else { -100 };
        let l = format!("{s:?} {reduction:?} weight, ignore_index {ignore}");
        let (t2, w2) = (t.clone(), weight.clone());
        m.case("loss::nll_loss", &l, vec![rng.leaf(&s)], move |x| {
            let o = ClassTargetOptions {
                weight: Some(&w2),
                ignore_index: ignore,
                reduction,
            };
            nll_loss(&x[0], &t2, o)
        });
        let smoothing = [0.0, 0.1, 0.3][i];
        let l = format!("{s:?} {reduction:?} weight, label_smoothing {smoothing}");
        m.case("loss::cross_entropy", &l, vec![rng.leaf(&s)], move |x| {
            let o = CrossEntropyOptions {
                weight: Some(&weight),
                reduction,
                label_smoothing: smoothing,
                ..Default::default()
            };
            cross_entropy(&x[0], Target::Classes(&t), o)
        });
        let p = rng.constant(&s, 0.0, 1.0).softmax(1).unwrap();
        let l = format!("{s:?} {reduction:?} probabilities, label_smoothing {smoothing}");
        m.case("loss::cross_entropy", &l, vec![rng.leaf(&s)], move |x| {
            let o = CrossEntropyOptions {
                reduction,
                label_smoothing: smoothing,
                ..Default::default()
            };
            cross_entropy(&x[0], Target::Probabilities(&p), o)
        });
    }
    for (i, (p, margin, weighted)) in [(1i64, 1.0, false), (2, 0.5, true), (1, 2.0, true)]
        .into_iter()
        .enumerate()
    {
        let s = [rng.size(1, 3), rng.size(2, 4)];
        let t = LongTensor::from_vec(rng.classes(s[0], s[1]), &[s[0]]).unwrap();
        let weight = rng.constant(&[s[1]], 0.5, 2.0);
        let reduction = REDUCTIONS[i];
        let l = format!("{s:?} p {p} margin {margin} weight {weighted} {reduction:?}");
        m.case("loss::multi_margin_loss", l, vec![rng.leaf(&s)], move |x| {
            let o = MultiMarginOptions {
                p,
                margin,
                weight: weighted.then_some(&weight),
                reduction,
            };
            multi_margin_loss(&x[0], &t, o)
        });
    }
    for reduction in REDUCTIONS {
        let (n, c) = (rng.size(1, 3), rng.size(2, 4));
        // Each row: a random number of distinct target classes, then -1.
        let mut t = Vec::new();
        for _ in 0..n {
            let k = rng.size(1, c - 1);
            let mut row: Vec<i64> = rng.permutation(c).iter().map(|&i| i as i64).collect();
            row[k] = -1;
            t.extend(row);
        }
        let t = LongTensor::from_vec(t, &[n, c]).unwrap();
        m.case(
            "loss::multilabel_margin_loss",
            format!("[{n}, {c}] {reduction:?}"),
            vec![rng.leaf(&[n, c])],
            move |x| multilabel_margin_loss(&x[0], &t, reduction),
        );
    }
}

fn regression(m: &mut Matrix, rng: &mut Rng) {
    for (i, reduction) in REDUCTIONS.into_iter().enumerate() {
        let s = class_shape(rng, i);
        let l = format!("{s:?} {reduction:?}");
        let target = rng.leaf(&s);
        // input = target + a difference away from 0 (l1's kink).
        let input = target
            .add(&rng.leaf_away(&s))
            .unwrap()
            .detach()
            .requires_grad_(true);
        m.case(
            "loss::l1_loss",
            &l,
            vec![input.clone(), target.clone()],
            move |x| l1_loss(&x[0], &x[1], reduction),
        );
        m.case(
            "loss::mse_loss",
            &l,
            vec![input.clone(), target.clone()],
            move |x| mse_loss(&x[0], &x[1], reduction),
        );
        let beta = [1.0, 0.5, 0.1][i];
        m.case(
            "loss::smooth_l1_loss",
            format!("{l} beta {beta}"),
            vec![input.clone(), target.clone()],
            move |x| smooth_l1_loss(&x[0], &x[1], reduction, beta),
        );
        let delta = [1.0, 0.3, 2.0][i];
        m.case(
            "loss::huber_loss",
            format!("{l} delta {delta}"),
            vec![input, target],
            move |x| huber_loss(&x[0], &x[1], reduction, delta),
        );
    }
}

fn likelihood(m: &mut Matrix, rng: &mut Rng) {
    for (i, (log_input, full)) in [(true, false), (false, true), (true, true)]
        .into_iter()
        .enumerate()
    {
        let s = class_shape(rng, i);
        let target = rng.constant(&s, 0.0, 4.0);
        let input = if log_input {
            rng.leaf(&s)
        } else {
            rng.leaf_positive(&s)
        };
        let o = PoissonNllOptions {
            log_input,
            full,
            reduction: REDUCTIONS[i],
            ..Default::default()
        };
        let l = format!("{s:?} log_input {log_input} full {full} {:?}", o.reduction);
        m.case("loss::poisson_nll_loss", l, vec![input], move |x| {
            poisson_nll_loss(&x[0], &target, o)
        });
    }
    for (i, (full, per_sample)) in [(false, false), (true, true), (false, true)]
        .into_iter()
        .enumerate()
    {
        let s = [rng.size(1, 3), rng.size(2, 3)];
        let var_shape: Vec<usize> = if per_sample {
            vec![s[0], 1]
        } else {
            s.to_vec()
        };
        let o = GaussianNllOptions {
            full,
            reduction: REDUCTIONS[i],
            ..Default::default()
        };
        let l = format!("{s:?} var {var_shape:?} full {full} {:?}", o.reduction);
        let xs = vec![rng.leaf(&s), rng.leaf(&s), rng.leaf_positive(&var_shape)];
        m.case("loss::gaussian_nll_loss", l, xs, move |x| {
            gaussian_nll_loss(&x[0], &x[1], &x[2], o)
        });
    }
}

fn margins(m: &mut Matrix, rng: &mut Rng) {
    for (i, reduction) in REDUCTIONS.into_iter().enumerate() {
        let n = rng.size(2, 6);
        let margin = [0.0, 0.5, 1.0][i];
        let y = signs(rng, &[n]);
        // input1 − input2 away from the kink at y·margin: the two apart by ±[0.2, 1) + y·margin.
        let x2 = rng.leaf(&[n]);
        let gap = rng.leaf_away(&[n]).add(&y.mul_scalar(margin)).unwrap();
        let x1 = x2.add(&gap).unwrap().detach().requires_grad_(true);
        let l = format!("[{n}] margin {margin} {reduction:?}");
        let y2 = y.clone();
        m.case("loss::margin_ranking_loss", &l, vec![x1, x2], move |x| {
            margin_ranking_loss(&x[0], &x[1], &y2, margin, reduction)
        });
        // hinge: margin − x away from 0 for y = −1; values in ±[0.2, 1) + margin.
        let hinge_margin = [1.0, 0.5, 2.0][i];
        let x = rng
            .leaf_away(&[n])
            .add_scalar(hinge_margin)
            .detach()
            .requires_grad_(true);
        let l = format!("[{n}] margin {hinge_margin} {reduction:?}");
        let y3 = y.clone();
        m.case("loss::hinge_embedding_loss", &l, vec![x], move |x| {
            hinge_embedding_loss(&x[0], &y3, hinge_margin, reduction)
        });
        let s = [rng.size(1, 3), rng.size(1, 4)];
        let y4 = signs(rng, &s);
        m.case(
            "loss::soft_margin_loss",
            format!("{s:?} {reduction:?}"),
            vec![rng.leaf(&s)],
            move |x| soft_margin_loss(&x[0], &y4, reduction),
        );
        let y5 = rng
            .constant(&s, 0.0, 1.0)
            .add_scalar(0.5)
            .clamp(Some(0.0), Some(1.0));
        let weight = rng.constant(&[s[1]], 0.5, 2.0);
        let weighted = i != 0;
        let l = format!("{s:?} weight {weighted} {reduction:?}");
        m.case(
            "loss::multilabel_soft_margin_loss",
            l,
            vec![rng.leaf(&s)],
            move |x| {
                multilabel_soft_margin_loss(&x[0], &y5, weighted.then_some(&weight), reduction)
            },
        );
    }
}

fn embeddings(m: &mut Matrix, rng: &mut Rng) {
    for (i, reduction) in REDUCTIONS.into_iter().enumerate() {
        let (n, d) = (rng.size(1, 3), rng.size(2, 4));
        let margin = [0.0, 0.3, -0.2][i];
        let y = signs(rng, &[n]);
        let l = format!("[{n}, {d}] margin {margin} {reduction:?}");
        m.case(
            "loss::cosine_embedding_loss",
            l,
            vec![rng.leaf(&[n, d]), rng.leaf(&[n, d])],
            move |x| cosine_embedding_loss(&x[0], &x[1], &y, margin, reduction),
        );
        let (p, swap) = [(2.0, false), (1.0, true), (3.0, true)][i];
        let o = TripletMarginOptions {
            p,
            swap,
            reduction,
            margin: 2.0,
            ..Default::default()
        };
        let l = format!("[{n}, {d}] p {p} swap {swap} {reduction:?}");
        let xs = vec![
            rng.leaf_away(&[n, d]),
            rng.leaf_away(&[n, d]),
            rng.leaf_away(&[n, d]),
        ];
        m.case("loss::triplet_margin_loss", l, xs, move |x| {
            triplet_margin_loss(&x[0], &x[1], &x[2], o)
        });
    }
    for (dim, eps) in [(1isize, 1e-8), (-1, 1e-6), (0, 1e-8)] {
        let s = [rng.size(2, 3), rng.size(2, 4)];
        let l = format!("{s:?} dim {dim} eps {eps}");
        m.case(
            "loss::cosine_similarity",
            l,
            vec![rng.leaf(&s), rng.leaf(&s)],
            move |x| cosine_similarity(&x[0], &x[1], dim, eps),
        );
    }
    for (p, keepdim) in [(2.0, false), (1.0, true), (3.0, false)] {
        let s = [rng.size(1, 3), rng.size(2, 4)];
        let l = format!("{s:?} p {p} keepdim {keepdim}");
        // Differences away from 0, where |·| has its kink.
        let b = rng.leaf(&s);
        let a = b
            .add(&rng.leaf_away(&s))
            .unwrap()
            .detach()
            .requires_grad_(true);
        m.case("loss::pairwise_distance", l, vec![a, b], move |x| {
            pairwise_distance(&x[0], &x[1], p, 1e-6, keepdim)
        });
    }
}

fn divergence_and_bce(m: &mut Matrix, rng: &mut Rng) {
    let kl = [
        KlDivReduction::None,
        KlDivReduction::BatchMean,
        KlDivReduction::Sum,
        KlDivReduction::Mean,
    ];
    for (i, reduction) in kl.into_iter().enumerate() {
        let log_target = i % 2 == 1;
        let s = class_shape(rng, i);
        let target = if log_target {
            rng.leaf(&s)
        } else {
            rng.leaf_positive(&s)
        };
        let l = format!("{s:?} log_target {log_target} {reduction:?}");
        m.case("loss::kl_div", l, vec![rng.leaf(&s), target], move |x| {
            kl_div(&x[0], &x[1], reduction, log_target)
        });
    }
    for (i, reduction) in REDUCTIONS.into_iter().enumerate() {
        let s = class_shape(rng, i);
        let target = rng.constant(&s, 0.0, 1.0);
        let weight = rng.constant(&s, 0.5, 2.0);
        let weighted = i != 1;
        let input = super::leaf(rng.values(s.iter().product(), 0.1, 0.9), &s);
        let l = format!("{s:?} weight {weighted} {reduction:?}");
        let (t2, w2) = (target.clone(), weight.clone());
        m.case("loss::binary_cross_entropy", l, vec![input], move |x| {
            binary_cross_entropy(&x[0], &t2, weighted.then_some(&w2), reduction)
        });
        // pos_weight broadcasts over the last dim... of a [N, C] input.
        let s2 = [rng.size(1, 3), rng.size(2, 4)];
        let target = rng.constant(&s2, 0.0, 1.0);
        let pos_weight = rng.constant(&[s2[1]], 0.5, 3.0);
        let with_pos = i != 0;
        let l = format!("{s2:?} pos_weight {with_pos} {reduction:?}");
        m.case(
            "loss::binary_cross_entropy_with_logits",
            l,
            vec![rng.leaf(&s2)],
            move |x| {
                binary_cross_entropy_with_logits(
                    &x[0],
                    &target,
                    None,
                    with_pos.then_some(&pos_weight),
                    reduction,
                )
            },
        );
    }
}

fn ctc(m: &mut Matrix, rng: &mut Rng) {
    for (i, reduction) in REDUCTIONS.into_iter().enumerate() {
        let (t, n, c) = (rng.size(4, 6), rng.size(1, 2), rng.size(3, 4));
        let blank = if i == 1 { c - 1 } else { 0 };
        let labels: Vec<i64> = (0..c as i64).filter(|&k| k != blank as i64).collect();
        let target_len = rng.size(1, 2);
        let targets: Vec<i64> = (0..n * target_len)
            .map(|_| labels[rng.size(0, labels.len() - 1)])
            .collect();
        let targets = LongTensor::from_vec(targets, &[n, target_len]).unwrap();
        let il = LongTensor::from_vec(vec![t as i64; n], &[n]).unwrap();
        let tl = LongTensor::from_vec(vec![target_len as i64; n], &[n]).unwrap();
        let o = CtcOptions {
            blank,
            reduction,
            zero_infinity: i == 2,
        };
        let l = format!("[{t}, {n}, {c}] blank {blank} targets of {target_len} {reduction:?}");
        // The log-probabilities of random logits.
        let lp = rng
            .constant(&[t, n, c], -1.0, 1.0)
            .log_softmax(2)
            .unwrap()
            .detach()
            .requires_grad_(true);
        m.case("loss::ctc_loss", l, vec![lp], move |x| {
            ctc_loss(&x[0], &targets, &il, &tl, o)
        });
    }
}
