//! SparseAdam (Adam on the rows a sparse gradient touches), like
//! `torch.optim.SparseAdam`.

use super::adam::AdamState;
use super::adam_family::{bias_correction, start_moments};
use super::check;
use super::{Algorithm, GroupOptions, Optimizer, SparseGrad};
use crate::{Element, Result};
use serde::{Deserialize, Serialize};

/// `torch.optim.SparseAdam`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::SparseAdamOptions;
/// assert_eq!(SparseAdamOptions::default().eps, 1e-8);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SparseAdamOptions {
    /// Learning rate.
    pub lr: f64,
    /// Decay rates of the first and second moment averages.
    pub betas: (f64, f64),
    /// Added to the denominator.
    pub eps: f64,
    /// Maximize the objective instead of minimizing.
    pub maximize: bool,
}

impl Default for SparseAdamOptions {
    fn default() -> Self {
        SparseAdamOptions {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            maximize: false,
        }
    }
}

impl GroupOptions for SparseAdamOptions {
    fn lr(&self) -> f64 {
        self.lr
    }
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn momentum(&self) -> Option<f64> {
        Some(self.betas.0)
    }
    fn set_momentum(&mut self, momentum: f64) {
        self.betas.0 = momentum;
    }
}

/// The SparseAdam algorithm (see [`SparseAdam`]).
#[derive(Debug)]
pub struct SparseAdamAlgorithm;

/// `torch.optim.SparseAdam`: only the rows present in a parameter's
/// row-sparse gradient ([`crate::nn::Parameter::accumulate_sparse_grad`])
/// and their moments change. A dense gradient is an error, as in PyTorch.
/// The state is [`AdamState`] (`step`, `exp_avg`, `exp_avg_sq`).
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{SparseAdam, SparseAdamOptions};
/// let emb = Parameter::new(vec![1.0; 6], &[3, 2]);
/// let mut opt = SparseAdam::new(vec![emb.clone()], SparseAdamOptions { lr: 0.1, ..Default::default() })?;
/// emb.accumulate_sparse_grad(&[1], &[1.0, -1.0])?;
/// opt.step()?;
/// let w = emb.to_vec();
/// assert_eq!((w[0], w[5]), (1.0, 1.0)); // untouched rows
/// assert!((w[2] - 0.9).abs() < 1e-6 && (w[3] - 1.1).abs() < 1e-6);
/// # Ok::<(), nncore::Error>(())
/// ```
pub type SparseAdam = Optimizer<SparseAdamAlgorithm>;

impl Algorithm for SparseAdamAlgorithm {
    type Options = SparseAdamOptions;
    type State<E: Element> = AdamState<E>;
    const NAME: &'static str = "SparseAdam";
    const SPARSE: bool = true;

    fn validate(o: &SparseAdamOptions) -> Result<()> {
        check::lr(Self::NAME, o.lr)?;
        check::eps(Self::NAME, o.eps)?;
        check::betas(Self::NAME, o.betas)
    }

    fn update<E: Element>(_: &SparseAdamOptions, _: &mut AdamState<E>, _: &mut [E], _: &[E]) {}

    fn update_sparse<E: Element>(
        o: &SparseAdamOptions,
        s: &mut AdamState<E>,
        param: &mut [E],
        grad: &SparseGrad<E>,
    ) {
        start_moments([&mut s.exp_avg, &mut s.exp_avg_sq], param.len());
        s.step += 1.0;
        let grad = grad.coalesce();
        let (beta1, beta2) = o.betas;
        let bc1 = bias_correction(beta1, s.step);
        let bc2 = bias_correction(beta2, s.step);
        let step_size = E::of(o.lr * bc2.sqrt() / bc1);
        let (b1, b2, eps) = (E::of(beta1), E::of(beta2), E::of(o.eps));
        let one = E::one();
        let len = grad.row_len;
        for (k, &row) in grad.rows.iter().enumerate() {
            for j in 0..len {
                let i = row * len + j;
                let g = grad.values[k * len + j];
                let g = if o.maximize { -g } else { g };
                let m_update = (g - s.exp_avg[i]) * (one - b1);
                let v_update = (g * g - s.exp_avg_sq[i]) * (one - b2);
                let numer = m_update + s.exp_avg[i];
                let denom = (v_update + s.exp_avg_sq[i]).sqrt() + eps;
                s.exp_avg[i] += m_update;
                s.exp_avg_sq[i] += v_update;
                param[i] += -step_size * (numer / denom);
            }
        }
    }
}
