//! `sequential!` and `Sequential!`: parsing ([`ir`]), checks ([`check`],
//! [`shapes`] from a declared input shape) and expansion ([`expand`],
//! [`named`]).

pub mod check;
pub mod expand;
pub mod ir;
mod named;
pub mod shapes;
