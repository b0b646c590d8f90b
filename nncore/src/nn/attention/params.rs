//! Parameters by PyTorch's dotted names: how one forward serves both the
//! layers (their own `Parameter`s, f32) and the conformance runner (a
//! case's tensors, f64). Each spec's `run` reads its weights through a
//! [`Get`], so the layer and the runner execute the same code.

use crate::nn::{Module, Parameter};
use crate::{DynTensor, Element, Error, Result};

/// A parameter by PyTorch's name (`in_proj_weight`, `out_proj.bias`,
/// `layers.1.linear2.weight`), `None` when there is none.
pub type Get<'g, 'a, E> = &'g dyn Fn(&str) -> Option<&'a DynTensor<E>>;

/// The parameter `name` of a module tree, walking its children by the
/// dotted path (what `named_parameters()` would name it).
pub(crate) fn find_param<'a>(m: &'a dyn Module, name: &str) -> Option<&'a Parameter> {
    match name.split_once('.') {
        Some((child, rest)) => m
            .named_children()
            .into_iter()
            .find(|(n, _)| n == child)
            .and_then(|(_, c)| find_param(c, rest)),
        None => m
            .own_parameters()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p),
    }
}

/// The parameter `name`, or an error naming it and the layer.
pub(crate) fn required<'a, E: Element>(
    layer: &'static str,
    get: Get<'_, 'a, E>,
    name: &str,
) -> Result<&'a DynTensor<E>> {
    get(name).ok_or_else(|| {
        Error::option(
            layer,
            "parameters",
            format!("{name} is missing: these options make the layer hold it"),
        )
    })
}

/// The parameter `name` when the options make the layer hold it (`has`),
/// else `None`; an error when it should be there and is not.
pub(crate) fn optional<'a, E: Element>(
    layer: &'static str,
    get: Get<'_, 'a, E>,
    name: &str,
    has: bool,
) -> Result<Option<&'a DynTensor<E>>> {
    has.then(|| required(layer, get, name)).transpose()
}

/// `get` under `prefix` (`self_attn.`, `layers.0.`).
pub(crate) fn scoped<'g, 'a, E: Element>(
    get: Get<'g, 'a, E>,
    prefix: String,
) -> impl Fn(&str) -> Option<&'a DynTensor<E>> + 'g
where
    'a: 'g,
{
    move |name| get(&format!("{prefix}{name}"))
}
