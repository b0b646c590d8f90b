//! Parameter initialisation, like `torch.nn.init`: each function fills a
//! tensor in place from Kiln's seeded generator (see
//! [`manual_seed`](crate::manual_seed)), so the same seed gives the same
//! model.

mod fan;
mod random;

pub use fan::{FanMode, Nonlinearity, calculate_fan_in_and_fan_out, calculate_gain};
pub use random::{
    constant_, kaiming_normal_, kaiming_uniform_, normal_, ones_, uniform_, xavier_normal_,
    xavier_uniform_, zeros_,
};
