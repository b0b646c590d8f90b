//! Safetensors save/load: round trips and every error path.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use nncore::io::{NamedTensor, load_safetensors, load_safetensors_bytes, save_safetensors};
use safetensors::{Dtype, View};

use super::TempDir;

/// Two small tensors saved to `dir/model.safetensors`; returns the file's bytes.
fn saved(dir: &TempDir) -> Vec<u8> {
    let path = dir.join("model.safetensors");
    save_safetensors(
        &path,
        &[
            ("0.weight", &[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
            ("0.bias", &[2], &[-1.0, 0.5]),
        ],
        None,
    )
    .unwrap();
    std::fs::read(&path).unwrap()
}

fn load_err(bytes: &[u8]) -> String {
    load_safetensors_bytes(bytes, "m.safetensors")
        .unwrap_err()
        .to_string()
}

#[test]
fn round_trip() {
    let dir = TempDir::new("st-round-trip");
    let path = dir.join("model.safetensors");
    let weight: Vec<f32> = (0..6).map(|i| i as f32 * 0.25 - 1.0).collect();
    let tensors: [(&str, &[usize], &[f32]); 4] = [
        ("fc1.weight", &[2, 3], &weight),
        ("fc1.bias", &[2], &[f32::MIN_POSITIVE, -0.0]),
        ("scale", &[], &[3.5]),
        ("empty", &[0, 4], &[]),
    ];
    save_safetensors(&path, &tensors, None).unwrap();
    let (loaded, metadata) = load_safetensors(&path).unwrap();
    assert_eq!(metadata, None);
    let mut expected: Vec<NamedTensor> = tensors
        .iter()
        .map(|&(name, shape, data)| NamedTensor {
            name: name.into(),
            shape: shape.to_vec(),
            data: data.to_vec(),
        })
        .collect();
    expected.sort_by(|a, b| a.name.cmp(&b.name)); // file order: by name for one dtype
    assert_eq!(loaded, expected);
    assert_eq!(dir.entries(), ["model.safetensors"]); // no temporary file left
}

#[test]
fn metadata_round_trip() {
    let dir = TempDir::new("st-metadata");
    let path = dir.join("m.safetensors");
    let metadata = BTreeMap::from([
        ("format".to_string(), "pt".to_string()),
        ("epoch".to_string(), "12".to_string()),
    ]);
    save_safetensors(&path, &[("w", &[1], &[1.0])], Some(&metadata)).unwrap();
    let (_, loaded) = load_safetensors(&path).unwrap();
    let expected: HashMap<String, String> = metadata.into_iter().collect();
    assert_eq!(loaded, Some(expected));
}

#[test]
fn missing_file() {
    let dir = TempDir::new("st-missing");
    let path = dir.join("absent.safetensors");
    let err = load_safetensors(&path).unwrap_err();
    assert!(matches!(err, nncore::Error::Io { .. }));
    assert_eq!(
        err.to_string(),
        format!("{}: No such file or directory (os error 2)", path.display())
    );
}

#[test]
fn truncated_file() {
    let dir = TempDir::new("st-truncated");
    let bytes = saved(&dir);
    let header = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let data_len = bytes.len() - 8 - header;
    assert_eq!(data_len, 32);
    assert_eq!(
        load_err(&bytes[..bytes.len() - 5]),
        "m.safetensors: the file is truncated: its header declares 32 bytes of tensor data, but only 27 follow"
    );
    assert_eq!(
        load_err(&bytes[..20]),
        format!(
            "m.safetensors: the file is truncated or not a safetensors file: its header should be {header} bytes long, \
             but only 12 bytes follow"
        )
    );
    assert_eq!(
        load_err(&bytes[..5]),
        "m.safetensors: not a safetensors file: it is 5 bytes long, too short for the 8-byte header length"
    );
}

#[test]
fn trailing_data() {
    let dir = TempDir::new("st-trailing");
    let mut bytes = saved(&dir);
    bytes.extend([0; 3]);
    assert_eq!(
        load_err(&bytes),
        "m.safetensors: the file has 3 bytes of trailing data after the 32 bytes of tensor data its header declares"
    );
}

#[test]
fn garbage_file() {
    assert_eq!(
        load_err(b"PK\x03\x04\x14\x00\x00\x00\x08\x00 a zip archive"),
        "m.safetensors: not a safetensors file: its first 8 bytes give a header length of 85966670672 bytes, \
         above the format's 100 MB limit"
    );
    let mut not_json = 8u64.to_le_bytes().to_vec();
    not_json.extend(b"hello!!!");
    assert_eq!(
        load_err(&not_json),
        "m.safetensors: not a safetensors file: the header is not a valid safetensors JSON header \
         (expected value at line 1 column 1)"
    );
    let mut not_utf8 = 4u64.to_le_bytes().to_vec();
    not_utf8.extend([0xff, 0xfe, 0xfd, 0xfc]);
    assert!(
        load_err(&not_utf8)
            .starts_with("m.safetensors: not a safetensors file: the header is not UTF-8 text (")
    );
}

/// A tensor of any dtype, to write files PyTorch could have written.
struct Raw(Dtype, Vec<usize>, Vec<u8>);

impl View for Raw {
    fn dtype(&self) -> Dtype {
        self.0
    }
    fn shape(&self) -> &[usize] {
        &self.1
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.2)
    }
    fn data_len(&self) -> usize {
        self.2.len()
    }
}

#[test]
fn wrong_dtypes_are_rejected_with_the_fix() {
    for (dtype, width) in [
        (Dtype::F64, 8),
        (Dtype::F16, 2),
        (Dtype::BF16, 2),
        (Dtype::I64, 8),
    ] {
        let bytes = safetensors::serialize(
            [
                ("0.bias", Raw(Dtype::F32, vec![2], vec![0; 8])),
                ("0.weight", Raw(dtype, vec![2, 2], vec![0; 4 * width])),
            ],
            None,
        )
        .unwrap();
        let err = load_safetensors_bytes(&bytes, "m.safetensors").unwrap_err();
        assert!(matches!(err, nncore::Error::StateDict { .. }));
        assert_eq!(
            err.to_string(),
            format!(
                "m.safetensors: tensor `0.weight`: has dtype {dtype:?}; Kiln models hold float32 — \
                 save with `{{k: v.float() for k, v in sd.items()}}`"
            )
        );
    }
}

#[test]
fn invalid_tensors_are_not_saved() {
    let dir = TempDir::new("st-invalid");
    let path = dir.join("m.safetensors");
    let err = save_safetensors(&path, &[("w", &[2, 3], &[1.0; 5])], None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: tensor `w`: shape [2, 3] needs 6 values, but 5 were given",
            path.display()
        )
    );
    let err =
        save_safetensors(&path, &[("w", &[1], &[1.0]), ("w", &[1], &[2.0])], None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: tensor `w`: the name is given twice", path.display())
    );
    let err = save_safetensors(&path, &[("__metadata__", &[1], &[1.0])], None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: tensor `__metadata__`: this name is reserved by the safetensors format",
            path.display()
        )
    );
    assert!(dir.entries().is_empty());
}

#[test]
fn failed_saves_leave_the_previous_file_intact() {
    let dir = TempDir::new("st-atomic");
    let before = saved(&dir);
    let path = dir.join("model.safetensors");
    // Fails before writing: invalid tensor.
    assert!(save_safetensors(&path, &[("w", &[2], &[1.0])], None).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Fails at the rename: the target is a directory; the temporary file is removed.
    let blocked = dir.join("blocked");
    std::fs::create_dir(&blocked).unwrap();
    let err = save_safetensors(&blocked, &[("w", &[1], &[1.0])], None).unwrap_err();
    assert!(matches!(err, nncore::Error::Io { .. }));
    assert_eq!(dir.entries(), ["blocked", "model.safetensors"]);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn save_into_missing_directory() {
    let dir = TempDir::new("st-no-dir");
    let path = dir.join("no/such/dir/m.safetensors");
    let err = save_safetensors(&path, &[("w", &[1], &[1.0])], None).unwrap_err();
    let tmp = dir.join(&format!(
        "no/such/dir/.m.safetensors.tmp-{}-",
        std::process::id()
    ));
    let message = err.to_string();
    assert!(message.starts_with(&tmp.display().to_string()), "{message}");
    assert!(
        message.ends_with(": No such file or directory (os error 2)"),
        "{message}"
    );
}

/// Weights paths are judged from the header and the file's size before the
/// data is read: an endless stream and a file gigabytes longer than its
/// header declares (sparse here, so the test uses no disk) are refused
/// unread, by every loader of weights and checkpoints.
#[test]
fn endless_and_oversized_weights_are_refused_unread() {
    use nncore::checkpoint::Checkpoint;
    use nncore::optim::OptimizerStateDict;
    let refusal = "/dev/zero: is a character device, not a regular file; \
                   Kiln reads only files whose size is known before reading";
    assert_eq!(
        load_safetensors("/dev/zero").unwrap_err().to_string(),
        refusal
    );
    assert_eq!(
        Checkpoint::load("/dev/zero").unwrap_err().to_string(),
        refusal
    );
    assert_eq!(
        OptimizerStateDict::load("/dev/zero")
            .unwrap_err()
            .to_string(),
        refusal
    );

    let dir = TempDir::new("st-oversized");
    saved(&dir);
    let path = dir.join("model.safetensors");
    let len = std::fs::metadata(&path).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(len + (5 << 30)).unwrap();
    let expected = format!(
        "{}: the file has 5368709120 bytes of trailing data after the 32 bytes of tensor data its header declares",
        path.display()
    );
    assert_eq!(load_safetensors(&path).unwrap_err().to_string(), expected);
    assert_eq!(Checkpoint::load(&path).unwrap_err().to_string(), expected);
    file.set_len(len - 5).unwrap();
    assert_eq!(
        load_safetensors(&path).unwrap_err().to_string(),
        format!(
            "{}: the file is truncated: its header declares 32 bytes of tensor data, but only 27 follow",
            path.display()
        )
    );
}

/// A tensor name of 5 MB in a file is quoted in 200 bytes, with its length.
#[test]
fn a_5_mb_tensor_name_is_quoted_short() {
    use nncore::checkpoint::Checkpoint;
    let dir = TempDir::new("st-long-name");
    let path = dir.join("weights.safetensors");
    let name = "x".repeat(5 << 20);
    let checkpoint = serde_json::json!({
        "epoch": 1, "step": 1, "rng_seed": "0".repeat(64), "rng_stream": "0", "rng_word_pos": "0",
    });
    let optimizer = serde_json::json!({ "optimizer": "SGD", "param_groups": [], "state": {} });
    let metadata = BTreeMap::from([
        ("kiln.checkpoint".to_string(), checkpoint.to_string()),
        ("kiln.optimizer".to_string(), optimizer.to_string()),
    ]);
    save_safetensors(&path, &[(&name, &[1], &[1.0])], Some(&metadata)).unwrap();
    let err = Checkpoint::load(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: unexpected tensor `{}… (5242880 bytes in all)` (neither `model.` nor `optimizer.`)",
            path.display(),
            "x".repeat(200)
        )
    );
    // serde's messages quote the value they reject: cut short too.
    let meta = serde_json::json!({
        "optimizer": "SGD",
        "param_groups": [{ "params": "7".repeat(5 << 20) }],
    });
    let metadata = BTreeMap::from([("kiln.optimizer".to_string(), meta.to_string())]);
    save_safetensors(&path, &[], Some(&metadata)).unwrap();
    let err = nncore::optim::OptimizerStateDict::load(&path)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: bad param indices: invalid type: string \"{}… (5242924 bytes in all)",
            path.display(),
            "7".repeat(178)
        )
    );
}
