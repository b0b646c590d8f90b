//! `sequential!` and `Sequential!`: parsing ([`ir`]), checks ([`check`]) and
//! expansion ([`expand`], [`named`]).

pub mod check;
pub mod expand;
pub mod ir;
mod named;
