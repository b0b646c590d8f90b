//! AdamW (decoupled weight decay), like `torch.optim.AdamW`.

use super::adam::{AdamState, adam_update, validate_adam};
use super::{AdamOptions, Algorithm, Optimizer};
use crate::{Element, Result};

/// The AdamW algorithm (see [`AdamW`]): Adam's options, the weight decay
/// multiplying the parameter by `1 - lr * weight_decay` before the step.
/// PyTorch's AdamW default `weight_decay` is `1e-2`: use
/// [`adamw_defaults`].
#[derive(Debug)]
pub struct AdamWAlgorithm;

/// `torch.optim.AdamW`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{adamw_defaults, AdamW, AdamOptions};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = AdamW::new(vec![w.clone()], AdamOptions { lr: 0.1, ..adamw_defaults() })?;
/// *w.grad_lock() = Some(vec![0.0]);
/// opt.step()?;
/// assert!((w.to_vec()[0] - 0.999).abs() < 1e-6); // only the decay acts
/// # Ok::<(), nncore::Error>(())
/// ```
pub type AdamW = Optimizer<AdamWAlgorithm>;

/// AdamW's PyTorch defaults: Adam's with `weight_decay = 1e-2`.
pub fn adamw_defaults() -> AdamOptions {
    AdamOptions {
        weight_decay: 1e-2,
        ..AdamOptions::default()
    }
}

impl Algorithm for AdamWAlgorithm {
    type Options = AdamOptions;
    type State<E: Element> = AdamState<E>;
    const NAME: &'static str = "AdamW";

    fn validate(o: &AdamOptions) -> Result<()> {
        validate_adam(Self::NAME, o)
    }

    #[nnmacro::__compiled_once]
    fn update<E: Element>(o: &AdamOptions, s: &mut AdamState<E>, param: &mut [E], grad: &[E]) {
        adam_update(o, true, s, param, grad);
    }
}
