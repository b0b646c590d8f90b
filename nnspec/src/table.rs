//! The table: one row per layer, arguments in PyTorch's order.

use crate::{Arg, Chain, Default, Form, Layer};

const fn arg(name: &'static str, default: Default, form: Form) -> Arg {
    Arg {
        name,
        default,
        form,
    }
}

/// A runtime option of a layer `sequential!` does not build.
const fn opt(name: &'static str, default: Default) -> Arg {
    arg(name, default, Form::Runtime)
}

const fn fixed(name: &'static str, default: Default, why: &'static str) -> Arg {
    arg(name, default, Form::Fixed { why })
}

const SIZE: Form = Form::Size { min: 0 };
const POSITIVE: Form = Form::Size { min: 1 };
const REQUIRED: Default = Default::Required;
const TRUE: Default = Default::Bool(true);
const FALSE: Default = Default::Bool(false);

const fn sequential(name: &'static str, chain: Chain, args: &'static [Arg]) -> Layer {
    Layer {
        name,
        args,
        sequential: true,
        chain,
    }
}

const fn runtime(name: &'static str, args: &'static [Arg]) -> Layer {
    Layer {
        name,
        args,
        sequential: false,
        chain: Chain::Unknown,
    }
}

const FEATURES: Chain = Chain::Features {
    input: 0,
    output: 1,
};
const CHANNELS: Chain = Chain::Channels {
    input: 0,
    output: 1,
};

/// `_ConvNd`'s arguments after `kernel_size`, as `Conv1d` and `Conv2d` take them.
macro_rules! conv_args {
    ($name:literal) => {
        &[
            arg("in_channels", REQUIRED, POSITIVE),
            arg("out_channels", REQUIRED, POSITIVE),
            arg("kernel_size", REQUIRED, POSITIVE),
            arg("stride", Default::Int(1), POSITIVE),
            arg("padding", Default::Int(0), SIZE),
            arg("dilation", Default::Int(1), POSITIVE),
            arg("groups", Default::Int(1), POSITIVE),
            arg("bias", TRUE, Form::Flag),
            fixed(
                "padding_mode",
                Default::Str("zeros"),
                concat!(
                    "sequential! builds ",
                    $name,
                    " with padding_mode = \"zeros\" only"
                ),
            ),
        ]
    };
}

/// `BatchNorm1d` / `BatchNorm2d`'s arguments.
macro_rules! batch_norm_args {
    ($name:literal) => {
        &[
            arg("num_features", REQUIRED, POSITIVE),
            fixed(
                "eps",
                Default::Float(1e-5),
                concat!(
                    "sequential! builds ",
                    $name,
                    " with eps = 1e-5; use ",
                    $name,
                    "::<C>::new().eps(..) as an expression"
                ),
            ),
            fixed(
                "momentum",
                Default::Float(0.1),
                concat!(
                    "sequential! builds ",
                    $name,
                    " with momentum = 0.1; use ",
                    $name,
                    "::<C>::new().momentum(..) as an expression"
                ),
            ),
            fixed(
                "affine",
                TRUE,
                concat!(
                    "sequential! builds ",
                    $name,
                    " with affine = true; use ",
                    $name,
                    "::<C>::new().affine(false) as an expression"
                ),
            ),
            fixed(
                "bias",
                TRUE,
                concat!("sequential! builds ", $name, " with bias = true"),
            ),
            fixed(
                "track_running_stats",
                TRUE,
                concat!(
                    "sequential! builds ",
                    $name,
                    " with track_running_stats = true; use ",
                    $name,
                    "::<C>::new().track_running_stats(false) as an expression"
                ),
            ),
        ]
    };
}

/// `inplace`, which Kiln only prints (it never overwrites an op's input).
const INPLACE: Arg = opt("inplace", FALSE);

/// Every layer Kiln knows, in no particular order.
/// `nn.RNN`/`LSTM`/`GRU`'s arguments in PyTorch's order: RNN adds
/// `nonlinearity` after `num_layers`, LSTM `proj_size` at the end.
macro_rules! recurrent_args {
    ($($after_layers:expr,)? $(; $last:expr)?) => {
        [
            opt("input_size", REQUIRED),
            opt("hidden_size", REQUIRED),
            opt("num_layers", Default::Int(1)),
            $($after_layers,)?
            opt("bias", TRUE),
            opt("batch_first", FALSE),
            opt("dropout", Default::Float(0.0)),
            opt("bidirectional", FALSE),
            $($last,)?
        ]
    };
}

/// `nn.LSTMCell`/`GRUCell`'s arguments.
macro_rules! cell_args {
    () => {
        [
            opt("input_size", REQUIRED),
            opt("hidden_size", REQUIRED),
            opt("bias", TRUE),
        ]
    };
}

pub const LAYERS: &[Layer] = &[
    sequential(
        "Linear",
        FEATURES,
        &[
            arg("in_features", REQUIRED, SIZE),
            arg("out_features", REQUIRED, SIZE),
            arg("bias", TRUE, Form::Flag),
        ],
    ),
    sequential("Conv1d", CHANNELS, conv_args!("Conv1d")),
    sequential("Conv2d", CHANNELS, conv_args!("Conv2d")),
    sequential(
        "ConvTranspose2d",
        CHANNELS,
        &[
            arg("in_channels", REQUIRED, POSITIVE),
            arg("out_channels", REQUIRED, POSITIVE),
            arg("kernel_size", REQUIRED, POSITIVE),
            arg("stride", Default::Int(1), POSITIVE),
            arg("padding", Default::Int(0), SIZE),
            arg("output_padding", Default::Int(0), SIZE),
            arg("groups", Default::Int(1), POSITIVE),
            arg("bias", TRUE, Form::Flag),
            arg("dilation", Default::Int(1), POSITIVE),
            fixed(
                "padding_mode",
                Default::Str("zeros"),
                "sequential! builds ConvTranspose2d with padding_mode = \"zeros\" only",
            ),
        ],
    ),
    sequential(
        "MaxPool2d",
        Chain::KeepsChannels,
        &[
            arg("kernel_size", REQUIRED, POSITIVE),
            arg("stride", Default::SameAs(0), POSITIVE),
            arg("padding", Default::Int(0), SIZE),
            arg("dilation", Default::Int(1), POSITIVE),
            fixed(
                "return_indices",
                FALSE,
                "return_indices is not supported yet: only return_indices = false",
            ),
            arg(
                "ceil_mode",
                FALSE,
                Form::Selects {
                    layer: "MaxPool2dCeil",
                },
            ),
        ],
    ),
    sequential(
        "AvgPool2d",
        Chain::KeepsChannels,
        &[
            arg("kernel_size", REQUIRED, POSITIVE),
            arg("stride", Default::SameAs(0), POSITIVE),
            arg("padding", Default::Int(0), SIZE),
            arg(
                "ceil_mode",
                FALSE,
                Form::Selects {
                    layer: "AvgPool2dCeil",
                },
            ),
            fixed(
                "count_include_pad",
                TRUE,
                "sequential! builds AvgPool2d with count_include_pad = true; use AvgPool2d::<K, S, P>::new().count_include_pad(false) as an expression",
            ),
            fixed(
                "divisor_override",
                Default::None,
                "sequential! builds AvgPool2d with divisor_override = None; use AvgPool2d::<K, S, P>::new().divisor_override(Some(..)) as an expression",
            ),
        ],
    ),
    sequential(
        "AdaptiveAvgPool2d",
        Chain::KeepsChannels,
        &[arg("output_size", REQUIRED, POSITIVE)],
    ),
    sequential(
        "BatchNorm1d",
        Chain::ExpectsFeatures { arg: 0 },
        batch_norm_args!("BatchNorm1d"),
    ),
    sequential(
        "BatchNorm2d",
        Chain::ExpectsChannels { arg: 0 },
        batch_norm_args!("BatchNorm2d"),
    ),
    runtime(
        "LayerNorm",
        &[
            opt("normalized_shape", REQUIRED),
            opt("eps", Default::Float(1e-5)),
            opt("elementwise_affine", TRUE),
            opt("bias", TRUE),
        ],
    ),
    runtime(
        "Embedding",
        &[
            opt("num_embeddings", REQUIRED),
            opt("embedding_dim", REQUIRED),
            opt("padding_idx", Default::None),
            opt("max_norm", Default::None),
            opt("norm_type", Default::Float(2.0)),
            opt("scale_grad_by_freq", FALSE),
            opt("sparse", FALSE),
        ],
    ),
    sequential(
        "Flatten",
        Chain::Unknown,
        &[
            fixed(
                "start_dim",
                Default::Int(1),
                "Flatten supports only start_dim = 1 for now",
            ),
            fixed(
                "end_dim",
                Default::Int(-1),
                "Flatten supports only end_dim = -1 for now",
            ),
        ],
    ),
    runtime(
        "Unflatten",
        &[opt("dim", REQUIRED), opt("unflattened_size", REQUIRED)],
    ),
    sequential(
        "Dropout",
        Chain::KeepsAll,
        &[
            arg("p", Default::Float(0.5), Form::Probability),
            fixed(
                "inplace",
                FALSE,
                "sequential! builds Dropout with inplace = false; use Dropout::with_p(p).inplace(true) as an expression",
            ),
        ],
    ),
    sequential(
        "Dropout2d",
        Chain::KeepsAll,
        &[
            arg("p", Default::Float(0.5), Form::Probability),
            fixed(
                "inplace",
                FALSE,
                "sequential! builds Dropout2d with inplace = false; use Dropout2d::with_p(p).inplace(true) as an expression",
            ),
        ],
    ),
    sequential(
        "ReLU",
        Chain::KeepsAll,
        &[fixed(
            "inplace",
            FALSE,
            "ReLU(inplace = true) is not supported: only inplace = false",
        )],
    ),
    sequential(
        "ReLU6",
        Chain::KeepsAll,
        &[fixed(
            "inplace",
            FALSE,
            "ReLU6(inplace = true) is not supported: only inplace = false",
        )],
    ),
    runtime(
        "LeakyReLU",
        &[opt("negative_slope", Default::Float(0.01)), INPLACE],
    ),
    runtime("ELU", &[opt("alpha", Default::Float(1.0)), INPLACE]),
    runtime("GELU", &[opt("approximate", Default::Str("none"))]),
    sequential(
        "SiLU",
        Chain::KeepsAll,
        &[fixed(
            "inplace",
            FALSE,
            "SiLU(inplace = true) is not supported: only inplace = false",
        )],
    ),
    sequential("Sigmoid", Chain::KeepsAll, &[]),
    sequential("Tanh", Chain::KeepsAll, &[]),
    sequential("Identity", Chain::KeepsAll, &[]),
    runtime(
        "Softplus",
        &[
            opt("beta", Default::Float(1.0)),
            opt("threshold", Default::Float(20.0)),
        ],
    ),
    runtime(
        "Hardtanh",
        &[
            opt("min_val", Default::Float(-1.0)),
            opt("max_val", Default::Float(1.0)),
            INPLACE,
        ],
    ),
    runtime("Softmax", &[opt("dim", Default::None)]),
    runtime("LogSoftmax", &[opt("dim", Default::None)]),
    runtime(
        "MultiheadAttention",
        &[
            opt("embed_dim", REQUIRED),
            opt("num_heads", REQUIRED),
            opt("dropout", Default::Float(0.0)),
            opt("bias", TRUE),
            opt("add_bias_kv", FALSE),
            opt("add_zero_attn", FALSE),
            opt("kdim", Default::None),
            opt("vdim", Default::None),
            opt("batch_first", FALSE),
        ],
    ),
    runtime("TransformerEncoderLayer", TRANSFORMER_LAYER),
    runtime("TransformerDecoderLayer", TRANSFORMER_LAYER),
    runtime(
        "TransformerEncoder",
        &[
            opt("encoder_layer", REQUIRED),
            opt("num_layers", REQUIRED),
            opt("norm", Default::None),
            opt("enable_nested_tensor", TRUE),
            opt("mask_check", TRUE),
        ],
    ),
    runtime(
        "TransformerDecoder",
        &[
            opt("decoder_layer", REQUIRED),
            opt("num_layers", REQUIRED),
            opt("norm", Default::None),
        ],
    ),
    runtime(
        "Transformer",
        &[
            opt("d_model", Default::Int(512)),
            opt("nhead", Default::Int(8)),
            opt("num_encoder_layers", Default::Int(6)),
            opt("num_decoder_layers", Default::Int(6)),
            opt("dim_feedforward", Default::Int(2048)),
            opt("dropout", Default::Float(0.1)),
            opt("activation", Default::Str("relu")),
            opt("custom_encoder", Default::None),
            opt("custom_decoder", Default::None),
            opt("layer_norm_eps", Default::Float(1e-5)),
            opt("batch_first", FALSE),
            opt("norm_first", FALSE),
            opt("bias", TRUE),
        ],
    ),
    // The recurrent layers (nncore/src/nn/recurrent): run at run time,
    // with their own forwards (a tuple of outputs), not through `sequential!`.
    runtime(
        "RNN",
        &recurrent_args!(opt("nonlinearity", Default::Str("tanh")),),
    ),
    runtime(
        "LSTM",
        &recurrent_args!(; opt("proj_size", Default::Int(0))),
    ),
    runtime("GRU", &recurrent_args!()),
    runtime(
        "RNNCell",
        &[
            opt("input_size", REQUIRED),
            opt("hidden_size", REQUIRED),
            opt("bias", TRUE),
            opt("nonlinearity", Default::Str("tanh")),
        ],
    ),
    runtime("LSTMCell", &cell_args!()),
    runtime("GRUCell", &cell_args!()),
];

/// `nn.TransformerEncoderLayer`'s and `nn.TransformerDecoderLayer`'s arguments.
const TRANSFORMER_LAYER: &[Arg] = &[
    opt("d_model", REQUIRED),
    opt("nhead", REQUIRED),
    opt("dim_feedforward", Default::Int(2048)),
    opt("dropout", Default::Float(0.1)),
    opt("activation", Default::Str("relu")),
    opt("layer_norm_eps", Default::Float(1e-5)),
    opt("batch_first", FALSE),
    opt("norm_first", FALSE),
    opt("bias", TRUE),
];
