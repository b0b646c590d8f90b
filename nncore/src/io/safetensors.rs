//! State dicts in safetensors files, through the `safetensors` crate.
//!
//! Only float32 tensors load: Kiln models hold `f32` parameters, and silently
//! converting a float64 or bfloat16 checkpoint would hide a precision change
//! from the user, so other dtypes are rejected with the one-line PyTorch fix.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use ::safetensors::tensor::{Metadata, SafeTensorError};
use ::safetensors::{Dtype, SafeTensors, View};

use super::atomic::{FailPoint, write_atomic};
use super::file::{open_regular, read_exact_after, read_up_to};
use crate::{Error, Result, excerpt};

/// The safetensors format's limit on the JSON header (100 MB); the
/// `safetensors` crate refuses larger headers.
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// One tensor of a state dict: its name as PyTorch spells it (`0.weight`,
/// `fc1.bias`), its shape and its values in row-major order.
///
/// ```
/// use nncore::io::NamedTensor;
/// let t = NamedTensor { name: "fc.bias".into(), shape: vec![2], data: vec![0.1, 0.2] };
/// assert_eq!(t.data.len(), t.shape.iter().product::<usize>());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTensor {
    /// The state-dict key.
    pub name: String,
    /// The dimensions; `[]` for a scalar.
    pub shape: Vec<usize>,
    /// The values, row-major; `shape.iter().product()` of them.
    pub data: Vec<f32>,
}

/// Saves float32 tensors, and optional string metadata, as a safetensors file.
///
/// The save is atomic: the file is written next to `path` under a temporary
/// name, synced, then renamed over `path`. If anything fails, `path` keeps
/// its previous content. A tensor whose data length does not match its shape,
/// or a name given twice, is an [`Error::StateDict`] and nothing is written.
///
/// ```
/// use std::collections::BTreeMap;
/// use nncore::io::save_safetensors;
///
/// let path = std::env::temp_dir().join(format!("kiln-save-doc-{}.safetensors", std::process::id()));
/// let weight = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let metadata = BTreeMap::from([("epoch".to_string(), "3".to_string())]);
/// save_safetensors(&path, &[("0.weight", &[2, 3], &weight), ("0.bias", &[2], &[0.0, 0.0])], Some(&metadata))?;
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn save_safetensors(
    path: impl AsRef<Path>,
    tensors: &[(&str, &[usize], &[f32])],
    metadata: Option<&BTreeMap<String, String>>,
) -> Result<()> {
    save_with(path.as_ref(), tensors, metadata, FailPoint::None)
}

fn save_with(
    path: &Path,
    tensors: &[(&str, &[usize], &[f32])],
    metadata: Option<&BTreeMap<String, String>>,
    fail: FailPoint,
) -> Result<()> {
    let views = to_views(path, tensors)?;
    let metadata: Option<HashMap<String, String>> =
        metadata.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    let bytes = ::safetensors::serialize(views, metadata)
        .map_err(|e| Error::bad_file(path, format!("cannot encode as safetensors: {e}")))?;
    write_atomic(path, &bytes, fail)
}

/// Checks the tensors and encodes each as little-endian bytes.
fn to_views<'a>(
    path: &Path,
    tensors: &[(&'a str, &'a [usize], &[f32])],
) -> Result<Vec<(&'a str, F32View<'a>)>> {
    let state_dict_error = |key: &str, reason: String| Error::StateDict {
        context: path.display().to_string(),
        key: excerpt(key).into_owned(),
        reason,
    };
    let mut seen = HashSet::new();
    let mut views = Vec::with_capacity(tensors.len());
    for &(name, shape, data) in tensors {
        if name == "__metadata__" {
            return Err(state_dict_error(
                name,
                "this name is reserved by the safetensors format".into(),
            ));
        }
        if !seen.insert(name) {
            return Err(state_dict_error(name, "the name is given twice".into()));
        }
        let numel = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
        if numel != Some(data.len()) {
            let needs = numel.map_or_else(
                || "more values than fit in memory".to_string(),
                |n| format!("{n} values"),
            );
            return Err(state_dict_error(
                name,
                format!(
                    "shape {shape:?} needs {needs}, but {} were given",
                    data.len()
                ),
            ));
        }
        let bytes = data.iter().flat_map(|x| x.to_le_bytes()).collect();
        views.push((name, F32View { shape, bytes }));
    }
    Ok(views)
}

/// A float32 tensor in the form the `safetensors` crate serialises.
struct F32View<'a> {
    shape: &'a [usize],
    bytes: Vec<u8>,
}

impl View for F32View<'_> {
    fn dtype(&self) -> Dtype {
        Dtype::F32
    }
    fn shape(&self) -> &[usize] {
        self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

/// What [`load_safetensors`] returns: the tensors in file order, and the
/// file's `__metadata__` string map if it has one.
pub type LoadedSafetensors = (Vec<NamedTensor>, Option<HashMap<String, String>>);

/// Loads every tensor of a safetensors file, in file order (for files
/// written by Kiln or by PyTorch's `save_file`: sorted by name), and its
/// `__metadata__` map if it has one.
///
/// Errors: a missing or unreadable file is [`Error::Io`]; a truncated or
/// non-safetensors file is [`Error::BadFile`]; a tensor that is not float32
/// is [`Error::StateDict`] naming it, with the PyTorch line that fixes it.
///
/// The file is judged from its header and its size before its data is
/// read: a path that is not a regular file (`/dev/zero`, a FIFO) and a
/// file longer or shorter than its header declares are refused without
/// reading the data, so memory stays bounded by the header's declaration
/// (at most 100 MB of header, and data that the file really holds).
///
/// ```no_run
/// let (tensors, metadata) = nncore::io::load_safetensors("model.safetensors")?;
/// for t in &tensors {
///     println!("{} {:?}", t.name, t.shape);
/// }
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn load_safetensors(path: impl AsRef<Path>) -> Result<LoadedSafetensors> {
    let path = path.as_ref();
    let bytes = read_safetensors_file(path)?;
    load_safetensors_bytes(&bytes, path)
}

/// The bytes of the safetensors file at `path`, read only after its
/// header and its size agree (see [`load_safetensors`]). A header that is
/// malformed comes back alone (at most 100 MB), for
/// [`load_safetensors_bytes`] to describe.
pub(crate) fn read_safetensors_file(path: &Path) -> Result<Vec<u8>> {
    let (mut file, size) = open_regular(path)?;
    let io = |e| Error::io(path, e);
    let mut prefix = [0u8; 8];
    let got = read_up_to(&mut file, &mut prefix).map_err(io)?;
    let header_len = u64::from_le_bytes(prefix);
    if got < 8 || header_len > MAX_HEADER_BYTES {
        return Ok(prefix[..got].to_vec());
    }
    if 8 + header_len > size {
        // Truncated inside its header: the whole file is under 100 MB.
        return read_exact_after(&mut file, path, &prefix, size - 8);
    }
    let head = read_exact_after(&mut file, path, &prefix, header_len)?;
    let data_len = match SafeTensors::read_metadata(&head) {
        Ok(_) => 0,
        Err(SafeTensorError::MetadataIncompleteBuffer) => declared_data_len(&head).unwrap_or(0),
        Err(e) => return Err(Error::bad_file(path, describe_error(e, &head, size))),
    };
    let found = size - 8 - header_len;
    if found != data_len as u64 {
        return Err(Error::bad_file(
            path,
            describe_data_len(data_len as u64, found),
        ));
    }
    let mut rest = read_exact_after(&mut file, path, &[], found)?;
    if rest.is_empty() {
        return Ok(head);
    }
    // One buffer for the parser: the header goes in front of the data.
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(head.len() + rest.len())
        .map_err(|_| {
            Error::bad_file(
                path,
                format!("cannot allocate {size} bytes to read the file (out of memory)"),
            )
        })?;
    bytes.extend_from_slice(&head);
    bytes.append(&mut rest);
    Ok(bytes)
}

/// The data length a valid header (`head`: the 8-byte length and the JSON)
/// declares.
fn declared_data_len(head: &[u8]) -> Option<usize> {
    let metadata: Metadata = serde_json::from_slice(head.get(8..)?).ok()?;
    Some(metadata.data_len())
}

/// [`load_safetensors`] on a file's content already in memory; `path` is only
/// used in error messages. No input may panic: this is the fuzzing entry.
///
/// ```
/// use nncore::io::load_safetensors_bytes;
/// let err = load_safetensors_bytes(b"PK\x03\x04 not safetensors", "model.zip").unwrap_err();
/// assert!(err.to_string().starts_with("model.zip: not a safetensors file"));
/// ```
pub fn load_safetensors_bytes(bytes: &[u8], path: impl AsRef<Path>) -> Result<LoadedSafetensors> {
    let path = path.as_ref();
    let describe = |e| Error::bad_file(path, describe_error(e, bytes, bytes.len() as u64));
    let (_, metadata) = SafeTensors::read_metadata(bytes).map_err(describe)?;
    let file = SafeTensors::deserialize(bytes).map_err(describe)?;
    let mut tensors = Vec::with_capacity(metadata.tensors().len());
    for name in metadata.offset_keys() {
        let view = file.tensor(&name).map_err(describe)?;
        // PyTorch's integer counters (BatchNorm's `num_batches_tracked`,
        // int64 scalars) load as float32: exact below 2^24.
        if view.dtype() == Dtype::I64 && view.shape().iter().product::<usize>() <= 1 {
            let data = view
                .data()
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes")) as f32)
                .collect();
            tensors.push(NamedTensor {
                name,
                shape: view.shape().to_vec(),
                data,
            });
            continue;
        }
        if view.dtype() != Dtype::F32 {
            return Err(Error::StateDict {
                context: path.display().to_string(),
                reason: format!(
                    "has dtype {:?}; Kiln models hold float32 — save with `{{k: v.float() for k, v in sd.items()}}`",
                    view.dtype()
                ),
                key: excerpt(&name).into_owned(),
            });
        }
        let data = view
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        tensors.push(NamedTensor {
            name,
            shape: view.shape().to_vec(),
            data,
        });
    }
    Ok((tensors, metadata.metadata().clone()))
}

/// Plain words for the `safetensors` crate's errors, with the sizes
/// involved: `bytes` is the file or its beginning, `file_len` its length.
fn describe_error(error: SafeTensorError, bytes: &[u8], file_len: u64) -> String {
    use SafeTensorError as E;
    let declared_header = bytes
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")));
    match error {
        E::HeaderTooSmall => format!(
            "not a safetensors file: it is {} long, too short for the 8-byte header length",
            plural(file_len, "byte")
        ),
        E::HeaderTooLarge => format!(
            "not a safetensors file: its first 8 bytes give a header length of {} bytes, above the format's 100 MB limit",
            declared_header.unwrap_or(0)
        ),
        E::InvalidHeaderLength => format!(
            "the file is truncated or not a safetensors file: its header should be {} bytes long, but only {} follow",
            declared_header.unwrap_or(0),
            plural(file_len.saturating_sub(8), "byte")
        ),
        E::InvalidHeader(e) => {
            format!("not a safetensors file: the header is not UTF-8 text ({e})")
        }
        E::InvalidHeaderDeserialization(e) => {
            format!(
                "not a safetensors file: the header is not a valid safetensors JSON header ({})",
                excerpt(&e.to_string())
            )
        }
        E::MetadataIncompleteBuffer => describe_size_mismatch(bytes, declared_header),
        E::InvalidOffset(name) => {
            format!(
                "the header is corrupt: tensor `{}` has invalid data offsets",
                excerpt(&name)
            )
        }
        E::TensorInvalidInfo => {
            "the header is corrupt: a tensor's data size does not match its shape and dtype".into()
        }
        other => format!("the file is corrupt: {}", excerpt(&other.to_string())),
    }
}

/// The file's length differs from what its (valid) header declares.
fn describe_size_mismatch(bytes: &[u8], declared_header: Option<u64>) -> String {
    let data_len = declared_header.and_then(|n| {
        let end = 8usize.checked_add(usize::try_from(n).ok()?)?;
        let metadata: Metadata = serde_json::from_slice(bytes.get(8..end)?).ok()?;
        Some((end, metadata.data_len()))
    });
    match data_len {
        Some((start, declared)) => describe_data_len(declared as u64, (bytes.len() - start) as u64),
        None => "the file's size does not match the tensor data its header declares".into(),
    }
}

/// `found` bytes of data follow a header that declares `declared`.
fn describe_data_len(declared: u64, found: u64) -> String {
    if found < declared {
        format!(
            "the file is truncated: its header declares {} of tensor data, but only {found} follow",
            plural(declared, "byte")
        )
    } else {
        format!(
            "the file has {} of trailing data after the {} of tensor data its header declares",
            plural(found - declared, "byte"),
            plural(declared, "byte")
        )
    }
}

fn plural(n: impl Into<u64>, unit: &str) -> String {
    let n = n.into();
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A save that fails after writing its temporary file leaves the target
    /// byte-identical and no temporary file behind.
    #[test]
    fn failed_save_keeps_previous_file() {
        let dir = std::env::temp_dir().join(format!("kiln-atomic-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("model.safetensors");
        save_safetensors(&path, &[("w", &[2], &[1.0, 2.0])], None).unwrap();
        let before = std::fs::read(&path).unwrap();

        let err = save_with(
            &path,
            &[("w", &[2], &[3.0, 4.0])],
            None,
            FailPoint::BeforeRename,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: simulated failure before rename", path.display())
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("model.safetensors")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
