//! Every loss at extreme inputs gives PyTorch's value and gradient, with no
//! NaN where PyTorch has none. The expected numbers are PyTorch's, written
//! by `scripts/make_loss_extremes.py` to `tests/data/loss_extremes.json`
//! (float64, `output.sum().backward()` for the gradients). Each case names
//! a `torch.nn.functional` loss, its tensors and options; `run` makes the
//! same call in Kiln.
//!
//! Agreement: the same non-finite values (inf, -inf, NaN) in the same
//! places, and finite values within `1e-10` relative (plus `1e-12`
//! absolute, for values that are rounding noise around 0).
//!
//! Where `F.soft_margin_loss` and `F.ctc_loss` themselves overflow (to inf
//! and a NaN gradient) although the loss is finite, the fixture's expected
//! numbers come from a mathematically equal PyTorch computation that does
//! not (the case's `functional.why` says which), and Kiln must match those.

use kiln::loss::{
    ClassTargetOptions, CrossEntropyOptions, CtcOptions, GaussianNllOptions, KlDivReduction,
    MultiMarginOptions, PoissonNllOptions, Reduction, Target, TripletMarginOptions,
    binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss, cross_entropy,
    ctc_loss, gaussian_nll_loss, hinge_embedding_loss, huber_loss, kl_div, l1_loss,
    margin_ranking_loss, mse_loss, multi_margin_loss, multilabel_margin_loss,
    multilabel_soft_margin_loss, nll_loss, poisson_nll_loss, smooth_l1_loss, soft_margin_loss,
    triplet_margin_loss,
};
use kiln::{DynTensor, LongTensor, Result};
use serde_json::Value;
use std::collections::BTreeMap;

const RTOL: f64 = 1e-10;
const ATOL: f64 = 1e-12;

/// A float of the fixture: a string (Python's `repr`, which `parse` reads
/// back exactly; "inf", "-inf", "nan") or, for options, a JSON number.
fn number(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap_or_else(|e| panic!("{s}: {e}")),
        other => other
            .as_f64()
            .unwrap_or_else(|| panic!("not a number: {other}")),
    }
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(number).collect()
}

fn shape(v: &Value) -> Vec<usize> {
    v["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect()
}

/// One fixture case: its tensors (leaves, with `requires_grad` where the
/// fixture records a gradient), its long tensors and its options.
struct Case<'a> {
    json: &'a Value,
    tensors: BTreeMap<String, DynTensor<f64>>,
    longs: BTreeMap<String, LongTensor>,
}

impl<'a> Case<'a> {
    fn new(json: &'a Value) -> Self {
        let tensors = json["tensors"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                let t = DynTensor::from_vec(numbers(&v["data"]), &shape(v)).unwrap();
                (k.clone(), t.requires_grad_(v["grad"].as_bool().unwrap()))
            })
            .collect();
        let longs = json["longs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                let data = v["data"].as_array().unwrap();
                let data = data.iter().map(|x| x.as_i64().unwrap()).collect();
                (k.clone(), LongTensor::from_vec(data, &shape(v)).unwrap())
            })
            .collect();
        Case {
            json,
            tensors,
            longs,
        }
    }

    fn t(&self, name: &str) -> &DynTensor<f64> {
        &self.tensors[name]
    }

    fn opt_t(&self, name: &str) -> Option<&DynTensor<f64>> {
        self.tensors.get(name)
    }

    fn l(&self, name: &str) -> &LongTensor {
        &self.longs[name]
    }

    fn f(&self, name: &str, default: f64) -> f64 {
        self.json["options"].get(name).map_or(default, number)
    }

    fn b(&self, name: &str) -> bool {
        self.json["options"][name].as_bool().unwrap()
    }

    fn i(&self, name: &str, default: i64) -> i64 {
        self.json["options"]
            .get(name)
            .map_or(default, |v| v.as_i64().unwrap())
    }

    fn reduction_str(&self) -> &str {
        self.json["options"]
            .get("reduction")
            .map_or("mean", |v| v.as_str().unwrap())
    }

    fn reduction(&self) -> Reduction {
        self.reduction_str().parse().unwrap()
    }

    /// The Kiln call for the case's loss, option for option as the
    /// generator's `call`.
    fn run(&self) -> Result<DynTensor<f64>> {
        let loss = self.json["loss"].as_str().unwrap();
        if loss == "kl_div" {
            // kl_div's reduction has a fourth value, `batchmean`.
            return kl_div(
                self.t("input"),
                self.t("target"),
                self.reduction_str().parse::<KlDivReduction>()?,
                self.b("log_target"),
            );
        }
        let r = self.reduction();
        match loss {
            "nll_loss" => nll_loss(
                self.t("input"),
                self.l("target"),
                ClassTargetOptions {
                    weight: self.opt_t("weight"),
                    ignore_index: self.i("ignore_index", -100),
                    reduction: r,
                },
            ),
            "cross_entropy" => {
                let target = match self.longs.get("target") {
                    Some(t) => Target::Classes(t),
                    None => Target::Probabilities(self.t("target")),
                };
                let options = CrossEntropyOptions {
                    weight: self.opt_t("weight"),
                    ignore_index: self.i("ignore_index", -100),
                    reduction: r,
                    label_smoothing: self.f("label_smoothing", 0.0),
                };
                cross_entropy(self.t("input"), target, options)
            }
            "l1_loss" => l1_loss(self.t("input"), self.t("target"), r),
            "mse_loss" => mse_loss(self.t("input"), self.t("target"), r),
            "soft_margin_loss" => soft_margin_loss(self.t("input"), self.t("target"), r),
            "smooth_l1_loss" => {
                smooth_l1_loss(self.t("input"), self.t("target"), r, self.f("beta", 1.0))
            }
            "huber_loss" => huber_loss(self.t("input"), self.t("target"), r, self.f("delta", 1.0)),
            "poisson_nll_loss" => poisson_nll_loss(
                self.t("input"),
                self.t("target"),
                PoissonNllOptions {
                    log_input: self.b("log_input"),
                    full: self.b("full"),
                    eps: self.f("eps", 1e-8),
                    reduction: r,
                },
            ),
            "gaussian_nll_loss" => gaussian_nll_loss(
                self.t("input"),
                self.t("target"),
                self.t("var"),
                GaussianNllOptions {
                    full: self.b("full"),
                    eps: self.f("eps", 1e-6),
                    reduction: r,
                },
            ),
            "margin_ranking_loss" => margin_ranking_loss(
                self.t("input1"),
                self.t("input2"),
                self.t("target"),
                self.f("margin", 0.0),
                r,
            ),
            "hinge_embedding_loss" => {
                hinge_embedding_loss(self.t("input"), self.t("target"), self.f("margin", 1.0), r)
            }
            "cosine_embedding_loss" => cosine_embedding_loss(
                self.t("input1"),
                self.t("input2"),
                self.t("target"),
                self.f("margin", 0.0),
                r,
            ),
            "triplet_margin_loss" => triplet_margin_loss(
                self.t("anchor"),
                self.t("positive"),
                self.t("negative"),
                TripletMarginOptions {
                    margin: self.f("margin", 1.0),
                    p: self.f("p", 2.0),
                    eps: self.f("eps", 1e-6),
                    swap: self.b("swap"),
                    reduction: r,
                },
            ),
            "multi_margin_loss" => multi_margin_loss(
                self.t("input"),
                self.l("target"),
                MultiMarginOptions {
                    p: self.i("p", 1),
                    margin: self.f("margin", 1.0),
                    weight: self.opt_t("weight"),
                    reduction: r,
                },
            ),
            "multilabel_margin_loss" => {
                multilabel_margin_loss(self.t("input"), self.l("target"), r)
            }
            "multilabel_soft_margin_loss" => multilabel_soft_margin_loss(
                self.t("input"),
                self.t("target"),
                self.opt_t("weight"),
                r,
            ),
            "binary_cross_entropy" => {
                binary_cross_entropy(self.t("input"), self.t("target"), self.opt_t("weight"), r)
            }
            "binary_cross_entropy_with_logits" => binary_cross_entropy_with_logits(
                self.t("input"),
                self.t("target"),
                self.opt_t("weight"),
                self.opt_t("pos_weight"),
                r,
            ),
            // Through log_softmax, as the generator does (see there).
            "ctc_loss" => ctc_loss(
                &self.t("logits").log_softmax(2)?,
                self.l("targets"),
                self.l("input_lengths"),
                self.l("target_lengths"),
                CtcOptions {
                    blank: self.i("blank", 0) as usize,
                    reduction: r,
                    zero_infinity: self.json["options"]
                        .get("zero_infinity")
                        .is_some_and(|v| v.as_bool().unwrap()),
                },
            ),
            other => panic!("no Kiln call for {other}"),
        }
    }
}

fn agrees(got: f64, want: f64) -> bool {
    if want.is_nan() {
        return got.is_nan();
    }
    if want.is_infinite() {
        return got == want;
    }
    got.is_finite() && (got - want).abs() <= ATOL + RTOL * want.abs().max(got.abs())
}

/// Where `got` and `want` disagree, as a message per element.
fn differences(what: &str, got: &[f64], want: &[f64]) -> Vec<String> {
    if got.len() != want.len() {
        return vec![format!(
            "{what}: {} values, PyTorch has {}",
            got.len(),
            want.len()
        )];
    }
    got.iter()
        .zip(want)
        .enumerate()
        .filter(|(_, (g, w))| !agrees(**g, **w))
        .map(|(i, (g, w))| format!("{what}[{i}]: Kiln {g:e}, PyTorch {w:e}"))
        .collect()
}

/// Runs one case; returns its disagreements with PyTorch.
fn check(json: &Value) -> Vec<String> {
    let case = Case::new(json);
    let out = match case.run() {
        Ok(out) => out,
        Err(e) => return vec![format!("error: {e}")],
    };
    let want = &json["value"];
    let mut diffs = Vec::new();
    if out.shape() != shape(want).as_slice() {
        diffs.push(format!(
            "shape {:?}, PyTorch {:?}",
            out.shape(),
            shape(want)
        ));
    }
    diffs.extend(differences("value", &out.to_vec(), &numbers(&want["data"])));
    if let Err(e) = out.sum().backward() {
        diffs.push(format!("backward: {e}"));
        return diffs;
    }
    for (name, want) in json["grads"].as_object().unwrap() {
        let t = case.t(name);
        let got = t.grad().unwrap_or_else(|| vec![0.0; t.numel()]);
        diffs.extend(differences(&format!("grad {name}"), &got, &numbers(want)));
    }
    diffs
}

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/loss_extremes.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_loss_at_extreme_inputs_matches_pytorch() {
    let fixture = fixture();
    let cases = fixture["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let diffs = check(case);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", case["name"], diffs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree with PyTorch:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Top-level `pub fn`s of `nncore/src/loss` that are not losses.
const NOT_LOSSES: &[&str] = &["cosine_similarity", "pairwise_distance"];

#[test]
fn the_fixture_covers_every_loss_function() {
    // The losses are read from the source tree, so a loss added to
    // `nncore/src/loss` without an extreme-input case fails here.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/nncore/src/loss");
    let mut losses = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("pub fn ") {
                let name = rest.split(['<', '(']).next().unwrap().to_string();
                if !NOT_LOSSES.contains(&name.as_str()) {
                    losses.push(name);
                }
            }
        }
    }
    assert!(losses.len() >= 20, "found only {losses:?}");
    let fixture = fixture();
    let cases = fixture["cases"].as_array().unwrap();
    let missing: Vec<_> = losses
        .iter()
        .filter(|l| cases.iter().filter(|c| c["loss"] == l.as_str()).count() < 2)
        .collect();
    assert!(
        missing.is_empty(),
        "losses with fewer than 2 extreme-input cases in tests/data/loss_extremes.json \
         (add them to scripts/make_loss_extremes.py): {missing:?}"
    );
}

#[test]
fn a_wrong_number_is_a_disagreement() {
    // The comparison itself: NaN only matches NaN, inf only inf of its sign,
    // finite values within the tolerance.
    assert!(agrees(f64::NAN, f64::NAN));
    assert!(!agrees(0.0, f64::NAN));
    assert!(!agrees(f64::NAN, 0.0));
    assert!(!agrees(f64::INFINITY, 1e308));
    assert!(!agrees(f64::NEG_INFINITY, f64::INFINITY));
    assert!(agrees(1e4 * (1.0 + 1e-12), 1e4));
    assert!(!agrees(1e4 * (1.0 + 1e-9), 1e4));
    assert!(agrees(-0.0, 0.0));
}
