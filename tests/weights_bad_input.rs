//! Loading weights that do not fit: each is an error naming the file and
//! the tensor (where there is one), and the model is left unchanged.

use kiln::io::{load_safetensors, save_safetensors};
use kiln::nn::ModuleExt;
use kiln::{Sequential, sequential};
use std::path::{Path, PathBuf};

type Mlp = Sequential![Linear(4, 8), ReLU, Linear(8, 3)];

fn fixture(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/torch")
        .join(file)
}

fn scratch(file: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-bad-weights-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(file)
}

fn snapshot(net: &Mlp) -> Vec<Vec<f32>> {
    net.parameters().iter().map(|p| p.to_vec()).collect()
}

/// Loads `path` strictly into a fresh MLP; returns the error text after
/// checking that the parameters did not change.
fn load_error(path: &Path) -> String {
    let net: Mlp = sequential![Linear(4, 8), ReLU, Linear(8, 3)];
    let before = snapshot(&net);
    let err = net.load(path).expect_err("the load must fail").to_string();
    assert_eq!(snapshot(&net), before, "the model changed: {err}");
    err
}

/// The MLP fixture's tensors, edited by `edit`, written to `file`.
fn edited(file: &str, edit: impl FnOnce(&mut Vec<kiln::io::NamedTensor>)) -> PathBuf {
    let (mut tensors, _) = load_safetensors(fixture("mlp.safetensors")).unwrap();
    edit(&mut tensors);
    let path = scratch(file);
    let entries: Vec<(&str, &[usize], &[f32])> = tensors
        .iter()
        .map(|t| (t.name.as_str(), t.shape.as_slice(), t.data.as_slice()))
        .collect();
    save_safetensors(&path, &entries, None).unwrap();
    path
}

#[test]
fn weights_of_another_architecture() {
    let path = fixture("lenet.safetensors");
    // The first tensor that does not fit, in file order (0.bias) or in
    // model order (0.weight), depending on the order the loader checks in.
    let err = load_error(&path);
    let p = path.display();
    assert!(
        err == format!("{p}: tensor `0.bias`: shape [4] does not fit the model's [8]")
            || err
                == format!(
                    "{p}: tensor `0.weight`: shape [4, 1, 3, 3] does not fit the model's [8, 4]"
                ),
        "{err}"
    );
    let path = fixture("named.safetensors");
    assert_eq!(
        load_error(&path),
        format!(
            "{}: tensor `0.weight`: missing from the state_dict (4 missing in all)",
            path.display()
        )
    );
}

#[test]
fn non_strict_loading_reports_missing_and_unexpected_keys() {
    let net: Mlp = sequential![Linear(4, 8), ReLU, Linear(8, 3)];
    let before = snapshot(&net);
    let report = net.load_with(fixture("named.safetensors"), false).unwrap();
    assert_eq!(
        report.missing_keys,
        ["0.weight", "0.bias", "2.weight", "2.bias"]
    );
    let mut unexpected = report.unexpected_keys.clone();
    unexpected.sort();
    assert_eq!(
        unexpected,
        ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]
    );
    assert_eq!(snapshot(&net), before);

    // A partial file loads what it has and reports the rest.
    let path = edited("partial.safetensors", |t| {
        t.retain(|t| t.name.starts_with("0."))
    });
    let report = net.load_with(&path, false).unwrap();
    assert_eq!(report.missing_keys, ["2.weight", "2.bias"]);
    assert!(report.unexpected_keys.is_empty());
    let (tensors, _) = load_safetensors(&path).unwrap();
    let loaded = net.state_dict();
    let first = tensors.iter().find(|t| t.name == "0.weight").unwrap();
    assert_eq!(loaded[0].1.to_vec(), first.data);
    assert_eq!(snapshot(&net)[2], before[2]);
}

#[test]
fn a_missing_key() {
    let path = edited("missing.safetensors", |t| t.retain(|t| t.name != "2.bias"));
    assert_eq!(
        load_error(&path),
        format!(
            "{}: tensor `2.bias`: missing from the state_dict (1 missing in all)",
            path.display()
        )
    );
}

#[test]
fn an_unexpected_key() {
    let path = edited("extra.safetensors", |t| {
        t.push(kiln::io::NamedTensor {
            name: "3.weight".into(),
            shape: vec![1],
            data: vec![0.0],
        })
    });
    assert_eq!(
        load_error(&path),
        format!(
            "{}: tensor `3.weight`: not in the model (1 unexpected in all)",
            path.display()
        )
    );
}

#[test]
fn a_wrong_shape() {
    let path = edited("shape.safetensors", |t| {
        let w = t.iter_mut().find(|t| t.name == "2.weight").unwrap();
        w.shape = vec![8, 3];
    });
    assert_eq!(
        load_error(&path),
        format!(
            "{}: tensor `2.weight`: shape [8, 3] does not fit the model's [3, 8]",
            path.display()
        )
    );
}

#[test]
fn float64_and_bfloat16_files_are_rejected() {
    for (file, dtype) in [
        ("mlp_f64.safetensors", "F64"),
        ("mlp_bf16.safetensors", "BF16"),
    ] {
        let path = fixture(file);
        let err = load_error(&path);
        let start = format!(
            "{}: tensor `0.bias`: has dtype {dtype}; Kiln models hold float32",
            path.display()
        );
        assert!(err.starts_with(&start), "{err}");
    }
}

#[test]
fn a_truncated_file() {
    let bytes = std::fs::read(fixture("mlp.safetensors")).unwrap();
    let path = scratch("truncated.safetensors");
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    assert_eq!(
        load_error(&path),
        format!(
            "{}: the file is truncated: its header declares 268 bytes of tensor data, but only 258 follow",
            path.display()
        )
    );
}

#[test]
fn a_file_that_is_not_safetensors() {
    let path = scratch("notes.txt");
    std::fs::write(&path, "epoch 3: loss 0.25\n").unwrap();
    let err = load_error(&path);
    assert!(
        err.starts_with(&format!("{}: not a safetensors file", path.display())),
        "{err}"
    );
    let missing = scratch("does-not-exist.safetensors");
    assert!(load_error(&missing).starts_with(&missing.display().to_string()));
}
