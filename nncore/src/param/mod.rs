//! Parameters and their gradients: the shared handles a model holds and an
//! optimizer updates ([`Parameter`], [`Buffer`]) and the row-sparse
//! gradient a sparse `Embedding` leaves for `SparseAdam` ([`SparseGrad`]).
//! They sit below both `nn` and `optim`, so neither imports the other;
//! users reach them as `nn::Parameter`, `nn::Buffer` and `optim::SparseGrad`.

mod parameter;
mod sparse_grad;

pub use parameter::{Buffer, Parameter};
pub use sparse_grad::SparseGrad;
