//! A tour of torch.nn's loss families: one small synthetic task per family,
//! a tiny linear model trained full-batch with Adam (lr 0.05) from the
//! same seed, printing each loss falling (first → last step).
//!
//! | family | task | losses |
//! | --- | --- | --- |
//! | regression | `y = x·w + 0.5` with a few outliers, 64 × 4 | L1Loss, MSELoss, SmoothL1Loss (beta 1), HuberLoss (delta 2) |
//! | binary | is `x0 + x1 > 0`? | BCEWithLogitsLoss |
//! | ranking | order 32 pairs of items by a hidden score | MarginRankingLoss |
//! | metric learning | embed 4 clusters in 8-D into 4-D | TripletMarginLoss, CosineEmbeddingLoss |
//! | multi-label | which of 4 features are positive? | MultiLabelSoftMarginLoss, MultiLabelMarginLoss |
//! | distribution matching | fit a softmax teacher's distribution | KLDivLoss (batchmean) |
//!
//! ```text
//! cargo run --release --example losses_tour
//! cargo run --release --example losses_tour -- --steps 500
//! ```
//!
//! Ends with `losses_tour: 11 losses fell (...)`; exits with an error if
//! any did not.

use clap::Parser;
use kiln::loss::KlDivReduction;
use kiln::prelude::*;

#[derive(Parser, Debug)]
struct Args {
    /// Full-batch Adam steps per loss.
    #[arg(long, default_value_t = 200)]
    steps: usize,
    /// Adam learning rate.
    #[arg(long, default_value_t = 0.05)]
    lr: f64,
    /// Seed of the data and of the initial weights.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// `n` standard normal draws from Kiln's seeded generator.
fn normal(n: usize) -> kiln::Result<Vec<f32>> {
    Ok(DynTensor::<f32>::randn(&[n])?.to_vec())
}

/// A loss between a prediction and a target.
type PairLoss = dyn Fn(&DynTensor, &DynTensor) -> kiln::Result<DynTensor>;

/// A constant tensor (no gradient).
fn t(data: Vec<f32>, shape: &[usize]) -> kiln::Result<DynTensor> {
    DynTensor::from_vec(data, shape)
}

/// Trains `params` with Adam on `loss` for `args.steps` steps; returns the
/// first and last loss.
fn fit(
    params: Vec<Parameter>,
    args: &Args,
    loss: impl Fn() -> kiln::Result<DynTensor>,
) -> kiln::Result<(f64, f64)> {
    let mut opt = Adam::new(
        params,
        AdamOptions {
            lr: args.lr,
            ..Default::default()
        },
    )?;
    let (mut first, mut last) = (f64::NAN, f64::NAN);
    for step in 0..args.steps {
        opt.zero_grad();
        let l = loss()?;
        l.backward()?;
        opt.step()?;
        last = l.item() as f64;
        if step == 0 {
            first = last;
        }
    }
    Ok((first, last))
}

fn main() -> kiln::Result<()> {
    let args = Args::parse();
    let mut results: Vec<(&str, (f64, f64))> = Vec::new();
    let mut show = |family: &str, name: &'static str, r: (f64, f64)| {
        println!("{family:<22} {name:<25} {:>9.4} -> {:<9.4}", r.0, r.1);
        results.push((name, r));
    };
    println!("{:<22} {:<25} {:>9}    last", "family", "loss", "first");

    // Regression: y = x·w + 0.5, with every 16th target an outlier (+8),
    // where L1/SmoothL1/Huber are meant to be robust and MSE is not.
    manual_seed(args.seed);
    let n = 64;
    let x = normal(n * 4)?;
    let w = [1.5f32, -2.0, 0.5, 1.0];
    let y: Vec<f32> = (0..n)
        .map(|i| {
            let clean: f32 = (0..4).map(|j| x[i * 4 + j] * w[j]).sum::<f32>() + 0.5;
            if i % 16 == 0 { clean + 8.0 } else { clean }
        })
        .collect();
    let (x, y) = (t(x, &[n, 4])?, t(y, &[n, 1])?);
    type Regressor = Linear<U4, U1>;
    let regression: [(&'static str, &PairLoss); 4] = [
        ("L1Loss", &|a, b| L1Loss::new().forward_dyn(a, b)),
        ("MSELoss", &|a, b| MSELoss::new().forward_dyn(a, b)),
        ("SmoothL1Loss", &|a, b| {
            SmoothL1Loss::new().forward_dyn(a, b)
        }),
        ("HuberLoss", &|a, b| {
            HuberLoss::new().delta(2.0).forward_dyn(a, b)
        }),
    ];
    for (name, loss) in regression {
        manual_seed(args.seed);
        let model = Regressor::new();
        let r = fit(model.parameters(), &args, || {
            loss(&model.forward_dyn(&x)?, &y)
        })?;
        show("regression", name, r);
    }

    // Binary classification: is x0 + x1 > 0?
    manual_seed(args.seed);
    let xb = normal(n * 2)?;
    let yb: Vec<f32> = xb
        .chunks(2)
        .map(|p| f32::from(u8::from(p[0] + p[1] > 0.0)))
        .collect();
    let (xb, yb) = (t(xb, &[n, 2])?, t(yb, &[n, 1])?);
    let model = Linear::<U2, U1>::new();
    let r = fit(model.parameters(), &args, || {
        BCEWithLogitsLoss::new().forward_dyn(&model.forward_dyn(&xb)?, &yb)
    })?;
    show("binary", "BCEWithLogitsLoss", r);

    // Ranking: 32 pairs of items; target +1 when the first item's hidden
    // score is higher, -1 otherwise.
    manual_seed(args.seed);
    let items = normal(n * 4)?;
    let score = |i: usize| (0..4).map(|j| items[i * 4 + j] * w[j]).sum::<f32>();
    let half = n / 2;
    let target: Vec<f32> = (0..half)
        .map(|i| {
            if score(i) > score(i + half) {
                1.0
            } else {
                -1.0
            }
        })
        .collect();
    let first = t(items[..half * 4].to_vec(), &[half, 4])?;
    let second = t(items[half * 4..].to_vec(), &[half, 4])?;
    let target = t(target, &[half, 1])?;
    let model = Linear::<U4, U1>::new();
    let r = fit(model.parameters(), &args, || {
        let (s1, s2) = (model.forward_dyn(&first)?, model.forward_dyn(&second)?);
        MarginRankingLoss::new()
            .margin(0.1)
            .forward_dyn(&s1, (&s2, &target))
    })?;
    show("ranking", "MarginRankingLoss", r);

    // Metric learning: 4 clusters in 8-D; point i is in cluster i % 4.
    manual_seed(args.seed);
    let centers: Vec<f32> = normal(4 * 8)?.iter().map(|v| 0.7 * v).collect();
    let noise = normal(n * 8)?;
    let points: Vec<f32> = (0..n * 8)
        .map(|k| centers[((k / 8) % 4) * 8 + k % 8] + noise[k])
        .collect();
    let rows = |idx: &[usize]| -> kiln::Result<DynTensor> {
        let data = idx
            .iter()
            .flat_map(|&i| points[i * 8..i * 8 + 8].to_vec())
            .collect();
        t(data, &[idx.len(), 8])
    };
    // Anchor i, a positive from its cluster (i + 4) and a negative from
    // the next cluster (i + 1).
    let anchors: Vec<usize> = (0..n - 4).collect();
    let anchor = rows(&anchors)?;
    let positive = rows(&anchors.iter().map(|i| i + 4).collect::<Vec<_>>())?;
    let negative = rows(&anchors.iter().map(|i| i + 1).collect::<Vec<_>>())?;
    manual_seed(args.seed);
    let embed = Linear::<U8, U4>::new();
    let r = fit(embed.parameters(), &args, || {
        let f = |x: &DynTensor| embed.forward_dyn(x);
        TripletMarginLoss::new().forward_dyn(&f(&anchor)?, (&f(&positive)?, &f(&negative)?))
    })?;
    show("metric learning", "TripletMarginLoss", r);
    // Pairs (i, i + 4) are similar (+1), pairs (i, i + 1) dissimilar (-1).
    let pair_b = rows(
        &anchors
            .iter()
            .map(|i| if i % 2 == 0 { i + 4 } else { i + 1 })
            .collect::<Vec<_>>(),
    )?;
    let similar: Vec<f32> = anchors
        .iter()
        .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let similar = t(similar, &[anchors.len()])?;
    manual_seed(args.seed);
    let embed = Linear::<U8, U4>::new();
    let r = fit(embed.parameters(), &args, || {
        let (a, b) = (embed.forward_dyn(&anchor)?, embed.forward_dyn(&pair_b)?);
        CosineEmbeddingLoss::new()
            .margin(0.2)
            .forward_dyn(&a, (&b, &similar))
    })?;
    show("metric learning", "CosineEmbeddingLoss", r);

    // Multi-label: label k (of 4) is present when feature k is positive.
    manual_seed(args.seed);
    let xm = normal(n * 6)?;
    let present: Vec<Vec<usize>> = (0..n)
        .map(|i| (0..4).filter(|&k| xm[i * 6 + k] > 0.0).collect())
        .collect();
    let soft: Vec<f32> = (0..n * 4)
        .map(|k| f32::from(u8::from(present[k / 4].contains(&(k % 4)))))
        .collect();
    // MultiLabelMarginLoss' target: the present classes, then -1.
    let indices: Vec<i64> = present
        .iter()
        .flat_map(|p| (0..4).map(move |j| p.get(j).map_or(-1, |&c| c as i64)))
        .collect();
    let xm = t(xm, &[n, 6])?;
    let soft = t(soft, &[n, 4])?;
    let indices = LongTensor::from_vec(indices, &[n, 4])?;
    manual_seed(args.seed);
    let model = Linear::<U6, U4>::new();
    let r = fit(model.parameters(), &args, || {
        MultiLabelSoftMarginLoss::new().forward_dyn(&model.forward_dyn(&xm)?, &soft)
    })?;
    show("multi-label", "MultiLabelSoftMarginLoss", r);
    manual_seed(args.seed);
    let model = Linear::<U6, U4>::new();
    let r = fit(model.parameters(), &args, || {
        MultiLabelMarginLoss::new().forward_dyn(&model.forward_dyn(&xm)?, &indices)
    })?;
    show("multi-label", "MultiLabelMarginLoss", r);

    // Distribution matching: a student's log-probabilities against a
    // fixed random teacher's probabilities.
    manual_seed(args.seed);
    let xk = t(normal(n * 6)?, &[n, 6])?;
    let teacher = Linear::<U6, U5>::new();
    let p = no_grad(|| teacher.forward_dyn(&xk))?.softmax(1)?.detach();
    let student = Linear::<U6, U5>::new();
    let r = fit(student.parameters(), &args, || {
        let log_q = student.forward_dyn(&xk)?.log_softmax(1)?;
        KLDivLoss::new()
            .reduction(KlDivReduction::BatchMean)
            .forward_dyn(&log_q, &p)
    })?;
    show("distribution matching", "KLDivLoss", r);

    if let Some((name, _)) = results
        .iter()
        .find(|(_, (a, b))| b.partial_cmp(a) != Some(std::cmp::Ordering::Less))
    {
        return Err(Error::option(
            "losses_tour",
            "steps",
            format!("{name} did not fall; try more --steps"),
        ));
    }
    let summary: Vec<String> = results
        .iter()
        .map(|(name, (a, b))| format!("{name} {a:.3}->{b:.3}"))
        .collect();
    println!(
        "losses_tour: {} losses fell ({})",
        results.len(),
        summary.join(", ")
    );
    Ok(())
}
