//! PyTorch's layer signatures, written once: each layer's class name, its
//! constructor arguments in PyTorch's order with PyTorch's defaults, and how
//! `sequential!` takes each argument.
//!
//! Two crates read this table: `nncore`, whose layers parse their runtime
//! options (a config, the conformance runner) against it, and `nnmacro`,
//! which cannot call `nncore` (a proc macro runs in the compiler) and binds
//! `sequential![Conv2d(1, 6, 5, padding = 2)]` with it. A layer is added by
//! one row in [`LAYERS`] and its file in `nncore/src/nn/`;
//! `nncore`'s registry test fails until both exist.
//!
//! ```
//! let linear = nnspec::layer("Linear").unwrap();
//! assert_eq!(linear.args[2].name, "bias");
//! assert_eq!(linear.args[2].default, nnspec::Default::Bool(true));
//! assert_eq!(linear.signature(), "Linear(in_features, out_features, bias = true)");
//! ```

#![no_std]

extern crate alloc;

mod table;

pub use table::LAYERS;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// One layer: PyTorch's class name and constructor arguments.
#[derive(Debug)]
pub struct Layer {
    /// The class name, as in `torch.nn` and `kiln::nn`.
    pub name: &'static str,
    /// The constructor's arguments in PyTorch's order.
    pub args: &'static [Arg],
    /// Whether `sequential!` builds it from `Name(args...)` (else a
    /// `sequential!` entry of this name is the user's own expression).
    pub sequential: bool,
    /// What it does to the feature and channel counts, which
    /// `sequential!` follows to compare adjacent literal sizes.
    pub chain: Chain,
}

/// What a layer does to the sizes `sequential!` follows along a chain: the
/// features (last dimension) and the channels (dimension 1 of an image).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chain {
    /// Maps features: the argument at `input` in, at `output` out (Linear).
    Features {
        /// Index of the input-size argument.
        input: usize,
        /// Index of the output-size argument.
        output: usize,
    },
    /// Maps channels (the convolutions).
    Channels {
        /// Index of the input-size argument.
        input: usize,
        /// Index of the output-size argument.
        output: usize,
    },
    /// Expects the argument at `arg` as the feature count (BatchNorm1d);
    /// the channels after it are unknown.
    ExpectsFeatures {
        /// Index of the size argument.
        arg: usize,
    },
    /// Expects the argument at `arg` as the channel count and keeps it
    /// (BatchNorm2d); the features after it are unknown.
    ExpectsChannels {
        /// Index of the size argument.
        arg: usize,
    },
    /// Keeps the channels; the features after it are unknown (the pools).
    KeepsChannels,
    /// Keeps every size (activations, dropout).
    KeepsAll,
    /// The sizes after it are unknown (Flatten, a layer `sequential!`
    /// does not build).
    Unknown,
}

/// One constructor argument.
#[derive(Debug)]
pub struct Arg {
    /// PyTorch's keyword.
    pub name: &'static str,
    /// PyTorch's default.
    pub default: Default,
    /// How `sequential!` takes it.
    pub form: Form,
}

/// PyTorch's default of an argument.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Default {
    /// None: the argument is required.
    Required,
    /// A Python `int`.
    Int(i64),
    /// A Python `float`.
    Float(f64),
    /// `True` / `False`.
    Bool(bool),
    /// A Python `str`.
    Str(&'static str),
    /// Python's `None`.
    None,
    /// The value of the argument at this index (a pool's `stride=None` is
    /// its `kernel_size`).
    SameAs(usize),
}

impl Default {
    /// The default as Rust tokens, as `sequential!` compares and shows it
    /// (`1`, `true`, `1e-5`, `-1`); `None` for a required argument or one
    /// that follows another.
    pub fn rust_literal(self) -> Option<String> {
        match self {
            Default::Int(i) => Some(format!("{i}")),
            Default::Float(x) => Some(format!("{x:?}")),
            Default::Bool(b) => Some(format!("{b}")),
            Default::Str(s) => Some(format!("{s:?}")),
            Default::None => Some("None".into()),
            Default::Required | Default::SameAs(_) => None,
        }
    }
}

/// How `sequential!` takes an argument of a layer it builds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Form {
    /// A size: an integer literal that becomes a typenum type parameter.
    Size {
        /// The smallest valid value.
        min: u64,
    },
    /// A runtime value handed to the constructor `with_bias`.
    Flag,
    /// A probability: a float literal in [0, 1], checked by the macro and
    /// handed to the constructor `with_p`.
    Probability,
    /// A `true`/`false` literal that picks the layer type: `false` (the
    /// default) keeps the layer, `true` builds `layer` instead, a sibling
    /// type with the same sizes (`ceil_mode = true` builds `MaxPool2dCeil`).
    Selects {
        /// The layer type `true` builds.
        layer: &'static str,
    },
    /// Only the default is supported in `sequential!`; `why` is the error
    /// for any other value.
    Fixed {
        /// Why other values are refused.
        why: &'static str,
    },
    /// A runtime option of a layer `sequential!` does not build.
    Runtime,
}

impl Layer {
    /// The call as shown in `sequential!`'s errors:
    /// `Conv2d(in_channels, out_channels, kernel_size, stride = 1, ...)`,
    /// or the bare name for a layer without arguments.
    pub fn signature(&self) -> String {
        if self.args.is_empty() {
            return self.name.into();
        }
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| match a.default {
                Default::Required => a.name.into(),
                Default::SameAs(i) => format!("{} = {}", a.name, self.args[i].name),
                d => format!("{} = {}", a.name, d.rust_literal().unwrap_or_default()),
            })
            .collect();
        format!("{}({})", self.name, args.join(", "))
    }

    /// The index of the argument `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.args.iter().position(|a| a.name == name)
    }
}

/// The layer of this name.
pub fn layer(name: &str) -> Option<&'static Layer> {
    LAYERS.iter().find(|l| l.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_same_as_points_backwards() {
        for (i, l) in LAYERS.iter().enumerate() {
            assert!(LAYERS[..i].iter().all(|o| o.name != l.name), "{}", l.name);
            for (j, a) in l.args.iter().enumerate() {
                assert!(
                    l.args[..j].iter().all(|o| o.name != a.name),
                    "{}.{}",
                    l.name,
                    a.name
                );
                if let Default::SameAs(k) = a.default {
                    assert!(k < j, "{}.{}", l.name, a.name);
                }
                if !l.sequential {
                    assert_eq!(a.form, Form::Runtime, "{}.{}", l.name, a.name);
                }
            }
        }
    }

    #[test]
    fn signatures_read_like_rust_calls() {
        assert_eq!(
            layer("MaxPool2d").unwrap().signature(),
            "MaxPool2d(kernel_size, stride = kernel_size, padding = 0, dilation = 1, return_indices = false, ceil_mode = false)"
        );
        assert_eq!(layer("ReLU").unwrap().signature(), "ReLU(inplace = false)");
        assert_eq!(layer("Identity").unwrap().signature(), "Identity");
        assert_eq!(Default::Float(1e-5).rust_literal().unwrap(), "1e-5");
        assert_eq!(Default::Float(0.5).rust_literal().unwrap(), "0.5");
    }
}
