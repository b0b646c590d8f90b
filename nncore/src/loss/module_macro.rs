//! The module types of the losses: a struct holding PyTorch's keyword
//! arguments with builder methods of the same names and PyTorch's printout
//! ([`loss_builder!`], used by every loss), and for a loss between two
//! tensors of one shape also the typed `forward`, whose shapes are checked
//! at compile time by [`LossTargetRule`](crate::shape::LossTargetRule), and
//! the runtime-shaped [`Loss`](super::Loss) impl ([`pair_loss_module!`]).

/// Defines a loss module's struct, `Default` (PyTorch's defaults), `new`,
/// `Display` (PyTorch's `Name()`: no loss prints its options) and a builder
/// method per option: `reduction` (of type [`Reduction`](super::Reduction),
/// or the type given as `Name<reduction = Type>`), then the numeric options
/// (`name: type = default`, each with a doc comment), then, after
/// `@tensors`, optional tensor options (`weight`, `pos_weight`). The
/// caller writes the `forward` method and the [`Loss`](super::Loss) impl.
macro_rules! loss_builder {
    (
        $(#[$meta:meta])*
        $name:ident $(<reduction = $rty:ty>)?;
        $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $default:expr, )*
        $( @tensors $( $(#[$tmeta:meta])* $tfield:ident ),* $(,)? )?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name {
            reduction: $crate::loss::module_macro::loss_builder!(@reduction $($rty)?),
            $( $field: $ty, )*
            $( $( $tfield: Option<$crate::DynTensor<f32>>, )* )?
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    reduction: Default::default(),
                    $( $field: $default, )*
                    $( $( $tfield: None, )* )?
                }
            }
        }

        impl std::fmt::Display for $name {
            /// PyTorch's printout: the class name and `()`, whatever the
            /// options (no `nn` loss has an `extra_repr`).
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "()"))
            }
        }

        impl $name {
            /// PyTorch's class name, which also names the loss in errors.
            pub const NAME: &'static str = stringify!($name);

            /// PyTorch's defaults (mean reduction).
            pub fn new() -> Self {
                Self::default()
            }

            /// The reduction (`none`, `mean` or `sum`).
            pub fn reduction(
                mut self,
                reduction: impl Into<$crate::loss::module_macro::loss_builder!(@reduction $($rty)?)>,
            ) -> Self {
                self.reduction = reduction.into();
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
    (@reduction) => { $crate::loss::Reduction };
    (@reduction $rty:ty) => { $rty };
}

/// Defines a two-tensor loss module.
///
/// `Name, |self, input, target| body;` then the options as in
/// [`loss_builder!`].
macro_rules! pair_loss_module {
    (
        $(#[$meta:meta])*
        $name:ident, |$s:ident, $x:ident, $y:ident| $body:expr;
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
            /// `none` use [`Loss::forward_dyn`]($crate::loss::Loss::forward_dyn).
            pub fn forward<S, S2>(
                &self,
                input: $crate::Tensor<S>,
                target: $crate::Tensor<S2>,
            ) -> $crate::Result<$crate::Tensor<()>>
            where
                S: $crate::shape::LossTargetRule<S2, $name>,
                S2: $crate::shape::Shape,
            {
                $crate::loss::scalar_loss(Self::NAME, self.reduction, || {
                    $crate::loss::Loss::forward_dyn(self, input.as_dyn(), target.as_dyn())
                })
            }
        }

        impl $crate::loss::Loss<&$crate::DynTensor<f32>> for $name {
            fn forward_dyn(
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
