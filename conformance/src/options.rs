//! A case's constructor options as PyTorch's keyword arguments: the
//! [`LayerOptions`] a layer's spec parses (the `repr` and `module` families).

use crate::nn::dynamic::{LayerOptions, OptValue};
use serde_json::Value;

/// JSON constructor options as Python values (`2` an int, `2.0` a float,
/// a list a tuple, `null` None).
pub(crate) fn layer_options(v: Option<&Value>) -> Result<LayerOptions, String> {
    let mut out = LayerOptions::new();
    match v {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (k, v) in map {
                out.set(k, value(v)?);
            }
        }
        Some(_) => return Err("`options` is not an object".into()),
    }
    Ok(out)
}

fn value(v: &Value) -> Result<OptValue, String> {
    Ok(match v {
        Value::Null => OptValue::None,
        Value::Bool(b) => OptValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => OptValue::Int(i),
            None => OptValue::Float(n.as_f64().ok_or("a number out of range")?),
        },
        Value::String(s) => match s.as_str() {
            "inf" => OptValue::Float(f64::INFINITY),
            "-inf" => OptValue::Float(f64::NEG_INFINITY),
            "nan" => OptValue::Float(f64::NAN),
            _ => OptValue::Str(s.clone()),
        },
        Value::Array(items) => OptValue::Tuple(items.iter().map(value).collect::<Result<_, _>>()?),
        // A module argument (`TransformerEncoder`'s `encoder_layer`, `norm`).
        Value::Object(map) => match map.get("type").and_then(Value::as_str) {
            Some(t) => OptValue::Module(t.to_string(), layer_options(map.get("options"))?),
            None => return Err("an option is an object without a module `type`".into()),
        },
    })
}
