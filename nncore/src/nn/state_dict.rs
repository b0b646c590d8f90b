//! `state_dict` / `load_state_dict` and their safetensors files.
//!
//! The names are PyTorch's (`0.weight`, `fc1.bias`, `features.3.weight`),
//! in PyTorch's order (each module's parameters, then its buffers, then its
//! children), so a file written by
//! `safetensors.torch.save_file(model.state_dict(), path)` loads into the
//! matching Kiln model, and the other way round.

use super::Module;
use super::module::join;
use crate::io::{load_safetensors_bytes, save_safetensors};
use crate::{DynTensor, Error, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A model's named tensors, in PyTorch's order. The tensors are shared
/// handles: reading them reads the model.
pub type StateDict = Vec<(String, DynTensor<f32>)>;

/// What a non-strict load did not match, like the `(missing_keys,
/// unexpected_keys)` PyTorch's `load_state_dict` returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Model tensors the state_dict had no entry for (left unchanged).
    pub missing_keys: Vec<String>,
    /// State_dict entries the model has no tensor for (ignored).
    pub unexpected_keys: Vec<String>,
}

/// The named parameters and buffers of `m`.
pub(crate) fn state_dict(m: &dyn Module) -> StateDict {
    let mut out = Vec::new();
    collect(m, "", &mut out);
    out
}

fn collect(m: &dyn Module, prefix: &str, out: &mut StateDict) {
    for (name, p) in m.own_parameters() {
        out.push((join(prefix, name), p.tensor().clone()));
    }
    for (name, b) in m.own_buffers() {
        out.push((join(prefix, name), b.tensor().clone()));
    }
    for (name, child) in m.named_children() {
        collect(child, &join(prefix, &name), out);
    }
}

/// Copies `source` into the model's tensors. Every entry is checked before
/// anything is written, so on error the model is unchanged.
pub(crate) fn load_state_dict(
    m: &dyn Module,
    context: &str,
    source: &[(String, Vec<usize>, Vec<f32>)],
    strict: bool,
) -> Result<LoadReport> {
    let targets = state_dict(m);
    let model_keys: std::collections::HashSet<&str> =
        targets.iter().map(|(k, _)| k.as_str()).collect();
    let by_name: HashMap<&str, (&[usize], &[f32])> = source
        .iter()
        .map(|(k, shape, data)| (k.as_str(), (shape.as_slice(), data.as_slice())))
        .collect();
    let mut report = LoadReport::default();
    // In the model's order, so the error names the model's first tensor that does not fit.
    for (key, target) in &targets {
        match by_name.get(key.as_str()) {
            None => report.missing_keys.push(key.clone()),
            Some((shape, data)) => {
                if target.shape() != *shape {
                    return Err(Error::StateDict {
                        context: context.to_string(),
                        key: key.clone(),
                        reason: format!(
                            "shape {} does not fit the model's {:?}",
                            crate::excerpt(&format!("{shape:?}")),
                            target.shape()
                        ),
                    });
                }
                debug_assert_eq!(data.len(), target.numel());
            }
        }
    }
    report.unexpected_keys = source
        .iter()
        .filter(|(k, _, _)| !model_keys.contains(k.as_str()))
        .map(|(k, _, _)| k.clone())
        .collect();
    if strict {
        if let Some(key) = report.missing_keys.first() {
            return Err(Error::StateDict {
                context: context.to_string(),
                key: key.clone(),
                reason: format!(
                    "missing from the state_dict ({} missing in all)",
                    report.missing_keys.len()
                ),
            });
        }
        if let Some(key) = report.unexpected_keys.first() {
            return Err(Error::StateDict {
                context: context.to_string(),
                // From the file: quoted short.
                key: crate::excerpt(key).into_owned(),
                reason: format!(
                    "not in the model ({} unexpected in all)",
                    report.unexpected_keys.len()
                ),
            });
        }
    }
    for (key, target) in &targets {
        if let Some((_, data)) = by_name.get(key.as_str()) {
            target.data_mut().copy_from_slice(data);
        }
    }
    Ok(report)
}

/// Writes the state_dict of `m` to `path` atomically (a crash mid-save
/// leaves the previous file intact), with optional metadata.
pub(crate) fn save(
    m: &dyn Module,
    path: &Path,
    metadata: Option<&BTreeMap<String, String>>,
) -> Result<()> {
    let sd = state_dict(m);
    let guards: Vec<_> = sd.iter().map(|(_, t)| t.data()).collect();
    let entries: Vec<(&str, &[usize], &[f32])> = sd
        .iter()
        .zip(&guards)
        .map(|((k, t), g)| (k.as_str(), t.shape(), g.as_slice()))
        .collect();
    save_safetensors(path, &entries, metadata)
}

/// Loads a safetensors file into `m`; errors name the file and the first
/// tensor that does not fit.
pub(crate) fn load(m: &dyn Module, path: &Path, strict: bool) -> Result<LoadReport> {
    let bytes = crate::io::read_safetensors_file(path)?;
    load_safetensors_bytes_into(m, &bytes, path, strict)
}

/// Loads a safetensors state_dict already in memory into a model (weights
/// embedded with `include_bytes!`, received over a network), like
/// [`ModuleExt::load_with`](super::ModuleExt::load_with) without the file:
/// `name` is only used in error messages. On error the model is unchanged.
/// Any byte string is safe to pass: this is the fuzzing entry point.
///
/// ```
/// use nncore::nn::{Linear, ModuleExt, load_safetensors_bytes_into};
/// use nncore::typenum::{U2, U3};
///
/// let path = std::env::temp_dir().join(format!("kiln-bytes-doc-{}.safetensors", std::process::id()));
/// let a = Linear::<U3, U2>::new();
/// a.save(&path)?;
/// let bytes = std::fs::read(&path)?;
/// let b = Linear::<U3, U2>::new();
/// let report = load_safetensors_bytes_into(&b, &bytes, "embedded.safetensors", true)?;
/// assert!(report.missing_keys.is_empty());
/// assert_eq!(a.state_dict()[0].1.to_vec(), b.state_dict()[0].1.to_vec());
/// assert!(load_safetensors_bytes_into(&b, b"junk", "junk.bin", true).is_err());
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_safetensors_bytes_into(
    m: &dyn Module,
    bytes: &[u8],
    name: impl AsRef<Path>,
    strict: bool,
) -> Result<LoadReport> {
    let name = name.as_ref();
    let (tensors, _) = load_safetensors_bytes(bytes, name)?;
    let source: Vec<(String, Vec<usize>, Vec<f32>)> = tensors
        .into_iter()
        .map(|t| (t.name, t.shape, t.data))
        .collect();
    load_state_dict(m, &name.display().to_string(), &source, strict)
}
