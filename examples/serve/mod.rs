//! The `serve` example's server, in pieces a test and the load run reuse:
//! the model and its answer ([`model`]), the request body's checks
//! ([`digit`]), the refusals ([`refusal`]), the routes ([`routes`]) and the
//! server's start and stop ([`run`]).
//!
//! One LeNet, loaded once, is shared by every request: Kiln's models are
//! `Send + Sync` and a forward pass under `no_grad` only reads the weights,
//! so the handlers hold an `Arc` to it and need no lock.

pub mod digit;
pub mod model;
pub mod refusal;
pub mod routes;
pub mod run;
