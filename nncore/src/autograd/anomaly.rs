//! Anomaly mode, like `torch.autograd.detect_anomaly`: names the op that
//! first produced a NaN or infinity, in the forward or the backward pass.
//!
//! Design: a forward op cannot return an error (the typed layer's ops are
//! infallible), and a panic is the wrong tool for a library embedded in an
//! application (it would take a server thread down for a numerical fault in
//! one request). So the forward check *records* the first anomaly in a
//! per-thread slot, read with [`first_anomaly`] after the computation; the
//! backward check, where `backward()` already returns a `Result`, fails
//! with [`Error::NonFinite`](crate::Error::NonFinite) naming the op (and
//! records it too, if nothing was recorded before).
//!
//! Differences from PyTorch: PyTorch checks only backward outputs, and only
//! for NaN; Kiln checks backward gradients for NaN and infinity, and also
//! forward outputs. Forward outputs are checked for ops recorded in the graph
//! (grad mode on, an input requiring a gradient), since that is where the op
//! has a name; under `no_grad` nothing is checked.

use crate::{DynTensor, Element};
use std::cell::{Cell, RefCell};

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(false) };
    static FIRST: RefCell<Option<Anomaly>> = const { RefCell::new(None) };
}

/// Which pass produced an [`Anomaly`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// An op's forward output held a NaN or infinity.
    Forward,
    /// An op's backward rule returned a NaN or infinite gradient.
    Backward,
}

/// The first NaN or infinity anomaly mode saw on this thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    /// The op, by its graph name (`"LogBackward"`, `"MulBackward"`).
    pub op: &'static str,
    /// The pass in which it appeared.
    pub pass: Pass,
    /// What was found where, e.g. `produced -inf at element 0 of [2]`.
    pub detail: String,
}

impl std::fmt::Display for Anomaly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pass = match self.pass {
            Pass::Forward => "forward",
            Pass::Backward => "backward",
        };
        write!(f, "the {pass} of {} {}", self.op, self.detail)
    }
}

/// Whether anomaly mode is on for this thread.
pub fn is_anomaly_enabled() -> bool {
    ENABLED.with(|a| a.get())
}

/// Runs `f` in anomaly mode (on this thread). The first op whose forward
/// output or backward gradient holds a NaN or infinity is recorded, and is
/// read afterwards with [`first_anomaly`]; inside, a non-finite backward
/// gradient makes `backward()` return
/// [`Error::NonFinite`](crate::Error::NonFinite) naming the op. The record
/// is cleared when an outermost `detect_anomaly` starts.
///
/// ```
/// use nncore::{DynTensor, autograd::{detect_anomaly, first_anomaly, Pass}};
///
/// let x = DynTensor::<f64>::from_vec(vec![0.0, 1.0], &[2])?.requires_grad_(true);
/// let err = detect_anomaly(|| x.log().mul_scalar(0.0).sum().backward()).unwrap_err();
/// // log(0) = -inf in forward; its backward 0 / 0 = NaN:
/// assert!(err.to_string().contains("LogBackward"), "{err}");
/// let first = first_anomaly().unwrap();
/// assert_eq!((first.op, first.pass), ("LogBackward", Pass::Forward));
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn detect_anomaly<T>(f: impl FnOnce() -> T) -> T {
    let previous = ENABLED.with(|a| a.replace(true));
    if !previous {
        FIRST.with(|r| r.borrow_mut().take());
    }
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ENABLED.with(|a| a.set(self.0));
        }
    }
    let _restore = Restore(previous);
    f()
}

/// The first anomaly recorded on this thread by the last
/// [`detect_anomaly`] call, if any.
pub fn first_anomaly() -> Option<Anomaly> {
    FIRST.with(|r| r.borrow().clone())
}

/// Records `anomaly` unless one is already recorded.
pub(crate) fn record(anomaly: Anomaly) {
    FIRST.with(|r| {
        r.borrow_mut().get_or_insert(anomaly);
    });
}

/// `produced NaN at element 3 of [2, 4]`, for the first non-finite value.
pub(crate) fn describe_non_finite<E: Element>(
    verb: &str,
    values: &[E],
    shape: &[usize],
) -> Option<String> {
    let (i, x) = values.iter().enumerate().find(|(_, x)| !x.is_finite())?;
    let what = if x.is_nan() {
        "NaN"
    } else if *x > E::zero() {
        "inf"
    } else {
        "-inf"
    };
    Some(format!("{verb} {what} at element {i} of {shape:?}"))
}

/// The forward check, run on every op output.
pub(crate) fn check_forward<E: Element>(out: &DynTensor<E>) {
    if !is_anomaly_enabled() {
        return;
    }
    let Some(op) = out.grad_fn_name() else {
        return;
    };
    if let Some(detail) = describe_non_finite("produced", &out.data(), out.shape()) {
        record(Anomaly {
            op,
            pass: Pass::Forward,
            detail,
        });
    }
}

#[cfg(test)]
#[path = "anomaly_tests.rs"]
mod tests;
