//! `mse_loss(input, target)`: both tensors have the same shape, dimension
//! by dimension (no broadcasting): the [`LossTargetRule`] of `MSELoss`.

use super::loss_target::LossTargetRule;
use crate::loss::MSELoss;
use crate::shape::shape::Shape;

/// The shape rule of `mse_loss`, implemented on the input shape for every
/// target shape `T`: same rank and, per dimension, equal static sizes
/// ([`LossTargetRule`] for `MSELoss`, whose errors name the loss).
/// [`Dyn`](crate::shape::Dyn) matches any size at compile time (the loss
/// checks it at run time).
///
/// ```
/// use nncore::shape::*;
/// fn mse<S: MseRule<T>, T: Shape>(_: S, _: T) {}
/// mse((Dyn(4), U3::new()), (Dyn(4), U3::new()));
/// ```
pub trait MseRule<T: Shape>: LossTargetRule<T, MSELoss> {}

impl<S: LossTargetRule<T, MSELoss>, T: Shape> MseRule<T> for S {}
