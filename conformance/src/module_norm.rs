//! The `module` family, continued: the layers with state or integer
//! inputs (BatchNorm with its running buffers, LayerNorm, Embedding,
//! Dropout), their options parsed by the layer's spec, run through the
//! functional ops in f64 with the layer's logic (the running-average
//! factor) shared with `nn`.

use super::Outcome;
use super::case::{Case, TensorData};
use super::compare::{Tolerance, compare};
use super::harness::evaluate;
use super::module::training;
use crate::nn::dynamic::LayerOptions;
use crate::nn::spec::parse;
use crate::nn::{
    BatchNorm1dSpec, BatchNorm2dSpec, BatchNormArgs, DropoutSpec, EmbeddingSpec, LayerNormSpec,
};
use crate::ops::{
    BatchNormOptions, EmbeddingOptions, batch_norm, batch_norm_momentum, dropout, embedding,
    layer_norm,
};
use serde_json::Value;

/// Performs the ops of this file; `None` for any other op.
pub(crate) fn perform(
    case: &Case,
    options: &LayerOptions,
    tensors: Vec<(String, TensorData)>,
) -> Option<Result<Outcome, String>> {
    let spec_error = |e: crate::Error| e.to_string();
    Some(match case.op.as_str() {
        "batch_norm1d" => parse::<BatchNorm1dSpec>(options)
            .map_err(spec_error)
            .and_then(|s| batch_norm_case(case, s.0, tensors)),
        "batch_norm2d" => parse::<BatchNorm2dSpec>(options)
            .map_err(spec_error)
            .and_then(|s| batch_norm_case(case, s.0, tensors)),
        "layer_norm" => parse::<LayerNormSpec>(options)
            .map_err(spec_error)
            .and_then(|s| layer_norm_case(case, s, tensors)),
        "embedding" => parse::<EmbeddingSpec>(options)
            .map_err(spec_error)
            .and_then(|s| embedding_case(case, s, tensors)),
        "dropout" => parse::<DropoutSpec>(options)
            .map_err(spec_error)
            .and_then(|s| dropout_case(case, s, tensors)),
        _ => return None,
    })
}

fn take(tensors: &mut Vec<(String, TensorData)>, name: &str) -> Option<TensorData> {
    let i = tensors.iter().position(|(n, _)| n == name)?;
    Some(tensors.remove(i).1)
}

fn batch_norm_case(
    case: &Case,
    spec: BatchNormArgs,
    mut tensors: Vec<(String, TensorData)>,
) -> Result<Outcome, String> {
    let training = training(case);
    let track = spec.track_running_stats;
    let momentum = spec.momentum.map(|m| m.value());
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
        eps: spec.eps.value(),
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

fn layer_norm_case(
    case: &Case,
    spec: LayerNormSpec,
    tensors: Vec<(String, TensorData)>,
) -> Result<Outcome, String> {
    let (shape, eps) = (spec.normalized_shape, spec.eps.value());
    Ok(evaluate(case, tensors, |t| {
        layer_norm(t.get("input"), &shape, t.opt("weight"), t.opt("bias"), eps)
    }))
}

fn embedding_case(
    case: &Case,
    spec: EmbeddingSpec,
    mut tensors: Vec<(String, TensorData)>,
) -> Result<Outcome, String> {
    let indices = take(&mut tensors, "input").ok_or("no input")?.to_long();
    let options = EmbeddingOptions {
        padding_idx: spec.padding_idx,
        scale_grad_by_freq: spec.scale_grad_by_freq,
    };
    Ok(evaluate(case, tensors, |t| {
        embedding(&indices, t.get("weight"), options)
    }))
}

fn dropout_case(
    case: &Case,
    spec: DropoutSpec,
    tensors: Vec<(String, TensorData)>,
) -> Result<Outcome, String> {
    let training = training(case);
    let p = spec.p.value();
    if training && p > 0.0 && p < 1.0 {
        return Ok(Outcome::Skip(
            "a random dropout mask cannot be compared value by value".into(),
        ));
    }
    Ok(evaluate(case, tensors, |t| {
        dropout(t.get("input"), p, training)
    }))
}
