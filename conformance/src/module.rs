//! The `module` family: a layer built from its constructor options with
//! the case's parameters, run on the input (runtime shapes). The options
//! are parsed and checked by the layer's spec and the forward is the
//! spec's, in f64: the same code a layer built at run time runs.

use super::Outcome;
use super::case::{Case, TensorData};
use super::harness::{evaluate, float_inputs};
use super::options::layer_options;
use crate::nn::spec::{registry, run_layer};
use serde_json::Value;

/// Performs one module case.
pub(crate) fn run(case: &Case) -> Outcome {
    match perform(case) {
        Ok(outcome) => outcome,
        Err(why) => Outcome::Fail(format!("bad case: {why}")),
    }
}

/// The case's `params` under their PyTorch names.
pub(crate) fn params(case: &Case) -> Result<Vec<(String, TensorData)>, String> {
    let Some(p) = case.raw.get("params").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    p.iter()
        .map(|(k, v)| TensorData::parse(v).map(|t| (k.clone(), t)))
        .collect()
}

/// The case's `training` flag (PyTorch modules start in training mode).
pub(crate) fn training(case: &Case) -> bool {
    case.raw
        .get("training")
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

fn perform(case: &Case) -> Result<Outcome, String> {
    let mut tensors = float_inputs(case, &["input"])?;
    tensors.extend(params(case)?);
    let options = layer_options(case.raw.get("options"))?;
    if let Some(outcome) = super::module_norm::perform(case, &options, tensors.clone()) {
        return outcome;
    }
    // The op is the class name in snake case: `max_pool2d` is `MaxPool2d`.
    let op = case.op.replace('_', "");
    let Some(layer) = registry().iter().find(|r| r.name.to_lowercase() == op) else {
        return Ok(Outcome::Skip(format!(
            "the module `{}` is not implemented yet",
            case.op
        )));
    };
    if matches!(layer.runs_with(&options), Ok(false)) {
        return Ok(Outcome::Skip(format!(
            "Kiln cannot run {} with these options yet",
            layer.name
        )));
    }
    let training = training(case);
    Ok(evaluate(case, tensors, |t| {
        run_layer(
            layer.name,
            &options,
            t.get("input"),
            t.opt("weight"),
            t.opt("bias"),
            training,
        )
    }))
}
