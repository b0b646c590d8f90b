//! The gradcheck matrix: every differentiable op (`nncore/src/ops`), every
//! layer (`nncore::nn`, through the functional form its forward calls) and
//! every loss (`nncore/src/loss`) and every differentiable method of the
//! typed functional API (`nncore/src/typed/fn_*.rs`) under `nncore::autograd::gradcheck` on
//! several random shapes (sizes drawn from a seeded generator) and option
//! sets, in `f64`, with PyTorch's `torch.autograd.gradcheck` tolerances:
//! central differences with `eps = 1e-6`, `atol = 1e-5`, `rtol = 1e-3`
//! ([`GradcheckOptions::default`]).
//!
//! `coverage.rs` reads the source tree and fails when an op, layer or loss
//! has fewer than two cases here, so adding one without its gradchecks
//! fails the suite.
//!
//! Inputs of ops with kinks (relu, abs, clamp, max, hinge losses) are drawn
//! away from the kink, as PyTorch's own gradcheck tests do: the finite
//! difference is not the derivative there.

mod attention;
mod coverage;
mod layers;
mod losses;
mod ops;
mod recurrent;
mod typed;

use kiln::DynTensor;
use kiln::autograd::gradcheck::{GradcheckOptions, gradcheck};

/// The generator's seed: the sizes and values of every case.
const SEED: u64 = 0x6b69_6c6e;

/// The function a case differentiates.
pub type Fun = Box<dyn Fn(&[DynTensor<f64>]) -> kiln::Result<DynTensor<f64>>>;

/// One entry of the matrix: `subject` (`ops::add`, `nn::Linear`,
/// `loss::mse_loss`) under one shape and option set (`label`).
pub struct Case {
    pub subject: String,
    pub label: String,
    pub inputs: Vec<DynTensor<f64>>,
    pub f: Fun,
    /// A check made while building the case (a layer's own forward agreeing
    /// with the functional form checked here); `Err` fails the case.
    pub precheck: Result<(), String>,
}

/// The cases of the matrix, in order.
#[derive(Default)]
pub struct Matrix {
    pub cases: Vec<Case>,
}

impl Matrix {
    /// Adds a case differentiating `f` with respect to every input that
    /// requires a gradient.
    pub fn case(
        &mut self,
        subject: &str,
        label: impl Into<String>,
        inputs: Vec<DynTensor<f64>>,
        f: impl Fn(&[DynTensor<f64>]) -> kiln::Result<DynTensor<f64>> + 'static,
    ) {
        self.cases.push(Case {
            subject: subject.to_string(),
            label: label.into(),
            inputs,
            f: Box::new(f),
            precheck: Ok(()),
        });
    }
}

/// SplitMix64: a small seeded generator, so the matrix is the same on
/// every run and needs no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A size in `lo..=hi`.
    pub fn size(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    /// `n` values uniform in `[lo, hi)`.
    pub fn values(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n).map(|_| lo + (hi - lo) * self.unit()).collect()
    }

    /// `n` values in `±[0.2, 1)`: away from the kinks at 0.
    pub fn away(&mut self, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let v = 0.2 + 0.8 * self.unit();
                if self.unit() < 0.5 { -v } else { v }
            })
            .collect()
    }

    /// A leaf requiring a gradient, values uniform in `[-1, 1)`.
    pub fn leaf(&mut self, shape: &[usize]) -> DynTensor<f64> {
        let n = shape.iter().product();
        leaf(self.values(n, -1.0, 1.0), shape)
    }

    /// A leaf requiring a gradient, values in `±[0.2, 1)`.
    pub fn leaf_away(&mut self, shape: &[usize]) -> DynTensor<f64> {
        let n = shape.iter().product();
        leaf(self.away(n), shape)
    }

    /// A leaf requiring a gradient, values uniform in `[0.5, 2)`.
    pub fn leaf_positive(&mut self, shape: &[usize]) -> DynTensor<f64> {
        let n = shape.iter().product();
        leaf(self.values(n, 0.5, 2.0), shape)
    }

    /// A constant (no gradient), values uniform in `[lo, hi)`.
    pub fn constant(&mut self, shape: &[usize], lo: f64, hi: f64) -> DynTensor<f64> {
        let n = shape.iter().product();
        DynTensor::from_vec(self.values(n, lo, hi), shape).unwrap()
    }

    /// An image batch shape `[N, C, H, W]`: N and C in 1..=2, H and W in
    /// `lo..=hi`.
    pub fn image(&mut self, lo: usize, hi: usize) -> [usize; 4] {
        [
            self.size(1, 2),
            self.size(1, 2),
            self.size(lo, hi),
            self.size(lo, hi),
        ]
    }

    /// `0..n` in a random order (Fisher–Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            v.swap(i, self.size(0, i));
        }
        v
    }

    /// `n` distinct values in `[0, 1)` in a random order, so no max-pool
    /// window has a tie.
    pub fn ramp(&mut self, n: usize) -> Vec<f64> {
        self.permutation(n)
            .into_iter()
            .map(|i| i as f64 / n as f64)
            .collect()
    }

    /// `n` class indices below `classes`.
    pub fn classes(&mut self, n: usize, classes: usize) -> Vec<i64> {
        (0..n).map(|_| self.size(0, classes - 1) as i64).collect()
    }
}

pub fn leaf(data: Vec<f64>, shape: &[usize]) -> DynTensor<f64> {
    DynTensor::from_vec(data, shape)
        .unwrap()
        .requires_grad_(true)
}

/// The whole matrix, built from the seed.
pub fn matrix() -> Matrix {
    let mut rng = Rng(SEED);
    let mut m = Matrix::default();
    ops::add(&mut m, &mut rng);
    layers::add(&mut m, &mut rng);
    attention::add(&mut m, &mut rng);
    recurrent::add(&mut m, &mut rng);
    losses::add(&mut m, &mut rng);
    typed::add(&mut m);
    m
}

/// Serialises the tests of this binary that draw from kiln's process-wide
/// generator: the dropout cases seed it and draw a mask in the layer and in
/// the functional form (and again in every gradcheck evaluation), so a test
/// building layers on another thread in between would change the mask.
pub fn global_rng_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn every_case_of_the_matrix_passes_gradcheck() {
    let _rng = global_rng_lock();
    let m = matrix();
    let mut failures = Vec::new();
    for case in &m.cases {
        let result = case
            .precheck
            .clone()
            .and_then(|()| gradcheck(&case.f, &case.inputs, GradcheckOptions::default()));
        if let Err(e) = result {
            failures.push(format!("{} [{}]: {e}", case.subject, case.label));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} gradcheck cases fail:\n{}",
        failures.len(),
        m.cases.len(),
        failures.join("\n")
    );
}

#[test]
fn gradcheck_catches_a_wrong_gradient() {
    // The harness itself: a function whose recorded gradient is wrong (the
    // forward of x·x with the graph of 3x) must fail.
    let x = leaf(vec![0.3, -0.7], &[2]);
    let wrong = |xs: &[DynTensor<f64>]| {
        let exact = xs[0].mul(&xs[0])?;
        let tripled = xs[0].mul_scalar(3.0);
        // value x·x, gradient 3: (x·x − 3x) without a graph, plus 3x.
        let offset = DynTensor::from_vec(exact.sub(&tripled)?.to_vec(), exact.shape())?;
        tripled.add(&offset)
    };
    assert!(gradcheck(wrong, &[x], GradcheckOptions::default()).is_err());
}
