//! Grad mode (`torch.no_grad`), per thread as in PyTorch. Anomaly mode
//! is in `anomaly.rs`.

use std::cell::Cell;

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
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
/// let w = DynTensor::<f32>::ones(&[2]).unwrap().requires_grad_(true);
/// let y = no_grad(|| w.mul_scalar(2.0));
/// assert!(!y.requires_grad());
/// ```
pub fn no_grad<T>(f: impl FnOnce() -> T) -> T {
    let _guard = NoGradGuard::new();
    f()
}
