//! The `module` family: a layer built from its constructor options with
//! the case's parameters, run on the input (runtime shapes).

use super::Outcome;
use super::case::{Case, TensorData};
use super::harness::{evaluate, float_inputs};
use crate::ops::{Conv2dOptions, MaxPool2dOptions, conv2d, linear, max_pool2d};
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

fn perform(case: &Case) -> Result<Outcome, String> {
    let mut tensors = float_inputs(case, &["input"])?;
    tensors.extend(params(case)?);
    Ok(match case.op.as_str() {
        "linear" => evaluate(case, tensors, |t| {
            linear(t.get("input"), t.get("weight"), t.opt("bias"))
        }),
        "conv2d" => {
            if matches!(case.options.get("padding"), Some(Value::String(_))) {
                return Ok(Outcome::Skip(
                    "padding 'same'/'valid' is not implemented yet".into(),
                ));
            }
            if case.str_option("padding_mode", "zeros") != "zeros" {
                return Ok(Outcome::Skip(
                    "padding modes other than zeros are not implemented".into(),
                ));
            }
            let options = Conv2dOptions {
                stride: pair(case, "stride", 1)?,
                padding: pair(case, "padding", 0)?,
                dilation: pair(case, "dilation", 1)?,
                groups: case.i64_option("groups", 1) as usize,
            };
            evaluate(case, tensors, |t| {
                conv2d(t.get("input"), t.get("weight"), t.opt("bias"), options)
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
        other => Outcome::Skip(format!("the module `{other}` is not implemented yet")),
    })
}
