//! `#[derive(Module)]`: attributes ([`attr`]), the checked IR ([`ir`]),
//! expansion ([`expand`]) and the stub emitted on error ([`fallback`]).

mod attr;
pub mod expand;
mod fallback;
mod ir;
