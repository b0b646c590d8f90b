//! The `module` family, continued: the layers with state or integer
//! inputs (BatchNorm with its running buffers, LayerNorm, Embedding,
//! Dropout), run through the functional ops in f64 with the layer's logic
//! (the running-average factor) shared with `nn`.

use super::Outcome;
use super::case::{Case, TensorData};
use super::compare::{Tolerance, compare};
use super::harness::evaluate;
use crate::ops::{
    BatchNormOptions, EmbeddingOptions, batch_norm, batch_norm_momentum, dropout, embedding,
    layer_norm,
};
use serde_json::Value;

/// Performs the ops of this file; `None` for any other op.
pub(crate) fn perform(
    case: &Case,
    tensors: Vec<(String, TensorData)>,
) -> Option<Result<Outcome, String>> {
    Some(match case.op.as_str() {
        "batch_norm1d" | "batch_norm2d" => batch_norm_case(case, tensors),
        "layer_norm" => layer_norm_case(case, tensors),
        "embedding" => embedding_case(case, tensors),
        "dropout" => dropout_case(case, tensors),
        _ => return None,
    })
}

fn take(tensors: &mut Vec<(String, TensorData)>, name: &str) -> Option<TensorData> {
    let i = tensors.iter().position(|(n, _)| n == name)?;
    Some(tensors.remove(i).1)
}

fn batch_norm_case(case: &Case, mut tensors: Vec<(String, TensorData)>) -> Result<Outcome, String> {
    let training = case
        .raw
        .get("training")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let track = case.bool_option("track_running_stats", true);
    let momentum = match case.options.get("momentum") {
        Some(Value::Null) => None,
        _ => Some(case.f64_option("momentum", 0.1)),
    };
    let rm = take(&mut tensors, "running_mean").map(|t| t.to_f64());
    let rv = take(&mut tensors, "running_var").map(|t| t.to_f64());
    let mut tracked = take(&mut tensors, "num_batches_tracked").map(|t| t.data[0] as u64);
    let running = match (&rm, &rv, track) {
        (Some(m), Some(v), true) => Some((m, v)),
        _ => None,
    };
    // nn.BatchNorm: count the batch, then pick the factor.
    if training && let Some(n) = tracked.as_mut() {
        *n += 1;
    }
    let options = BatchNormOptions {
        training: training || running.is_none(),
        momentum: batch_norm_momentum(momentum, tracked.unwrap_or(0)),
        eps: case.f64_option("eps", 1e-5),
    };
    let outcome = evaluate(case, tensors, |t| {
        batch_norm(
            t.get("input"),
            running,
            t.opt("weight"),
            t.opt("bias"),
            options,
        )
    });
    if outcome != Outcome::Pass {
        return Ok(outcome);
    }
    let Some(buffers) = case.expected().get("buffers").and_then(Value::as_object) else {
        return Ok(Outcome::Pass);
    };
    let tol = Tolerance::of(case);
    for (name, value) in buffers {
        let expected = TensorData::parse(value)?;
        let (shape, actual) = match name.as_str() {
            "running_mean" => rm.as_ref().map(|t| (t.shape().to_vec(), t.to_vec())),
            "running_var" => rv.as_ref().map(|t| (t.shape().to_vec(), t.to_vec())),
            "num_batches_tracked" => tracked.map(|n| (vec![], vec![n as f64])),
            _ => None,
        }
        .ok_or(format!("unknown buffer `{name}`"))?;
        if let Err(why) = compare(&format!("buffer {name}"), &shape, &actual, &expected, tol) {
            return Ok(Outcome::Fail(why));
        }
    }
    Ok(Outcome::Pass)
}

fn layer_norm_case(case: &Case, tensors: Vec<(String, TensorData)>) -> Result<Outcome, String> {
    let shape: Vec<usize> = match case.options.get("normalized_shape") {
        Some(Value::Number(n)) => vec![n.as_u64().ok_or("bad normalized_shape")? as usize],
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_u64()
                    .map(|v| v as usize)
                    .ok_or("bad normalized_shape".to_string())
            })
            .collect::<Result<_, _>>()?,
        other => return Err(format!("normalized_shape = {other:?}")),
    };
    let eps = case.f64_option("eps", 1e-5);
    Ok(evaluate(case, tensors, |t| {
        layer_norm(t.get("input"), &shape, t.opt("weight"), t.opt("bias"), eps)
    }))
}

fn embedding_case(case: &Case, mut tensors: Vec<(String, TensorData)>) -> Result<Outcome, String> {
    let indices = take(&mut tensors, "input").ok_or("no input")?.to_long();
    let n = case.i64_option("num_embeddings", 0);
    let padding_idx = match case.options.get("padding_idx") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let p = v.as_i64().ok_or("bad padding_idx")?;
            Some(if p < 0 { p + n } else { p } as usize)
        }
    };
    let options = EmbeddingOptions {
        padding_idx,
        scale_grad_by_freq: case.bool_option("scale_grad_by_freq", false),
    };
    Ok(evaluate(case, tensors, |t| {
        embedding(&indices, t.get("weight"), options)
    }))
}

fn dropout_case(case: &Case, tensors: Vec<(String, TensorData)>) -> Result<Outcome, String> {
    let training = case
        .raw
        .get("training")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let p = case.f64_option("p", 0.5);
    if training && p > 0.0 && p < 1.0 {
        return Ok(Outcome::Skip(
            "a random dropout mask cannot be compared value by value".into(),
        ));
    }
    Ok(evaluate(case, tensors, |t| {
        dropout(t.get("input"), p, training)
    }))
}
