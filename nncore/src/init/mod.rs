//! Parameter initialisation, like `torch.nn.init`: each function fills a
//! tensor in place from Kiln's seeded generator (see
//! [`manual_seed`](crate::manual_seed)), so the same seed gives the same
//! model. A [`Parameter`](crate::nn::Parameter) derefs to its tensor, so
//! every function works on parameters, e.g. through `model.apply`.
//!
//! ```
//! use nncore::init::{xavier_uniform_, zeros_};
//! use nncore::nn::{Linear, ModuleExt};
//! use nncore::shape::{U4, U8};
//! let fc = Linear::<U8, U4>::new();
//! nncore::manual_seed(7);
//! fc.apply(&mut |m| {
//!     for (name, p) in m.own_parameters() {
//!         if name == "weight" { xavier_uniform_(p, 1.0).unwrap() } else { zeros_(p) }
//!     }
//! });
//! assert_eq!(fc.bias().unwrap().to_vec(), vec![0.0; 4]);
//! ```

mod fan;
mod qr;
mod random;
mod structured;

pub use fan::{FanMode, GainParam, Nonlinearity, calculate_fan_in_and_fan_out, calculate_gain};
pub use random::{
    constant_, kaiming_normal_, kaiming_uniform_, normal_, ones_, uniform_, xavier_normal_,
    xavier_uniform_, zeros_,
};
pub use structured::{dirac_, eye_, orthogonal_, sparse_, trunc_normal_};
