//! The `module` family: a layer built from its constructor options with
//! the case's parameters, run on the input (runtime shapes).

use super::Outcome;
use super::case::{Case, TensorData};
use super::harness::{evaluate, float_inputs};
use crate::ops::{
    AvgPool2dOptions, Conv1dOptions, Conv2dOptions, ConvPadding, MaxPool2dOptions,
    adaptive_avg_pool2d, avg_pool2d, conv1d, conv2d_padded, linear, max_pool2d,
};
use serde_json::Value;

/// Performs one module case.
pub(crate) fn run(case: &Case) -> Outcome {
    match perform(case) {
        Ok(outcome) => outcome,
        Err(why) => Outcome::Fail(format!("bad case: {why}")),
    }
}

/// An int-or-pair option as (height, width).
pub(crate) fn pair(case: &Case, name: &str, default: usize) -> Result<(usize, usize), String> {
    match case.options.get(name) {
        None | Some(Value::Null) => Ok((default, default)),
        Some(Value::Number(n)) => {
            let v = n.as_u64().ok_or(format!("`{name}` is not a size"))? as usize;
            Ok((v, v))
        }
        Some(Value::Array(a)) if a.len() == 2 => {
            let get = |i: usize| {
                a[i].as_u64()
                    .map(|v| v as usize)
                    .ok_or(format!("`{name}` is not a pair of sizes"))
            };
            Ok((get(0)?, get(1)?))
        }
        Some(other) => Err(format!("`{name}` = {other} is not supported")),
    }
}

fn params(case: &Case) -> Result<Vec<(String, TensorData)>, String> {
    let Some(p) = case.raw.get("params").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    p.iter()
        .map(|(k, v)| TensorData::parse(v).map(|t| (k.clone(), t)))
        .collect()
}

/// `padding="same"` / `"valid"`.
fn string_padding(s: &str) -> Result<ConvPadding, String> {
    match s {
        "same" => Ok(ConvPadding::Same),
        "valid" => Ok(ConvPadding::Valid),
        other => Err(format!("padding = {other:?}")),
    }
}

/// A zero weight `[out, in/groups, kernel...]` from the constructor
/// options, for cases without `params` (PyTorch rejected the options
/// before any weight mattered).
fn default_weight(case: &Case, kernel: &[usize]) -> Option<(String, TensorData)> {
    if case
        .raw
        .get("params")
        .and_then(Value::as_object)
        .is_some_and(|p| p.contains_key("weight"))
    {
        return None;
    }
    let groups = case.i64_option("groups", 1).max(1) as usize;
    let mut shape = vec![
        case.i64_option("out_channels", 1) as usize,
        case.i64_option("in_channels", 1) as usize / groups,
    ];
    shape.extend_from_slice(kernel);
    let n = shape.iter().product();
    Some((
        "weight".into(),
        TensorData {
            shape,
            dtype: "float64".into(),
            data: vec![0.0; n],
        },
    ))
}

fn perform(case: &Case) -> Result<Outcome, String> {
    let mut tensors = float_inputs(case, &["input"])?;
    tensors.extend(params(case)?);
    Ok(match case.op.as_str() {
        "linear" => evaluate(case, tensors, |t| {
            linear(t.get("input"), t.get("weight"), t.opt("bias"))
        }),
        "conv2d" => {
            if case.str_option("padding_mode", "zeros") != "zeros" {
                return Ok(Outcome::Skip(
                    "padding modes other than zeros are not implemented".into(),
                ));
            }
            let padding = match case.options.get("padding") {
                Some(Value::String(s)) => string_padding(s)?,
                _ => {
                    let (h, w) = pair(case, "padding", 0)?;
                    ConvPadding::Explicit(h, w)
                }
            };
            let options = Conv2dOptions {
                stride: pair(case, "stride", 1)?,
                padding: (0, 0),
                dilation: pair(case, "dilation", 1)?,
                groups: case.i64_option("groups", 1) as usize,
            };
            let (kh, kw) = pair(case, "kernel_size", 1)?;
            tensors.extend(default_weight(case, &[kh, kw]));
            evaluate(case, tensors, |t| {
                conv2d_padded(
                    t.get("input"),
                    t.get("weight"),
                    t.opt("bias"),
                    options,
                    padding,
                )
            })
        }
        "conv1d" => {
            let padding = match case.options.get("padding") {
                Some(Value::String(s)) => string_padding(s)?,
                _ => ConvPadding::Explicit(0, case.i64_option("padding", 0) as usize),
            };
            let options = Conv1dOptions {
                stride: case.i64_option("stride", 1) as usize,
                padding,
                dilation: case.i64_option("dilation", 1) as usize,
                groups: case.i64_option("groups", 1) as usize,
            };
            tensors.extend(default_weight(
                case,
                &[case.i64_option("kernel_size", 1) as usize],
            ));
            evaluate(case, tensors, |t| {
                conv1d(t.get("input"), t.get("weight"), t.opt("bias"), options)
            })
        }
        "avg_pool2d" => {
            let kernel_size = pair(case, "kernel_size", 1)?;
            let options = AvgPool2dOptions {
                kernel_size,
                stride: match case.options.get("stride") {
                    None | Some(Value::Null) => kernel_size,
                    Some(_) => pair(case, "stride", 1)?,
                },
                padding: pair(case, "padding", 0)?,
                ceil_mode: case.bool_option("ceil_mode", false),
                count_include_pad: case.bool_option("count_include_pad", true),
                divisor_override: case
                    .options
                    .get("divisor_override")
                    .and_then(Value::as_u64)
                    .map(|d| d as usize),
            };
            evaluate(case, tensors, |t| avg_pool2d(t.get("input"), options))
        }
        "adaptive_avg_pool2d" => {
            let size = |v: &Value| v.as_u64().map(|v| v as usize);
            let output_size = match case.options.get("output_size") {
                Some(Value::Number(n)) => {
                    let v = n.as_u64().map(|v| v as usize);
                    (v, v)
                }
                Some(Value::Array(a)) if a.len() == 2 => (size(&a[0]), size(&a[1])),
                other => return Err(format!("output_size = {other:?}")),
            };
            evaluate(case, tensors, |t| {
                adaptive_avg_pool2d(t.get("input"), output_size)
            })
        }
        "max_pool2d" => {
            if case.bool_option("return_indices", false) {
                return Ok(Outcome::Skip("return_indices is not implemented".into()));
            }
            let kernel_size = pair(case, "kernel_size", 1)?;
            let options = MaxPool2dOptions {
                kernel_size,
                stride: match case.options.get("stride") {
                    None | Some(Value::Null) => kernel_size,
                    Some(_) => pair(case, "stride", 1)?,
                },
                padding: pair(case, "padding", 0)?,
                dilation: pair(case, "dilation", 1)?,
                ceil_mode: case.bool_option("ceil_mode", false),
            };
            evaluate(case, tensors, |t| max_pool2d(t.get("input"), options))
        }
        "flatten" => {
            let (start, end) = (
                case.i64_option("start_dim", 1) as isize,
                case.i64_option("end_dim", -1) as isize,
            );
            evaluate(case, tensors, |t| t.get("input").flatten(start, end))
        }
        other => match super::module_norm::perform(case, tensors) {
            Some(outcome) => outcome?,
            None => Outcome::Skip(format!("the module `{other}` is not implemented yet")),
        },
    })
}
