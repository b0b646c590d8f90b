//! The `sequence` family (FORMAT.md): recurrent layers and cells,
//! multi-head attention, transformer layers and
//! `scaled_dot_product_attention`. Like `module`, but with several named
//! inputs and outputs; each half of the family has its own file.

use super::Outcome;
use super::case::{Case, TensorData};
use super::module::params;
use serde_json::Value;

/// Performs one sequence case.
pub(crate) fn run(case: &Case) -> Outcome {
    match case.op.as_str() {
        "rnn" | "lstm" | "gru" | "rnn_cell" | "lstm_cell" | "gru_cell" => {
            super::sequence_recurrent::run(case)
        }
        "multihead_attention"
        | "scaled_dot_product_attention"
        | "transformer_encoder_layer"
        | "transformer_encoder"
        | "transformer_decoder_layer" => super::sequence_attention::run(case),
        other => Outcome::Skip(format!("the sequence op `{other}` is not implemented yet")),
    }
}

/// Every float tensor of `inputs` and every parameter of `params`, under
/// their PyTorch names: what `harness::evaluate_outputs` loads (and marks
/// `requires_grad` as the case says). Integer and boolean inputs
/// (`lengths`, boolean masks) are read by the op's own code with
/// [`Case::input`].
pub(crate) fn float_tensors(case: &Case) -> Result<Vec<(String, TensorData)>, String> {
    let mut tensors = Vec::new();
    if let Some(inputs) = case.raw.get("inputs").and_then(Value::as_object) {
        for (name, value) in inputs {
            let tensor = TensorData::parse(value)?;
            if !tensor.is_integer() {
                tensors.push((name.clone(), tensor));
            }
        }
    }
    tensors.extend(params(case)?);
    Ok(tensors)
}

/// The case's `forward_options` (the forward's keyword arguments other
/// than tensors: `need_weights`, `is_causal`, `scale`, ...).
pub(crate) fn forward_options(case: &Case) -> serde_json::Map<String, Value> {
    case.raw
        .get("forward_options")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}
