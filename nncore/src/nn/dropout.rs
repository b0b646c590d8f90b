//! `nn.Dropout` and `nn.Dropout2d`: random zeroing in training mode, the
//! identity in eval mode; draws from Kiln's seeded generator.

use super::module::training_flag;
use super::spec::{Args, LayerSpec, RunSpec, py_bool, pytorch_default};
use super::{DynForward, Forward, Module, PyNumber, fmt_module};
use crate::ops::{dropout, dropout2d};
use crate::shape::Shape;
use crate::{DynTensor, Element, Error, Result, Tensor};
use std::fmt;

fn check(op: &'static str, p: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(Error::option(
            op,
            "p",
            format!(
                "dropout probability has to be between 0 and 1, but got {}",
                crate::py_float(p)
            ),
        ))
    }
}

macro_rules! dropout_layer {
    ($(#[$doc:meta])* $ty:ident, $spec:ident, $name:literal, $op:ident) => {
        #[doc = concat!("`nn.", $name, "(p=0.5, inplace=False)`'s arguments: what [`", $name, "`] holds and prints, and a layer built at run time parses.")]
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $spec {
            /// `p`, as given (PyTorch prints `p=0` for an int).
            pub p: PyNumber,
            /// `inplace`: Kiln never overwrites an op's input, so it only
            /// changes the printout.
            pub inplace: bool,
        }

        impl LayerSpec for $spec {
            const NAME: &'static str = $name;
            fn parse(a: &Args<'_>) -> Result<Self> {
                let p = a.number("p")?;
                check($name, p.value())?;
                Ok($spec { p, inplace: a.flag("inplace")? })
            }
            fn extra_repr(&self) -> String {
                format!("p={}, inplace={}", self.p, py_bool(self.inplace))
            }
        }

        impl RunSpec for $spec {
            fn run<E: Element>(
                &self,
                x: &DynTensor<E>,
                _: Option<&DynTensor<E>>,
                _: Option<&DynTensor<E>>,
                training: bool,
            ) -> Result<DynTensor<E>> {
                $op(x, self.p.value(), training)
            }
        }

        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $ty {
            spec: $spec,
            training: bool,
        }

        impl $ty {
            #[doc = concat!("`nn.", $name, "(p)`; `p` outside [0, 1] is an error.")]
            pub fn new(p: f64) -> Result<Self> {
                check($name, p)?;
                Ok($ty { spec: $spec { p: PyNumber::Float(p), inplace: false }, training: true })
            }
            #[doc = concat!("`nn.", $name, "(p)` for a `p` known to lie in [0, 1] (what `sequential!` builds from a checked literal).")]
            ///
            /// # Panics
            /// When `p` is outside [0, 1]; [`new`](Self::new) returns an error instead.
            pub fn with_p(p: f64) -> Self {
                Self::new(p).unwrap_or_else(|e| panic!("{e}"))
            }
            /// PyTorch's `inplace` flag: Kiln never overwrites an op's
            /// input, so it only changes the printout.
            pub fn inplace(mut self, inplace: bool) -> Self {
                self.spec.inplace = inplace;
                self
            }
            /// The probability of zeroing.
            pub fn p(&self) -> f64 {
                self.spec.p.value()
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                $ty { spec: pytorch_default(), training: true }
            }
        }

        impl Module for $ty {
            training_flag!();
            fn type_name(&self) -> &str {
                $name
            }
            fn extra_repr(&self) -> String {
                self.spec.extra_repr()
            }
        }

        impl DynForward for $ty {
            fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
                self.spec.run(x, None, None, self.training)
            }
        }

        impl<S: Shape> Forward<Tensor<S>> for $ty {
            type Output = Tensor<S>;
            /// # Panics
            /// Only for an input rank the runtime form rejects (Dropout2d
            /// needs 3 or 4 dimensions).
            fn forward(&self, x: Tensor<S>) -> Tensor<S> {
                let shape = x.shape();
                let y = self.forward_dyn(x.as_dyn()).unwrap_or_else(|e| panic!("{e}"));
                Tensor::from_raw_unchecked(y, shape)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_module(self, f)
            }
        }
    };
}

dropout_layer!(
    /// Zeroes each element with probability `p` in training mode and scales
    /// the rest by `1 / (1 - p)`, like `nn.Dropout(p=0.5)`; the identity in
    /// eval mode. Seeded by [`manual_seed`](crate::manual_seed).
    ///
    /// ```
    /// use nncore::nn::{Dropout, DynForward, ModuleExt};
    /// use nncore::DynTensor;
    /// let mut d = Dropout::new(0.25).unwrap();
    /// assert_eq!(d.to_string(), "Dropout(p=0.25, inplace=False)");
    /// let x = DynTensor::<f32>::ones(&[100]).unwrap();
    /// assert!(d.forward_dyn(&x).unwrap().to_vec().contains(&0.0));
    /// d.eval();
    /// assert_eq!(d.forward_dyn(&x).unwrap().to_vec(), x.to_vec());
    /// assert!(Dropout::new(1.5).is_err());
    /// ```
    Dropout,
    DropoutSpec,
    "Dropout",
    dropout
);

dropout_layer!(
    /// Zeroes whole channels of `(N, C, H, W)` (or `(C, H, W)`) with
    /// probability `p` in training mode, like `nn.Dropout2d(p=0.5)`; the
    /// identity in eval mode.
    ///
    /// ```
    /// use nncore::nn::Dropout2d;
    /// assert_eq!(Dropout2d::default().to_string(), "Dropout2d(p=0.5, inplace=False)");
    /// ```
    Dropout2d,
    Dropout2dSpec,
    "Dropout2d",
    dropout2d
);
