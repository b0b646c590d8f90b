//! PyTorch's `extra_repr` of each layer type, from its constructor options
//! (PyTorch's defaults filled in), for layers built at run time.

use super::value::{LayerOptions, OptValue};
use crate::{Error, Result};

/// The layer types a runtime description may name, as `'static` names.
pub(crate) const KNOWN_TYPES: &[&str] = &[
    "Linear",
    "Conv1d",
    "Conv2d",
    "ConvTranspose2d",
    "MaxPool2d",
    "AvgPool2d",
    "AdaptiveAvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    "Embedding",
    "Flatten",
    "Dropout",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "GELU",
    "SiLU",
    "Sigmoid",
    "Tanh",
    "Softplus",
    "Hardtanh",
    "Softmax",
    "LogSoftmax",
];

/// The `'static` spelling of a known type name.
pub(crate) fn known_type(type_name: &str) -> Result<&'static str> {
    KNOWN_TYPES
        .iter()
        .copied()
        .find(|t| *t == type_name)
        .ok_or_else(|| {
            Error::option(
                "build_layer",
                "type",
                format!(
                    "{type_name:?} is not a layer type Kiln can build at run time (known: {})",
                    KNOWN_TYPES.join(", ")
                ),
            )
        })
}

use OptValue::{Bool, Float, Int, Tuple};

fn tuple_of(v: OptValue, n: usize) -> OptValue {
    match v {
        Int(_) | Float(_) => Tuple(vec![v; n]),
        other => other,
    }
}

fn inplace_suffix(o: &LayerOptions) -> &'static str {
    if o.get("inplace") == Some(&Bool(true)) {
        ", inplace=True"
    } else {
        ""
    }
}

/// What PyTorch's `extra_repr()` returns for a `type_name` layer built with
/// `o`; checks the options it needs.
pub(crate) fn extra_repr(type_name: &'static str, o: &LayerOptions) -> Result<String> {
    let s = |name: &str, default: OptValue| o.or(name, default).py_str();
    Ok(match type_name {
        "Linear" => format!(
            "in_features={}, out_features={}, bias={}",
            o.size(type_name, "in_features")?,
            o.size(type_name, "out_features")?,
            s("bias", Bool(true))
        ),
        "Conv1d" | "Conv2d" | "ConvTranspose2d" => {
            conv(type_name, o, if type_name == "Conv1d" { 1 } else { 2 })?
        }
        "MaxPool2d" => {
            let kernel = o
                .get("kernel_size")
                .cloned()
                .ok_or_else(|| Error::option(type_name, "kernel_size", "is required"))?;
            let stride = match o.get("stride") {
                None | Some(OptValue::None) => kernel.clone(),
                Some(v) => v.clone(),
            };
            format!(
                "kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}",
                kernel.py_str(),
                stride.py_str(),
                s("padding", Int(0)),
                s("dilation", Int(1)),
                s("ceil_mode", Bool(false))
            )
        }
        "AvgPool2d" => {
            let kernel = o
                .get("kernel_size")
                .cloned()
                .ok_or_else(|| Error::option(type_name, "kernel_size", "is required"))?;
            let stride = match o.get("stride") {
                None | Some(OptValue::None) => kernel.clone(),
                Some(v) => v.clone(),
            };
            format!(
                "kernel_size={}, stride={}, padding={}",
                kernel.py_str(),
                stride.py_str(),
                s("padding", Int(0))
            )
        }
        "AdaptiveAvgPool2d" => format!(
            "output_size={}",
            o.get("output_size")
                .ok_or_else(|| Error::option(type_name, "output_size", "is required"))?
                .py_str()
        ),
        "BatchNorm1d" | "BatchNorm2d" => {
            let affine = o.flag(type_name, "affine", true)?;
            let bias = affine && o.flag(type_name, "bias", true)?;
            format!(
                "{}, eps={}, momentum={}, affine={}, bias={}, track_running_stats={}",
                o.size(type_name, "num_features")?,
                s("eps", Float(1e-5)),
                s("momentum", Float(0.1)),
                Bool(affine).py_str(),
                Bool(bias).py_str(),
                s("track_running_stats", Bool(true))
            )
        }
        "LayerNorm" => {
            let shape = o
                .get("normalized_shape")
                .cloned()
                .ok_or_else(|| Error::option(type_name, "normalized_shape", "is required"))?;
            let affine = o.flag(type_name, "elementwise_affine", true)?;
            let bias = affine && o.flag(type_name, "bias", true)?;
            format!(
                "{}, eps={}, elementwise_affine={}, bias={}",
                tuple_of(shape, 1).py_str(),
                s("eps", Float(1e-5)),
                Bool(affine).py_str(),
                Bool(bias).py_str()
            )
        }
        "Embedding" => embedding(o)?,
        "Flatten" => format!(
            "start_dim={}, end_dim={}",
            s("start_dim", Int(1)),
            s("end_dim", Int(-1))
        ),
        "Dropout" => format!(
            "p={}, inplace={}",
            s("p", Float(0.5)),
            s("inplace", Bool(false))
        ),
        "ReLU" | "SiLU" => inplace_suffix(o).trim_start_matches(", ").to_string(),
        "LeakyReLU" => format!(
            "negative_slope={}{}",
            s("negative_slope", Float(0.01)),
            inplace_suffix(o)
        ),
        "ELU" => format!("alpha={}{}", s("alpha", Float(1.0)), inplace_suffix(o)),
        "GELU" => format!(
            "approximate={}",
            o.or("approximate", "none".into()).py_repr()
        ),
        "Sigmoid" | "Tanh" => String::new(),
        "Softplus" => format!(
            "beta={}, threshold={}",
            s("beta", Float(1.0)),
            s("threshold", Float(20.0))
        ),
        "Hardtanh" => format!(
            "min_val={}, max_val={}{}",
            s("min_val", Float(-1.0)),
            s("max_val", Float(1.0)),
            inplace_suffix(o)
        ),
        "Softmax" | "LogSoftmax" => format!("dim={}", s("dim", OptValue::None)),
        other => unreachable!("`{other}` is in KNOWN_TYPES without a printout"),
    })
}

/// `_ConvNd.extra_repr`: sizes as tuples, non-default options only.
fn conv(type_name: &'static str, o: &LayerOptions, n: usize) -> Result<String> {
    let kernel = o
        .get("kernel_size")
        .cloned()
        .ok_or_else(|| Error::option(type_name, "kernel_size", "is required"))?;
    let padding = match o.or("padding", Int(0)) {
        p @ OptValue::Str(_) => p,
        p => tuple_of(p, n),
    };
    let dilation = tuple_of(o.or("dilation", Int(1)), n);
    let mut out = format!(
        "{}, {}, kernel_size={}, stride={}",
        o.size(type_name, "in_channels")?,
        o.size(type_name, "out_channels")?,
        tuple_of(kernel, n).py_str(),
        tuple_of(o.or("stride", Int(1)), n).py_str()
    );
    if padding != Tuple(vec![Int(0); n]) {
        out.push_str(&format!(", padding={}", padding.py_str()));
    }
    if dilation != Tuple(vec![Int(1); n]) {
        out.push_str(&format!(", dilation={}", dilation.py_str()));
    }
    let output_padding = tuple_of(o.or("output_padding", Int(0)), n);
    if output_padding != Tuple(vec![Int(0); n]) {
        out.push_str(&format!(", output_padding={}", output_padding.py_str()));
    }
    let groups = o.int(type_name, "groups", 1)?;
    if groups != 1 {
        out.push_str(&format!(", groups={groups}"));
    }
    if !o.flag(type_name, "bias", true)? {
        out.push_str(", bias=False");
    }
    let mode = o.or("padding_mode", "zeros".into());
    if mode != OptValue::from("zeros") {
        out.push_str(&format!(", padding_mode={}", mode.py_str()));
    }
    Ok(out)
}

/// `Embedding.extra_repr`, with a negative `padding_idx` counted from the end.
fn embedding(o: &LayerOptions) -> Result<String> {
    let num = o.size("Embedding", "num_embeddings")?;
    let mut out = format!("{num}, {}", o.size("Embedding", "embedding_dim")?);
    match o.get("padding_idx") {
        None | Some(OptValue::None) => {}
        Some(_) => {
            let idx = o.int("Embedding", "padding_idx", 0)?;
            let resolved = if idx < 0 { idx + num as i64 } else { idx };
            if resolved < 0 || resolved >= num as i64 {
                return Err(Error::option(
                    "Embedding",
                    "padding_idx",
                    format!("{idx} must be within num_embeddings ({num})"),
                ));
            }
            out.push_str(&format!(", padding_idx={resolved}"));
        }
    }
    if let Some(v) = o.get("max_norm").filter(|v| **v != OptValue::None) {
        out.push_str(&format!(", max_norm={}", v.py_str()));
    }
    if let Some(v) = o.get("norm_type").filter(|v| v.as_f64() != Some(2.0)) {
        out.push_str(&format!(", norm_type={}", v.py_str()));
    }
    if o.flag("Embedding", "scale_grad_by_freq", false)? {
        out.push_str(", scale_grad_by_freq=True");
    }
    if o.flag("Embedding", "sparse", false)? {
        out.push_str(", sparse=True");
    }
    Ok(out)
}
