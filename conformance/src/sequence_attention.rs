//! The attention ops (`multihead_attention`, `scaled_dot_product_attention`, the transformer layers) of the
//! `sequence` family: each runs through its spec's `run`, the same code
//! the layers run, in f64 on the case's tensors under PyTorch's names.

use super::Outcome;
use super::case::Case;
use super::harness::evaluate_outputs;
use super::module::training;
use super::options::layer_options;
use super::sequence::{float_tensors, forward_options};
use crate::nn::spec::{LayerSpec, parse};
use crate::nn::{
    DecoderForward, EncoderForward, LayerNormSpec, MhaForward, MultiheadAttentionSpec,
    TransformerDecoderLayerSpec, TransformerEncoderLayerSpec, TransformerEncoderSpec,
};
use crate::ops::{AttnMask, BoolMask, SdpaOptions, scaled_dot_product_attention};
use crate::{DynTensor, Error, Result};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Performs one case.
pub(crate) fn run(case: &Case) -> Outcome {
    let tensors = match float_tensors(case) {
        Ok(t) => t,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let masks = match bool_masks(case) {
        Ok(m) => m,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let fo = forward_options(case);
    let training = training(case);
    evaluate_outputs(case, tensors, |t| {
        let mask = |name: &str| -> Option<AttnMask<'_, f64>> {
            match masks.get(name) {
                Some(m) => Some(AttnMask::Bool(m)),
                None => t.opt(name).map(AttnMask::Float),
            }
        };
        let flag = |name: &str| fo.get(name).and_then(Value::as_bool);
        let get = |name: &str| t.opt(name);
        let output = |y: DynTensor<f64>| Ok(vec![("output".to_string(), y)]);
        match case.op.as_str() {
            "scaled_dot_product_attention" => {
                let mut o = SdpaOptions::new().is_causal(flag("is_causal").unwrap_or(false));
                o.attn_mask = mask("attn_mask");
                o.scale = fo.get("scale").and_then(Value::as_f64);
                let (q, k, v) = (t.get("query"), t.get("key"), t.get("value"));
                output(scaled_dot_product_attention(q, k, v, o)?)
            }
            "multihead_attention" => {
                let spec: MultiheadAttentionSpec = spec_of(case.raw.get("options"))?;
                let f = MhaForward {
                    key_padding_mask: mask("key_padding_mask"),
                    need_weights: flag("need_weights").unwrap_or(true),
                    attn_mask: mask("attn_mask"),
                    average_attn_weights: flag("average_attn_weights").unwrap_or(true),
                    is_causal: flag("is_causal").unwrap_or(false),
                };
                let (q, k, v) = (t.get("query"), t.get("key"), t.get("value"));
                let (y, w) = spec.run(q, k, v, &get, &f, training)?;
                let mut out = vec![("attn_output".to_string(), y)];
                out.extend(w.map(|w| ("attn_output_weights".to_string(), w)));
                Ok(out)
            }
            "transformer_encoder_layer" => {
                let spec: TransformerEncoderLayerSpec = spec_of(case.raw.get("options"))?;
                let f = encoder_forward(&mask, "src_mask", flag("is_causal"));
                output(spec.run(t.get("src"), &f, &get, training)?)
            }
            "transformer_encoder" => {
                let spec = encoder_spec(&case.options)?;
                let f = encoder_forward(&mask, "mask", flag("is_causal"));
                output(spec.run(t.get("src"), &f, &get, training)?)
            }
            "transformer_decoder_layer" => {
                let spec: TransformerDecoderLayerSpec = spec_of(case.raw.get("options"))?;
                let f = DecoderForward {
                    tgt_mask: mask("tgt_mask"),
                    memory_mask: mask("memory_mask"),
                    tgt_key_padding_mask: mask("tgt_key_padding_mask"),
                    memory_key_padding_mask: mask("memory_key_padding_mask"),
                    tgt_is_causal: flag("tgt_is_causal"),
                    memory_is_causal: flag("memory_is_causal").unwrap_or(false),
                };
                output(spec.run(t.get("tgt"), t.get("memory"), &f, &get, training)?)
            }
            other => Err(Error::option(
                "sequence",
                "op",
                format!("{other} is not an attention op"),
            )),
        }
    })
}

/// The boolean inputs (masks) by name; float masks are loaded with the
/// other float tensors.
fn bool_masks(case: &Case) -> std::result::Result<BTreeMap<String, BoolMask>, String> {
    let mut masks = BTreeMap::new();
    if let Some(inputs) = case.raw.get("inputs").and_then(Value::as_object) {
        for name in inputs.keys() {
            let t = case.input(name)?;
            if t.dtype == "bool" {
                let values = t.data.iter().map(|&v| v != 0.0).collect();
                masks.insert(
                    name.clone(),
                    BoolMask::new(values, &t.shape).map_err(|e| e.to_string())?,
                );
            }
        }
    }
    Ok(masks)
}

fn encoder_forward<'a>(
    mask: &impl Fn(&str) -> Option<AttnMask<'a, f64>>,
    mask_name: &str,
    is_causal: Option<bool>,
) -> EncoderForward<'a, f64> {
    EncoderForward {
        src_mask: mask(mask_name),
        src_key_padding_mask: mask("src_key_padding_mask"),
        is_causal,
    }
}

/// A layer's spec from its constructor options, checked as PyTorch's
/// constructor checks them.
fn spec_of<S: LayerSpec>(options: Option<&Value>) -> Result<S> {
    let options = layer_options(options).map_err(|e| Error::option(S::NAME, "options", e))?;
    parse(&options)
}

/// `TransformerEncoder(encoder_layer, num_layers, norm)` from the case's
/// module descriptions.
fn encoder_spec(options: &Map<String, Value>) -> Result<TransformerEncoderSpec> {
    let bad = |why: &str| Error::option("TransformerEncoder", "options", why.to_string());
    let layer = options
        .get("encoder_layer")
        .ok_or_else(|| bad("no encoder_layer"))?;
    let layer: TransformerEncoderLayerSpec = spec_of(layer.get("options"))?;
    let num_layers = options
        .get("num_layers")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("no num_layers"))? as usize;
    let norm = match options.get("norm") {
        None | Some(Value::Null) => None,
        Some(n) => Some(spec_of::<LayerNormSpec>(n.get("options"))?),
    };
    Ok(TransformerEncoderSpec {
        layer: layer.0,
        num_layers,
        norm,
    })
}
