//! `nn.BatchNorm1d` and `nn.BatchNorm2d`: per-channel normalisation with
//! running statistics kept as buffers.
//!
//! `num_batches_tracked` is an int64 scalar in PyTorch. Kiln's buffers are
//! float32, so it is kept as a float32 scalar buffer, exact up to 2^24
//! (16.7 million) batches; it is saved under PyTorch's name as float32,
//! which `load_state_dict` in PyTorch copies into its int64 buffer, and
//! Kiln's loader accepts PyTorch's int64 scalar and converts it.

use super::{Buffer, DynForward, Forward, Module, Parameter, fmt_module};
use crate::ops::{BatchNormOptions, batch_norm, batch_norm_momentum};
use crate::py_float;
use crate::shape::{BatchNorm1dRule, BatchNorm2dRule, StaticDim};
use crate::{DynTensor, Error, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// What both BatchNorm layers hold and do.
struct Core {
    weight: Option<Parameter>,
    bias: Option<Parameter>,
    running_mean: Option<Buffer>,
    running_var: Option<Buffer>,
    num_batches_tracked: Option<Buffer>,
    eps: f64,
    momentum: Option<f64>,
    training: bool,
}

impl Core {
    fn new(c: usize) -> Self {
        Core {
            weight: Some(Parameter::new(vec![1.0; c], &[c])),
            bias: Some(Parameter::new(vec![0.0; c], &[c])),
            running_mean: Some(Buffer::new(vec![0.0; c], &[c])),
            running_var: Some(Buffer::new(vec![1.0; c], &[c])),
            num_batches_tracked: Some(Buffer::new(vec![0.0], &[])),
            eps: 1e-5,
            momentum: Some(0.1),
            training: true,
        }
    }

    fn extra_repr(&self, c: usize) -> String {
        let affine = if self.weight.is_some() {
            "True"
        } else {
            "False"
        };
        let momentum = self.momentum.map_or("None".to_string(), py_float);
        let track = if self.running_mean.is_some() {
            "True"
        } else {
            "False"
        };
        format!(
            "{c}, eps={}, momentum={momentum}, affine={affine}, bias={affine}, track_running_stats={track}",
            py_float(self.eps)
        )
    }

    fn parameters(&self) -> Vec<(&str, &Parameter)> {
        let mut p = Vec::new();
        if let Some(w) = &self.weight {
            p.push(("weight", w));
        }
        if let Some(b) = &self.bias {
            p.push(("bias", b));
        }
        p
    }

    fn buffers(&self) -> Vec<(&str, &Buffer)> {
        let mut b = Vec::new();
        if let (Some(m), Some(v), Some(n)) = (
            &self.running_mean,
            &self.running_var,
            &self.num_batches_tracked,
        ) {
            b.extend([
                ("running_mean", m),
                ("running_var", v),
                ("num_batches_tracked", n),
            ]);
        }
        b
    }

    fn forward(&self, op: &'static str, x: &DynTensor, c: usize) -> Result<DynTensor> {
        if x.rank() < 2 || x.shape()[1] != c {
            return Err(Error::shape(
                op,
                format!("an input (batch, {c}, ...)"),
                format!("{:?}", x.shape()),
            ));
        }
        let running = match (&self.running_mean, &self.running_var) {
            (Some(m), Some(v)) => Some((m.tensor(), v.tensor())),
            _ => None,
        };
        let mut factor = 0.0;
        if self.training
            && let Some(n) = &self.num_batches_tracked
        {
            let mut d = n.data_mut();
            d[0] += 1.0;
            factor = batch_norm_momentum(self.momentum, d[0] as u64);
        }
        let options = BatchNormOptions {
            training: self.training || running.is_none(),
            momentum: factor,
            eps: self.eps,
        };
        batch_norm(
            x,
            running,
            self.weight.as_deref(),
            self.bias.as_deref(),
            options,
        )
        .map_err(|e| match e {
            Error::InvalidOption { option, reason, .. } => {
                Error::InvalidOption { op, option, reason }
            }
            Error::Shape {
                expected, found, ..
            } => Error::Shape {
                op,
                expected,
                found,
            },
            other => other,
        })
    }
}

macro_rules! batch_norm_layer {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $rule:ident) => {
        $(#[$doc])*
        pub struct $ty<C> {
            core: Core,
            size: PhantomData<fn() -> C>,
        }

        impl<C: StaticDim> $ty<C> {
            /// The layer with PyTorch's defaults: eps 1e-5, momentum 0.1,
            /// affine (weight 1, bias 0), tracking running statistics
            /// (mean 0, variance 1).
            pub fn new() -> Self {
                $ty { core: Core::new(C::USIZE), size: PhantomData }
            }
            /// `eps`, added to the variance.
            pub fn eps(mut self, eps: f64) -> Self {
                self.core.eps = eps;
                self
            }
            /// `momentum`; `None` is PyTorch's cumulative moving average
            /// (each batch weighs `1 / num_batches_tracked`).
            pub fn momentum(mut self, momentum: Option<f64>) -> Self {
                self.core.momentum = momentum;
                self
            }
            /// `affine=False` removes the weight and bias.
            pub fn affine(mut self, affine: bool) -> Self {
                if !affine {
                    self.core.weight = None;
                    self.core.bias = None;
                }
                self
            }
            /// `track_running_stats=False` removes the buffers: batch
            /// statistics are used in both modes.
            pub fn track_running_stats(mut self, track: bool) -> Self {
                if !track {
                    self.core.running_mean = None;
                    self.core.running_var = None;
                    self.core.num_batches_tracked = None;
                }
                self
            }
            /// The weight (`gamma`), if affine.
            pub fn weight(&self) -> Option<&Parameter> {
                self.core.weight.as_ref()
            }
            /// The bias (`beta`), if affine.
            pub fn bias(&self) -> Option<&Parameter> {
                self.core.bias.as_ref()
            }
            /// The running mean, if tracked.
            pub fn running_mean(&self) -> Option<&Buffer> {
                self.core.running_mean.as_ref()
            }
            /// The running (unbiased) variance, if tracked.
            pub fn running_var(&self) -> Option<&Buffer> {
                self.core.running_var.as_ref()
            }
            /// The number of training batches seen, if tracked.
            pub fn num_batches_tracked(&self) -> Option<u64> {
                self.core.num_batches_tracked.as_ref().map(|n| n.to_vec()[0] as u64)
            }
        }

        impl<C: StaticDim> Default for $ty<C> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<C: StaticDim> Module for $ty<C> {
            fn is_training(&self) -> bool {
                self.core.training
            }
            fn set_own_training(&mut self, training: bool) {
                self.core.training = training;
            }
            fn type_name(&self) -> &str {
                $name
            }
            fn extra_repr(&self) -> String {
                self.core.extra_repr(C::USIZE)
            }
            fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
                self.core.parameters()
            }
            fn own_buffers(&self) -> Vec<(&str, &Buffer)> {
                self.core.buffers()
            }
        }

        impl<C: StaticDim> DynForward for $ty<C> {
            fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
                self.core.forward($name, x, C::USIZE)
            }
        }

        impl<C: StaticDim, S: $rule<C>> Forward<Tensor<S>> for $ty<C> {
            type Output = Tensor<S>;
            /// # Panics
            /// When a runtime (`Dyn`) channel size differs from `C`, or in
            /// training mode with one value per channel.
            fn forward(&self, x: Tensor<S>) -> Tensor<S> {
                let shape = x.shape();
                let y = self.forward_dyn(x.as_dyn()).unwrap_or_else(|e| panic!("{e}"));
                Tensor::from_raw_unchecked(y, shape)
            }
        }

        impl<C: StaticDim> fmt::Display for $ty<C> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_module(self, f)
            }
        }
    };
}

batch_norm_layer!(
    /// Batch normalisation over `(N, C)` or `(N, C, L)` with `C` features,
    /// like `nn.BatchNorm1d(num_features)`: in training mode the batch's
    /// statistics normalise and update the running ones
    /// (`running = (1 - momentum)·running + momentum·batch`, the variance
    /// unbiased); in eval mode the running statistics are used.
    ///
    /// ```
    /// use nncore::nn::{BatchNorm1d, Forward, Module, ModuleExt};
    /// use nncore::shape::{Dyn, U3};
    /// use nncore::Tensor;
    /// let mut bn = BatchNorm1d::<U3>::new();
    /// let x = Tensor::<(Dyn, U3)>::randn((Dyn(8), U3::default()));
    /// let _ = bn.forward(x.clone());
    /// assert_eq!(bn.num_batches_tracked(), Some(1));
    /// bn.eval();
    /// let _ = bn.forward(x);
    /// assert_eq!(bn.num_batches_tracked(), Some(1));
    /// assert_eq!(bn.to_string(), "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)");
    /// let keys: Vec<String> = bn.state_dict().into_iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    /// ```
    BatchNorm1d,
    "BatchNorm1d",
    BatchNorm1dRule
);

batch_norm_layer!(
    /// Batch normalisation over `(N, C, H, W)` with `C` channels, like
    /// `nn.BatchNorm2d(num_features)` (statistics over N, H and W; see
    /// [`BatchNorm1d`] for the modes). The channel count is checked by the
    /// compiler.
    ///
    /// ```
    /// use nncore::nn::{BatchNorm2d, Forward};
    /// use nncore::shape::{Dyn, U4, U5};
    /// use nncore::Tensor;
    /// let bn = BatchNorm2d::<U4>::new().momentum(None).affine(false);
    /// let x = Tensor::<(Dyn, U4, U5, U5)>::randn((Dyn(2), U4::default(), U5::default(), U5::default()));
    /// assert_eq!(bn.forward(x).dims().as_slice(), &[2, 4, 5, 5]);
    /// assert_eq!(bn.to_string(), "BatchNorm2d(4, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=True)");
    /// ```
    BatchNorm2d,
    "BatchNorm2d",
    BatchNorm2dRule
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::ModuleExt;
    use crate::shape::U2;

    #[test]
    fn running_stats_follow_pytorch_and_eval_uses_them() {
        let mut bn = BatchNorm1d::<U2>::new();
        let x = DynTensor::from_vec(vec![1.0, 10.0, 3.0, 20.0], &[2, 2]).unwrap();
        bn.forward_dyn(&x).unwrap();
        let rm = bn.running_mean().unwrap().to_vec();
        let rv = bn.running_var().unwrap().to_vec();
        assert!(
            (rm[0] - 0.2).abs() < 1e-6 && (rm[1] - 1.5).abs() < 1e-6,
            "{rm:?}"
        );
        // Unbiased variances 2 and 50.
        assert!(
            (rv[0] - 1.1).abs() < 1e-6 && (rv[1] - 5.9).abs() < 1e-5,
            "{rv:?}"
        );
        bn.eval();
        let y = bn.forward_dyn(&x).unwrap().to_vec();
        assert!((y[0] - (1.0 - 0.2) / (1.1f32 + 1e-5).sqrt()).abs() < 1e-5);
        assert_eq!(bn.num_batches_tracked(), Some(1));
    }

    #[test]
    fn cumulative_average_and_errors() {
        let bn = BatchNorm1d::<U2>::new().momentum(None);
        for v in [1.0, 3.0] {
            let x = DynTensor::from_vec(vec![v, 0.0, v, 0.0], &[2, 2]).unwrap();
            bn.forward_dyn(&x).unwrap();
        }
        // Means 1 then 3: cumulative average 2.
        assert!((bn.running_mean().unwrap().to_vec()[0] - 2.0).abs() < 1e-6);
        let err = bn.forward_dyn(&DynTensor::zeros(&[1, 2])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "BatchNorm1d: invalid input: Expected more than 1 value per channel when training, got input size [1, 2]"
        );
        let err = bn.forward_dyn(&DynTensor::zeros(&[4, 3])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "BatchNorm1d: shape mismatch: expected an input (batch, 2, ...), found [4, 3]"
        );
        let untracked = BatchNorm1d::<U2>::new().track_running_stats(false);
        assert!(
            untracked
                .state_dict()
                .iter()
                .all(|(k, _)| !k.starts_with("running"))
        );
    }
}
