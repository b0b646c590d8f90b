//! Grad mode (`torch.no_grad`) and anomaly mode
//! (`torch.autograd.detect_anomaly`), per thread as in PyTorch.

use crate::{DynTensor, Element};
use std::cell::Cell;

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
    static ANOMALY: Cell<bool> = const { Cell::new(false) };
}

/// Whether ops on this thread record the graph.
pub fn is_grad_enabled() -> bool {
    GRAD_ENABLED.with(|g| g.get())
}

/// Restores the previous grad mode when dropped; made by [`NoGradGuard::new`].
pub struct NoGradGuard {
    previous: bool,
}

impl NoGradGuard {
    /// Turns graph recording off on this thread until the guard is dropped,
    /// like `with torch.no_grad():`.
    ///
    /// ```
    /// use nncore::autograd::{is_grad_enabled, NoGradGuard};
    /// {
    ///     let _guard = NoGradGuard::new();
    ///     assert!(!is_grad_enabled());
    /// }
    /// assert!(is_grad_enabled());
    /// ```
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let previous = GRAD_ENABLED.with(|g| g.replace(false));
        NoGradGuard { previous }
    }
}

impl Drop for NoGradGuard {
    fn drop(&mut self) {
        GRAD_ENABLED.with(|g| g.set(self.previous));
    }
}

/// Runs `f` with graph recording off, for inference and evaluation.
///
/// ```
/// use nncore::{autograd::no_grad, DynTensor};
/// let w = DynTensor::<f32>::ones(&[2]).requires_grad_(true);
/// let y = no_grad(|| w.mul_scalar(2.0));
/// assert!(!y.requires_grad());
/// ```
pub fn no_grad<T>(f: impl FnOnce() -> T) -> T {
    let _guard = NoGradGuard::new();
    f()
}

/// Whether anomaly mode is on for this thread.
pub fn is_anomaly_enabled() -> bool {
    ANOMALY.with(|a| a.get())
}

/// Runs `f` in anomaly mode: the first op whose forward output or backward
/// gradient holds NaN or infinity is reported by name (forward: panics
/// with the op name, since forward ops are infallible at the typed level;
/// backward: `backward()` returns [`Error::NonFinite`](crate::Error::NonFinite)).
pub fn detect_anomaly<T>(f: impl FnOnce() -> T) -> T {
    let previous = ANOMALY.with(|a| a.replace(true));
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ANOMALY.with(|a| a.set(self.0));
        }
    }
    let _restore = Restore(previous);
    f()
}

pub(crate) fn check_anomaly_forward<E: Element>(out: &DynTensor<E>) {
    if !is_anomaly_enabled() {
        return;
    }
    if let Some(name) = out.grad_fn_name()
        && out.data().iter().any(|x| !x.is_finite())
    {
        panic!("anomaly: the forward of {name} produced a NaN or infinite value");
    }
}
