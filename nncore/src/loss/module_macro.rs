//! The module types of the losses: a struct holding PyTorch's keyword
//! arguments with builder methods of the same names ([`loss_builder!`]),
//! and for a loss between two tensors of one shape also a typed `forward`
//! whose shapes are checked at compile time by
//! [`SameShape`](crate::shape::SameShape) and the runtime-shaped
//! `forward_dyn` ([`pair_loss_module!`]).

/// Defines a loss module's struct, `Default` (mean reduction and the given
/// defaults), `new`, and a builder method per option: `reduction`, then
/// the numeric options (`name: type = default`, each with a doc comment),
/// then, after `@tensors`, optional tensor options (`weight`,
/// `pos_weight`). The caller writes the `forward` methods.
macro_rules! loss_builder {
    (
        $(#[$meta:meta])*
        $name:ident;
        $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $default:expr, )*
        $( @tensors $( $(#[$tmeta:meta])* $tfield:ident ),* $(,)? )?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name {
            reduction: $crate::loss::Reduction,
            $( $field: $ty, )*
            $( $( $tfield: Option<$crate::DynTensor<f32>>, )* )?
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    reduction: $crate::loss::Reduction::Mean,
                    $( $field: $default, )*
                    $( $( $tfield: None, )* )?
                }
            }
        }

        impl $name {
            /// PyTorch's defaults (mean reduction).
            pub fn new() -> Self {
                Self::default()
            }

            /// The reduction (`none`, `mean` or `sum`).
            pub fn reduction(mut self, reduction: $crate::loss::Reduction) -> Self {
                self.reduction = reduction;
                self
            }

            $(
                $(#[$fmeta])*
                pub fn $field(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )*

            $( $(
                $(#[$tmeta])*
                pub fn $tfield(mut self, $tfield: $crate::DynTensor<f32>) -> Self {
                    self.$tfield = Some($tfield);
                    self
                }
            )* )?
        }
    };
}

/// Defines a two-tensor loss module.
///
/// `Name, "PyTorchName", |self, input, target| body;` then the options as
/// in [`loss_builder!`].
macro_rules! pair_loss_module {
    (
        $(#[$meta:meta])*
        $name:ident, $py:literal, |$s:ident, $x:ident, $y:ident| $body:expr;
        $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $default:expr, )*
        $( @tensors $( $(#[$tmeta:meta])* $tfield:ident ),* $(,)? )?
    ) => {
        $crate::loss::module_macro::loss_builder! {
            $(#[$meta])*
            $name;
            $( $(#[$fmeta])* $field : $ty = $default, )*
            $( @tensors $( $(#[$tmeta])* $tfield ),* )?
        }

        impl $name {
            /// The loss between two tensors of the same shape (checked at
            /// compile time where static), as a scalar; with reduction
            /// `none` use [`forward_dyn`](Self::forward_dyn).
            pub fn forward<S, S2>(
                &self,
                input: $crate::Tensor<S>,
                target: $crate::Tensor<S2>,
            ) -> $crate::Result<$crate::Tensor<()>>
            where
                S: $crate::shape::LossTargetRule<S2, $name>,
                S2: $crate::shape::Shape,
            {
                self.reduction.expect_scalar($py)?;
                let loss = self.forward_dyn(input.as_dyn(), target.as_dyn())?;
                Ok($crate::Tensor::from_raw_unchecked(loss, ()))
            }

            /// The loss on runtime-shaped tensors (any reduction).
            pub fn forward_dyn(
                &self,
                input: &$crate::DynTensor<f32>,
                target: &$crate::DynTensor<f32>,
            ) -> $crate::Result<$crate::DynTensor<f32>> {
                let ($s, $x, $y) = (self, input, target);
                $body
            }
        }
    };
}

pub(crate) use {loss_builder, pair_loss_module};
