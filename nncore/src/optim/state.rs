//! Per-parameter optimizer state: readable typed structs (Adam's `step`,
//! `exp_avg`, `exp_avg_sq`) that convert to and from named entries for
//! `state_dict`.

use crate::{Element, Error, Result};
use std::collections::BTreeMap;

/// One entry of a parameter's state: a number (`step`) or a buffer shaped
/// like the parameter (`exp_avg`), flattened.
#[derive(Clone, Debug, PartialEq)]
pub enum StateValue<E> {
    /// A number, like PyTorch's scalar `step` tensor.
    Scalar(f64),
    /// A buffer with one value per parameter element.
    Tensor(Vec<E>),
}

/// A per-parameter state that converts to and from named entries.
/// Implemented by the `optimizer_state!` macro of this module for every
/// optimizer's state struct.
pub trait StateEntries<E: Element>: Sized {
    /// The entries, in declaration order; absent optional buffers are left out.
    fn entries(&self) -> Vec<(&'static str, StateValue<E>)>;
    /// Rebuilds the state from entries; every buffer must hold `numel`
    /// values. `optimizer` names the optimizer in errors.
    fn from_entries(
        optimizer: &'static str,
        entries: &BTreeMap<String, StateValue<E>>,
        numel: usize,
    ) -> Result<Self>;
}

/// How one field of a state struct converts (implemented for `f64`,
/// `Vec<E>` and `Option<Vec<E>>`).
pub trait StateField<E: Element>: Sized {
    /// Appends the field's entry, if any.
    fn put(&self, name: &'static str, out: &mut Vec<(&'static str, StateValue<E>)>);
    /// Reads the field back.
    fn take(
        optimizer: &'static str,
        name: &str,
        entries: &BTreeMap<String, StateValue<E>>,
        numel: usize,
    ) -> Result<Self>;
}

fn state_error(optimizer: &'static str, reason: String) -> Error {
    Error::option(optimizer, "state_dict", reason)
}

impl<E: Element> StateField<E> for f64 {
    fn put(&self, name: &'static str, out: &mut Vec<(&'static str, StateValue<E>)>) {
        out.push((name, StateValue::Scalar(*self)));
    }
    fn take(
        optimizer: &'static str,
        name: &str,
        entries: &BTreeMap<String, StateValue<E>>,
        _numel: usize,
    ) -> Result<Self> {
        match entries.get(name) {
            Some(StateValue::Scalar(x)) => Ok(*x),
            Some(StateValue::Tensor(_)) => Err(state_error(
                optimizer,
                format!("state `{name}` should be a number, found a tensor"),
            )),
            None => Err(state_error(optimizer, format!("state `{name}` is missing"))),
        }
    }
}

impl<E: Element> StateField<E> for Option<Vec<E>> {
    fn put(&self, name: &'static str, out: &mut Vec<(&'static str, StateValue<E>)>) {
        if let Some(v) = self {
            out.push((name, StateValue::Tensor(v.clone())));
        }
    }
    fn take(
        optimizer: &'static str,
        name: &str,
        entries: &BTreeMap<String, StateValue<E>>,
        numel: usize,
    ) -> Result<Self> {
        match entries.get(name) {
            None => Ok(None),
            Some(StateValue::Tensor(v)) if v.len() == numel => Ok(Some(v.clone())),
            Some(StateValue::Tensor(v)) => Err(state_error(
                optimizer,
                format!(
                    "state `{name}` has {} values, the parameter has {numel}",
                    v.len()
                ),
            )),
            Some(StateValue::Scalar(_)) => Err(state_error(
                optimizer,
                format!("state `{name}` should be a tensor, found a number"),
            )),
        }
    }
}

impl<E: Element> StateField<E> for Vec<E> {
    fn put(&self, name: &'static str, out: &mut Vec<(&'static str, StateValue<E>)>) {
        out.push((name, StateValue::Tensor(self.clone())));
    }
    fn take(
        optimizer: &'static str,
        name: &str,
        entries: &BTreeMap<String, StateValue<E>>,
        numel: usize,
    ) -> Result<Self> {
        <Option<Vec<E>> as StateField<E>>::take(optimizer, name, entries, numel)?
            .ok_or_else(|| state_error(optimizer, format!("state `{name}` is missing")))
    }
}

/// Declares an optimizer's per-parameter state struct (public fields of
/// type `f64`, `Vec<E>` or `Option<Vec<E>>`) with its [`StateEntries`].
macro_rules! optimizer_state {
    ($(#[$m:meta])* pub struct $name:ident<E> { $( $(#[$fm:meta])* pub $field:ident : $ty:ty ),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name<E> { $( $(#[$fm])* pub $field: $ty, )* }

        impl<E: $crate::Element> $crate::optim::StateEntries<E> for $name<E> {
            fn entries(&self) -> Vec<(&'static str, $crate::optim::StateValue<E>)> {
                #[allow(unused_mut)]
                let mut out = Vec::new();
                $( $crate::optim::StateField::<E>::put(&self.$field, stringify!($field), &mut out); )*
                out
            }
            fn from_entries(
                _optimizer: &'static str,
                _entries: &std::collections::BTreeMap<String, $crate::optim::StateValue<E>>,
                _numel: usize,
            ) -> $crate::Result<Self> {
                Ok($name { $( $field: <$ty as $crate::optim::StateField<E>>::take(_optimizer, stringify!($field), _entries, _numel)?, )* })
            }
        }
    };
}
pub(crate) use optimizer_state;
