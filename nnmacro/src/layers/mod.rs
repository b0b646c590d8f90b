//! The layers `sequential!` knows, with PyTorch's argument lists
//! ([`LAYERS`]); [`bind`] matches a call's arguments (positional or
//! keyword) to them. Adding a layer is one entry in [`LAYERS`] (plus, if it
//! changes the feature or channel count, a line in `seq::check`).

mod bind;

pub use bind::{BoundLayer, Value, bind};

use crate::suggest;
use syn::Ident;

/// What an argument is.
#[derive(Clone, Copy)]
pub enum ArgKind {
    /// A size: an integer literal that becomes a typenum type parameter.
    Size {
        /// The smallest valid value.
        min: u64,
    },
    /// A runtime value handed to the constructor (`bias`).
    Flag,
    /// A probability: a float literal in [0, 1], checked by the macro and
    /// handed to the constructor `with_p` (Dropout's `p`).
    Probability,
    /// A `true`/`false` literal that picks the layer type: `false` (the
    /// default) keeps the spec's layer, `true` builds `layer` instead, a
    /// sibling type with the same sizes (`ceil_mode = true` builds
    /// `MaxPool2dCeil` or `AvgPool2dCeil`, whose output size the compiler
    /// computes in ceil mode).
    Selects {
        /// The layer type `true` builds.
        layer: &'static str,
    },
    /// An option only whose default is supported for now; `why` is the error
    /// for any other value.
    Fixed {
        /// Why other values are refused.
        why: &'static str,
    },
}

/// The default of an optional argument.
#[derive(Clone, Copy)]
pub enum Default {
    /// No default: the argument is required.
    Required,
    /// A value, as Rust tokens (`"1"`, `"true"`, `"-1"`).
    Value(&'static str),
    /// The value of another argument (MaxPool2d's stride is its kernel size).
    SameAs(usize),
}

/// One argument of a layer, in PyTorch's order.
pub struct ArgSpec {
    /// PyTorch's keyword.
    pub name: &'static str,
    /// What it is.
    pub kind: ArgKind,
    /// Its default.
    pub default: Default,
}

/// A layer the macros know.
pub struct LayerSpec {
    /// The name, as in PyTorch and in `kiln::nn`.
    pub name: &'static str,
    /// Its arguments in PyTorch's order.
    pub args: &'static [ArgSpec],
    /// The call as shown in errors.
    pub signature: &'static str,
}

const fn arg(name: &'static str, kind: ArgKind, default: Default) -> ArgSpec {
    ArgSpec {
        name,
        kind,
        default,
    }
}

const SIZE: ArgKind = ArgKind::Size { min: 0 };
const POSITIVE: ArgKind = ArgKind::Size { min: 1 };

/// Every known layer.
pub const LAYERS: &[LayerSpec] = &[
    LayerSpec {
        name: "Linear",
        args: &[
            arg("in_features", SIZE, Default::Required),
            arg("out_features", SIZE, Default::Required),
            arg("bias", ArgKind::Flag, Default::Value("true")),
        ],
        signature: "Linear(in_features, out_features, bias = true)",
    },
    LayerSpec {
        name: "Conv2d",
        args: &[
            arg("in_channels", POSITIVE, Default::Required),
            arg("out_channels", POSITIVE, Default::Required),
            arg("kernel_size", POSITIVE, Default::Required),
            arg("stride", POSITIVE, Default::Value("1")),
            arg("padding", SIZE, Default::Value("0")),
            arg("dilation", POSITIVE, Default::Value("1")),
            arg("groups", POSITIVE, Default::Value("1")),
            arg("bias", ArgKind::Flag, Default::Value("true")),
        ],
        signature: "Conv2d(in_channels, out_channels, kernel_size, stride = 1, padding = 0, dilation = 1, groups = 1, bias = true)",
    },
    LayerSpec {
        name: "ConvTranspose2d",
        args: &[
            arg("in_channels", POSITIVE, Default::Required),
            arg("out_channels", POSITIVE, Default::Required),
            arg("kernel_size", POSITIVE, Default::Required),
            arg("stride", POSITIVE, Default::Value("1")),
            arg("padding", SIZE, Default::Value("0")),
            arg("output_padding", SIZE, Default::Value("0")),
            arg("groups", POSITIVE, Default::Value("1")),
            arg("bias", ArgKind::Flag, Default::Value("true")),
            arg("dilation", POSITIVE, Default::Value("1")),
        ],
        signature: "ConvTranspose2d(in_channels, out_channels, kernel_size, stride = 1, padding = 0, output_padding = 0, groups = 1, bias = true, dilation = 1)",
    },
    LayerSpec {
        name: "MaxPool2d",
        args: &[
            arg("kernel_size", POSITIVE, Default::Required),
            arg("stride", POSITIVE, Default::SameAs(0)),
            arg("padding", SIZE, Default::Value("0")),
            arg("dilation", POSITIVE, Default::Value("1")),
            arg(
                "return_indices",
                ArgKind::Fixed {
                    why: "return_indices is not supported yet: only return_indices = false",
                },
                Default::Value("false"),
            ),
            arg(
                "ceil_mode",
                ArgKind::Selects {
                    layer: "MaxPool2dCeil",
                },
                Default::Value("false"),
            ),
        ],
        signature: "MaxPool2d(kernel_size, stride = kernel_size, padding = 0, dilation = 1, ceil_mode = false)",
    },
    LayerSpec {
        name: "Conv1d",
        args: &[
            arg("in_channels", POSITIVE, Default::Required),
            arg("out_channels", POSITIVE, Default::Required),
            arg("kernel_size", POSITIVE, Default::Required),
            arg("stride", POSITIVE, Default::Value("1")),
            arg("padding", SIZE, Default::Value("0")),
            arg("dilation", POSITIVE, Default::Value("1")),
            arg("groups", POSITIVE, Default::Value("1")),
            arg("bias", ArgKind::Flag, Default::Value("true")),
        ],
        signature: "Conv1d(in_channels, out_channels, kernel_size, stride = 1, padding = 0, dilation = 1, groups = 1, bias = true)",
    },
    LayerSpec {
        name: "AvgPool2d",
        args: &[
            arg("kernel_size", POSITIVE, Default::Required),
            arg("stride", POSITIVE, Default::SameAs(0)),
            arg("padding", SIZE, Default::Value("0")),
            arg(
                "ceil_mode",
                ArgKind::Selects {
                    layer: "AvgPool2dCeil",
                },
                Default::Value("false"),
            ),
            arg(
                "count_include_pad",
                ArgKind::Fixed {
                    why: "sequential! builds AvgPool2d with count_include_pad = true; use AvgPool2d::<K, S, P>::new().count_include_pad(false) as an expression",
                },
                Default::Value("true"),
            ),
        ],
        signature: "AvgPool2d(kernel_size, stride = kernel_size, padding = 0, ceil_mode = false)",
    },
    LayerSpec {
        name: "ReLU",
        args: &[arg(
            "inplace",
            ArgKind::Fixed {
                why: "ReLU(inplace = true) is not supported: only inplace = false",
            },
            Default::Value("false"),
        )],
        signature: "ReLU",
    },
    LayerSpec {
        name: "Flatten",
        args: &[
            arg(
                "start_dim",
                ArgKind::Fixed {
                    why: "Flatten supports only start_dim = 1 for now",
                },
                Default::Value("1"),
            ),
            arg(
                "end_dim",
                ArgKind::Fixed {
                    why: "Flatten supports only end_dim = -1 for now",
                },
                Default::Value("-1"),
            ),
        ],
        signature: "Flatten(start_dim = 1, end_dim = -1)",
    },
    LayerSpec {
        name: "BatchNorm1d",
        args: &[
            arg("num_features", POSITIVE, Default::Required),
            arg(
                "eps",
                ArgKind::Fixed {
                    why: "sequential! builds BatchNorm1d with eps = 1e-5; use BatchNorm1d::<C>::new().eps(..) as an expression",
                },
                Default::Value("1e-5"),
            ),
            arg(
                "momentum",
                ArgKind::Fixed {
                    why: "sequential! builds BatchNorm1d with momentum = 0.1; use BatchNorm1d::<C>::new().momentum(..) as an expression",
                },
                Default::Value("0.1"),
            ),
        ],
        signature: "BatchNorm1d(num_features)",
    },
    LayerSpec {
        name: "BatchNorm2d",
        args: &[
            arg("num_features", POSITIVE, Default::Required),
            arg(
                "eps",
                ArgKind::Fixed {
                    why: "sequential! builds BatchNorm2d with eps = 1e-5; use BatchNorm2d::<C>::new().eps(..) as an expression",
                },
                Default::Value("1e-5"),
            ),
            arg(
                "momentum",
                ArgKind::Fixed {
                    why: "sequential! builds BatchNorm2d with momentum = 0.1; use BatchNorm2d::<C>::new().momentum(..) as an expression",
                },
                Default::Value("0.1"),
            ),
        ],
        signature: "BatchNorm2d(num_features)",
    },
    LayerSpec {
        name: "Dropout",
        args: &[arg("p", ArgKind::Probability, Default::Value("0.5"))],
        signature: "Dropout(p = 0.5)",
    },
    LayerSpec {
        name: "Dropout2d",
        args: &[arg("p", ArgKind::Probability, Default::Value("0.5"))],
        signature: "Dropout2d(p = 0.5)",
    },
    LayerSpec {
        name: "AdaptiveAvgPool2d",
        args: &[arg("output_size", POSITIVE, Default::Required)],
        signature: "AdaptiveAvgPool2d(output_size)",
    },
    LayerSpec {
        name: "Identity",
        args: &[],
        signature: "Identity",
    },
    LayerSpec {
        name: "Sigmoid",
        args: &[],
        signature: "Sigmoid",
    },
    LayerSpec {
        name: "Tanh",
        args: &[],
        signature: "Tanh",
    },
    LayerSpec {
        name: "SiLU",
        args: &[],
        signature: "SiLU",
    },
];

/// PyTorch layers the macros do not build themselves. A name close to a
/// known layer but listed here (`GELU`, `Conv3d`) is passed through as the
/// user's own expression or type, never reported as a typo.
const OTHER_TORCH_LAYERS: &[&str] = &[
    "ELU",
    "SELU",
    "CELU",
    "GELU",
    "Mish",
    "ReLU6",
    "PReLU",
    "RReLU",
    "LeakyReLU",
    "Softmax",
    "LogSoftmax",
    "Unflatten",
    "Dropout1d",
    "Conv3d",
    "ConvTranspose1d",
    "LazyLinear",
    "Bilinear",
    "MaxPool1d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool3d",
    "LPPool2d",
    "LayerNorm",
    "GroupNorm",
    "Embedding",
];

/// The spec of a known layer.
pub fn known(ident: &Ident) -> Option<&'static LayerSpec> {
    LAYERS.iter().find(|l| ident == l.name)
}

/// The known layer `ident` looks like a typo of: a capitalised name within
/// edit distance 2 (ignoring case) that is neither a known layer nor another
/// PyTorch layer.
pub fn typo_of(ident: &Ident) -> Option<&'static str> {
    let word = ident.to_string();
    let capitalised = word.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    if !capitalised
        || word.len() < 3
        || known(ident).is_some()
        || OTHER_TORCH_LAYERS.contains(&word.as_str())
    {
        return None;
    }
    suggest::closest(&word, LAYERS.iter().map(|l| l.name))
}
