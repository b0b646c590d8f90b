//! Checks on a parsed sequential: every entry resolved (layer arguments
//! bound, typos reported), names consistent, and the sizes followed along
//! the chain: from the declared input shape through every layer
//! ([`shapes`](super::shapes)) where there is one, else by comparing
//! adjacent literal sizes. Every error is collected before any is reported,
//! and each names its layer (`layer 17, Linear(1152 -> 10)`).

use super::ir::{Entry, InputShape, Item};
use super::shapes;
use crate::errors::Errors;
use crate::layers::{self, BoundLayer};
use nnspec::Chain;
use std::collections::HashSet;
use syn::{Expr, Ident, Type};

/// An entry after checking.
pub enum Resolved<'a> {
    /// A known layer with every argument bound.
    Layer(BoundLayer),
    /// A pass-through expression.
    Expr(&'a Expr),
    /// A pass-through type.
    Type(&'a Type),
    /// An entry with an error (already recorded).
    Failed,
}

/// The outcome of the checks.
pub struct Checked<'a> {
    /// One per entry.
    pub resolved: Vec<Resolved<'a>>,
    /// Every error found.
    pub errors: syn::Result<()>,
}

impl Checked<'_> {
    /// Whether every entry resolved, so the expansion can still be written
    /// (the errors, if any, are about how the entries fit together).
    pub fn complete(&self) -> bool {
        !self.resolved.iter().any(|r| matches!(r, Resolved::Failed))
    }
}

/// Resolves every entry and runs every check, collecting all errors.
pub fn check<'a>(
    entries: &'a [Entry],
    input: Option<&InputShape>,
    macro_name: &str,
) -> Checked<'a> {
    let mut errors = Errors::new();
    check_names(entries, macro_name, &mut errors);
    let mut resolved = Vec::with_capacity(entries.len());
    for entry in entries {
        match &entry.item {
            Item::Layer { ident, args, .. } => match layers::known(ident) {
                Some(spec) => {
                    resolved.push(
                        match layers::bind(spec, ident, args.as_ref(), &mut errors) {
                            Some(layer) => Resolved::Layer(layer),
                            None => Resolved::Failed,
                        },
                    );
                }
                None => {
                    let hint = layers::typo_of(ident)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    errors.error_at(ident, format!("unknown layer `{ident}`{hint}"));
                    resolved.push(Resolved::Failed);
                }
            },
            Item::Expr(expr) => resolved.push(Resolved::Expr(expr)),
            Item::Type(ty) => resolved.push(Resolved::Type(ty)),
        }
    }
    // The walk from the input shape checks every layer it can follow;
    // literal neighbours are compared from where it stopped.
    let start = match input.map(|input| shapes::input_dims(input, &mut errors)) {
        Some(Some(dims)) => shapes::walk(dims, entries, &resolved, &mut errors).stopped_at,
        Some(None) => entries.len(),
        None => 0,
    };
    check_chain(&entries[start..], &resolved[start..], start, &mut errors);
    Checked {
        resolved,
        errors: errors.finish(),
    }
}

/// Either every entry is named or none is; names are unique.
fn check_names(entries: &[Entry], macro_name: &str, errors: &mut Errors) {
    let Some(first) = entries.first() else { return };
    let named = first.name.is_some();
    let mut seen: HashSet<&Ident> = HashSet::new();
    for entry in entries {
        match (&entry.name, named) {
            (Some(name), true) => {
                if !seen.insert(name) {
                    errors.error_at(name, format!("duplicate layer name `{name}` in {macro_name}"));
                }
            }
            (None, false) => {}
            (Some(name), false) => errors.error_at(
                name,
                format!("cannot mix named and unnamed layers in {macro_name}: name every layer (`fc1: Linear(...)`) or none"),
            ),
            (None, true) => errors.error_at(
                entry.tokens(),
                format!("cannot mix named and unnamed layers in {macro_name}: this layer has no name (`name: Layer`)"),
            ),
        }
    }
}

/// Compares each layer's input size with the features or channels the
/// chain carries at that point, when those are known from literals: what
/// each layer does to them is its `chain` in `nnspec::LAYERS`. Spatial
/// sizes are the type system's job.
/// `offset` is the index of the first entry given.
fn check_chain(entries: &[Entry], resolved: &[Resolved], offset: usize, errors: &mut Errors) {
    let mut features: Option<u64> = None;
    let mut channels: Option<u64> = None;
    for (index, (entry, resolved)) in entries.iter().zip(resolved).enumerate() {
        // Anything else (a pass-through, or an entry with an error) may
        // change the sizes: compare only across known layers.
        let Resolved::Layer(layer) = resolved else {
            features = None;
            channels = None;
            continue;
        };
        let subject = shapes::subject(entry, offset + index, layer);
        match layer.spec.chain {
            Chain::Features { input, output } => {
                let (input, output) = (layer.size(input), layer.size(output));
                if let Some(previous) = features.filter(|&f| f != input.value) {
                    errors.error_span(
                        input.span,
                        format!("{subject} cannot follow a layer that outputs {previous} features"),
                    );
                }
                features = Some(output.value);
                channels = None;
            }
            Chain::Channels { input, output } => {
                let (input, output) = (layer.size(input), layer.size(output));
                if let Some(previous) = channels.filter(|&c| c != input.value) {
                    errors.error_span(
                        input.span,
                        format!(
                            "{subject} expects {} input channels, but the previous layer outputs {previous} channels",
                            input.value
                        ),
                    );
                }
                channels = Some(output.value);
                features = None;
            }
            Chain::ExpectsChannels { arg } => {
                let c = layer.size(arg);
                if let Some(previous) = channels.filter(|&p| p != c.value) {
                    errors.error_span(
                        c.span,
                        format!(
                            "{subject} expects {} channels, but the previous layer outputs {previous} channels",
                            c.value
                        ),
                    );
                }
                features = None;
            }
            Chain::ExpectsFeatures { arg } => {
                let c = layer.size(arg);
                if let Some(previous) = features.filter(|&f| f != c.value) {
                    errors.error_span(
                        c.span,
                        format!(
                            "{subject} expects {} features, but the previous layer outputs {previous} features",
                            c.value
                        ),
                    );
                }
                channels = None;
            }
            Chain::KeepsChannels => features = None,
            Chain::KeepsAll => {}
            Chain::Unknown => {
                features = None;
                channels = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seq::ir::SeqInput;

    fn errors(src: &str) -> Vec<String> {
        let input: SeqInput = syn::parse_str(src).expect("parses");
        match check(&input.entries, input.input.as_ref(), "sequential!").errors {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn fitting_chains_pass() {
        assert!(errors("Linear(784, 256), ReLU, Linear(256, 10)").is_empty());
        assert!(
            errors(
                "Conv2d(1, 6, 5), ReLU, MaxPool2d(2), Conv2d(6, 16, 5), Flatten, Linear(400, 120)"
            )
            .is_empty()
        );
        assert!(errors("Linear(3, 4), block, Linear(7, 2)").is_empty());
    }

    #[test]
    fn linear_mismatch() {
        assert_eq!(
            errors("Linear(784, 128), ReLU, Linear(256, 10)"),
            ["layer 2, Linear(256 -> 10) cannot follow a layer that outputs 128 features"]
        );
    }

    #[test]
    fn conv_mismatch_through_pool() {
        assert_eq!(
            errors("Conv2d(1, 3, 5), MaxPool2d(2), Conv2d(6, 16, 5)"),
            [
                "layer 2, Conv2d(6 -> 16, kernel_size=5) expects 6 input channels, but the previous layer outputs 3 channels"
            ]
        );
    }

    #[test]
    fn conv_transpose_channels() {
        assert!(errors("Conv2d(1, 8, 3), ConvTranspose2d(8, 4, 3, stride = 2)").is_empty());
        assert_eq!(
            errors("Conv2d(1, 8, 3), ReLU, ConvTranspose2d(4, 2, 3), Conv2d(3, 1, 1)"),
            [
                "layer 2, ConvTranspose2d(4 -> 2, kernel_size=3) expects 4 input channels, but the previous layer outputs 8 channels",
                "layer 3, Conv2d(3 -> 1, kernel_size=1) expects 3 input channels, but the previous layer outputs 2 channels"
            ]
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            errors("a: ReLU, a: ReLU"),
            ["duplicate layer name `a` in sequential!"]
        );
        assert_eq!(
            errors("a: ReLU, ReLU"),
            [
                "cannot mix named and unnamed layers in sequential!: this layer has no name (`name: Layer`)"
            ]
        );
    }

    #[test]
    fn checks_continue_past_a_bad_entry() {
        assert_eq!(
            errors("Linear(784, 128), Linear(256, 10), Flatten(start_dim = 0)"),
            [
                "Flatten supports only start_dim = 1 for now",
                "layer 1, Linear(256 -> 10) cannot follow a layer that outputs 128 features"
            ]
        );
    }

    /// With an input shape, the walk reports, and literal neighbours are
    /// compared only after an entry it cannot follow (no second error).
    #[test]
    fn input_shape_walk_then_neighbours() {
        assert_eq!(
            errors("input (784); Linear(784, 128), Linear(256, 10)"),
            [
                "layer 1, Linear(256 -> 10): shape mismatch: Linear expects 256 input features, but the incoming tensor has 128"
            ]
        );
        assert_eq!(
            errors("input (784); Linear(784, 128), block, Linear(3, 4), Linear(5, 6)"),
            ["layer 3, Linear(5 -> 6) cannot follow a layer that outputs 4 features"]
        );
    }

    #[test]
    fn typo() {
        assert_eq!(
            errors("Lineer(3, 4), Relu"),
            [
                "unknown layer `Lineer`; did you mean `Linear`?",
                "unknown layer `Relu`; did you mean `ReLU`?"
            ]
        );
    }
}
