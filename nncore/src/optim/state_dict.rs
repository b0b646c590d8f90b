//! An optimizer's `state_dict`: group options and per-parameter state,
//! in memory and as a safetensors file (buffers as tensors, options and
//! numbers in the metadata).

use super::state::StateEntries;
use super::{Algorithm, Optimizer, StateValue};
use crate::io::{NamedTensor, load_safetensors_bytes, save_safetensors};
use crate::{Element, Error, Result, excerpt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One param group of a state dict.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupState {
    /// The indices of its parameters, counted across groups in order.
    pub params: Vec<usize>,
    /// The shapes of those parameters (checked when loading).
    pub shapes: Vec<Vec<usize>>,
    /// The group's options as JSON (floats kept exactly in memory).
    pub options: Value,
}

/// An optimizer's state, like PyTorch's `optimizer.state_dict()`:
/// `param_groups` and `state` keyed by parameter index.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{Adam, AdamOptions, OptimizerStateDict};
/// let w = Parameter::new(vec![1.0, 2.0], &[2]);
/// let mut opt = Adam::new(vec![w.clone()], AdamOptions::default())?;
/// *w.grad_lock() = Some(vec![0.5, -0.5]);
/// opt.step()?;
/// let path = std::env::temp_dir().join(format!("kiln-optim-doc-{}.safetensors", std::process::id()));
/// opt.state_dict().save(&path)?;
/// let mut resumed = Adam::new(vec![w.clone()], AdamOptions::default())?;
/// resumed.load_state_dict(&OptimizerStateDict::load(&path)?)?;
/// assert_eq!(resumed.state(&w).unwrap().step, 1.0);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerStateDict<E = f32> {
    /// The optimizer's class name (`Adam`): loading into another type fails.
    pub optimizer: String,
    /// The param groups.
    pub groups: Vec<GroupState>,
    /// Each parameter's state entries, by parameter index.
    pub state: BTreeMap<usize, BTreeMap<String, StateValue<E>>>,
}

const MARK: &str = "f64:";

/// Options to JSON. In memory numbers are exact; see [`exact_text`] for files.
pub(crate) fn encode_options<O: Serialize>(options: &O) -> Value {
    serde_json::to_value(options).expect("optimizer options serialize to JSON")
}

/// JSON back to options.
pub(crate) fn decode_options<O: DeserializeOwned>(value: &Value) -> Result<O, String> {
    serde_json::from_value(value.clone()).map_err(|e| e.to_string())
}

/// Floats as marked strings (Rust's shortest round-trip text), so that the
/// JSON text reads back bit for bit whatever the JSON parser's precision.
pub(crate) fn exact_text(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            Value::String(format!("{MARK}{:?}", n.as_f64().unwrap_or(f64::NAN)))
        }
        Value::Array(a) => Value::Array(a.iter().map(exact_text).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), exact_text(v))).collect())
        }
        other => other.clone(),
    }
}

pub(crate) fn from_exact_text(v: &Value) -> Value {
    match v {
        Value::String(s) if s.starts_with(MARK) => s[MARK.len()..]
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Value::Array(a) => Value::Array(a.iter().map(from_exact_text).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), from_exact_text(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

impl<E: Element> OptimizerStateDict<E> {
    /// The metadata JSON: optimizer, groups and scalar state (no buffers).
    fn metadata(&self) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                serde_json::json!({
                    "params": g.params,
                    "shapes": g.shapes,
                    "options": exact_text(&g.options),
                })
            })
            .collect();
        let mut scalars = Map::new();
        for (index, entries) in &self.state {
            let mut m = Map::new();
            for (name, value) in entries {
                if let StateValue::Scalar(x) = value {
                    m.insert(name.clone(), Value::String(format!("{MARK}{x:?}")));
                }
            }
            scalars.insert(index.to_string(), Value::Object(m));
        }
        serde_json::json!({ "optimizer": self.optimizer, "param_groups": groups, "state": scalars })
    }
}

/// A buffer as a named tensor: name, shape, values.
pub(crate) type BufferPart<'a> = (String, Vec<usize>, &'a [f32]);

impl OptimizerStateDict<f32> {
    /// Saves the state dict as a safetensors file (atomically): each buffer
    /// as the tensor `state.{index}.{name}`, the rest as the JSON metadata
    /// entry `kiln.optimizer`, floats written exactly.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let (names, meta) = self.to_parts("");
        let tensors: Vec<(&str, &[usize], &[f32])> = names
            .iter()
            .map(|(n, s, v)| (n.as_str(), s.as_slice(), *v))
            .collect();
        let metadata = BTreeMap::from([("kiln.optimizer".to_string(), meta)]);
        save_safetensors(path, &tensors, Some(&metadata))
    }

    /// The buffers as `{prefix}state.{index}.{name}` tensors, and the
    /// metadata JSON text (what [`OptimizerStateDict::save`] writes).
    pub(crate) fn to_parts(&self, prefix: &str) -> (Vec<BufferPart<'_>>, String) {
        let mut names = Vec::new();
        for (index, entries) in &self.state {
            for (name, value) in entries {
                if let StateValue::Tensor(v) = value {
                    names.push((
                        format!("{prefix}state.{index}.{name}"),
                        vec![v.len()],
                        v.as_slice(),
                    ));
                }
            }
        }
        (names, self.metadata().to_string())
    }

    /// Reads a file written by [`OptimizerStateDict::save`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = crate::io::read_safetensors_file(path)?;
        Self::from_bytes(&bytes, path)
    }

    /// [`OptimizerStateDict::load`] on a file's content already in memory;
    /// `path` is only used in error messages. No input may panic: this is
    /// the fuzzing entry.
    ///
    /// ```
    /// use nncore::optim::OptimizerStateDict;
    /// let err = OptimizerStateDict::from_bytes(b"\x02\0\0\0\0\0\0\0{}", "adam.safetensors").unwrap_err();
    /// assert!(err.to_string().contains("no `kiln.optimizer` metadata"), "{err}");
    /// ```
    pub fn from_bytes(bytes: &[u8], path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let (tensors, metadata) = load_safetensors_bytes(bytes, path)?;
        let text = metadata
            .as_ref()
            .and_then(|m| m.get("kiln.optimizer"))
            .ok_or_else(|| {
                Error::bad_file(
                    path,
                    "no `kiln.optimizer` metadata: not an optimizer state dict",
                )
            })?;
        Self::from_parts(tensors, text, path)
    }

    /// Rebuilds a state dict from its `state.{index}.{name}` tensors and
    /// its metadata JSON text.
    pub(crate) fn from_parts(tensors: Vec<NamedTensor>, text: &str, path: &Path) -> Result<Self> {
        let bad = |reason: String| Error::bad_file(path, reason);
        let meta: Value = serde_json::from_str(text)
            .map_err(|e| bad(format!("bad metadata: {}", excerpt(&e.to_string()))))?;
        let optimizer = meta["optimizer"]
            .as_str()
            .ok_or_else(|| bad("metadata has no optimizer name".into()))?
            .to_string();
        let mut groups = Vec::new();
        for g in meta["param_groups"].as_array().into_iter().flatten() {
            let params = serde_json::from_value(g["params"].clone())
                .map_err(|e| bad(format!("bad param indices: {}", excerpt(&e.to_string()))))?;
            let shapes = serde_json::from_value(g["shapes"].clone())
                .map_err(|e| bad(format!("bad shapes: {}", excerpt(&e.to_string()))))?;
            groups.push(GroupState {
                params,
                shapes,
                options: from_exact_text(&g["options"]),
            });
        }
        let mut state: BTreeMap<usize, BTreeMap<String, StateValue<f32>>> = BTreeMap::new();
        for (index, entries) in meta["state"].as_object().into_iter().flatten() {
            let index: usize = index
                .parse()
                .map_err(|_| bad(format!("bad state index `{}`", excerpt(index))))?;
            let slot = state.entry(index).or_default();
            for (name, v) in entries.as_object().into_iter().flatten() {
                let x = from_exact_text(v).as_f64().ok_or_else(|| {
                    bad(format!("state {index}.{} is not a number", excerpt(name)))
                })?;
                slot.insert(name.clone(), StateValue::Scalar(x));
            }
        }
        for t in tensors {
            let rest = t.name.strip_prefix("state.");
            let Some((index, name)) = rest.and_then(|r| r.split_once('.')) else {
                return Err(bad(format!("unexpected tensor `{}`", excerpt(&t.name))));
            };
            let index: usize = index
                .parse()
                .map_err(|_| bad(format!("unexpected tensor `{}`", excerpt(&t.name))))?;
            state
                .entry(index)
                .or_default()
                .insert(name.to_string(), StateValue::Tensor(t.data));
        }
        Ok(OptimizerStateDict {
            optimizer,
            groups,
            state,
        })
    }
}

/// `state_dict` and `load_state_dict` of the generic driver.
impl<A: Algorithm, E: Element> Optimizer<A, E> {
    /// The optimizer's state, like `state_dict()`: each group's options and
    /// parameter indices (counted across groups in order), and each
    /// parameter's state by index. Save it with
    /// [`OptimizerStateDict::save`] beside the model.
    pub fn state_dict(&self) -> OptimizerStateDict<E> {
        let mut groups = Vec::new();
        let mut state = BTreeMap::new();
        let mut index = 0;
        for g in &self.groups {
            let mut params = Vec::new();
            let mut shapes = Vec::new();
            for p in &g.params {
                if let Some(s) = self.state.get(&p.id()) {
                    let entries = s
                        .entries()
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect();
                    state.insert(index, entries);
                }
                params.push(index);
                shapes.push(p.shape().to_vec());
                index += 1;
            }
            groups.push(GroupState {
                params,
                shapes,
                options: encode_options(&g.options),
            });
        }
        OptimizerStateDict {
            optimizer: A::NAME.to_string(),
            groups,
            state,
        }
    }

    /// Restores a [`Optimizer::state_dict`]: group options and parameter
    /// state. A state dict of another optimizer type, another number of
    /// groups or parameters, or parameters of other shapes is an error,
    /// and the optimizer is left unchanged.
    pub fn load_state_dict(&mut self, sd: &OptimizerStateDict<E>) -> Result<()> {
        let bad = |reason: String| Error::option(A::NAME, "state_dict", reason);
        if sd.optimizer != A::NAME {
            return Err(bad(format!(
                "the state dict is from a {} optimizer, not {}",
                sd.optimizer,
                A::NAME
            )));
        }
        if sd.groups.len() != self.groups.len() {
            return Err(bad(format!(
                "loaded state dict has a different number of parameter groups ({}, the optimizer has {})",
                sd.groups.len(),
                self.groups.len()
            )));
        }
        let mut options = Vec::new();
        let mut states = HashMap::new();
        for (g, saved) in self.groups.iter().zip(&sd.groups) {
            if saved.params.len() != g.params.len() {
                return Err(bad(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group".into(),
                ));
            }
            let o: A::Options =
                decode_options(&saved.options).map_err(|e| bad(format!("bad options: {e}")))?;
            A::validate(&o)?;
            options.push(o);
            for ((p, &index), shape) in g.params.iter().zip(&saved.params).zip(&saved.shapes) {
                if p.shape() != shape.as_slice() {
                    return Err(bad(format!(
                        "parameter {index} has shape {:?}, the saved state is for shape {shape:?}",
                        p.shape()
                    )));
                }
                if let Some(entries) = sd.state.get(&index) {
                    let s = A::State::<E>::from_entries(A::NAME, entries, p.numel())?;
                    states.insert(p.id(), s);
                }
            }
        }
        for (g, o) in self.groups.iter_mut().zip(options) {
            g.options = o;
        }
        self.state = states;
        Ok(())
    }
}
