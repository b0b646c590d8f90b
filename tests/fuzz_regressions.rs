//! Hostile inputs for the loaders, fed through the same public APIs as the
//! fuzz targets in fuzz/ (see docs/reliability.md). Each is an error with a
//! message, never a panic or an allocation sized by the input's claims.
//!
//! The inputs live in tests/data/fuzz/. The three 4-minute fuzz runs found
//! no crash; `conformance_case_shape_overflow.json` is the overflow found
//! while reviewing the targets (a shape whose product passes `usize::MAX`
//! panicked in `TensorData::parse` and `DynTensor::from_vec` with overflow
//! checks on, and wrapped to 0 without them).

use kiln::DynTensor;
use kiln::data::{parse_idx_images, parse_idx_labels};
use kiln::io::load_safetensors_bytes;
use kiln::nn::load_safetensors_bytes_into;
use kiln::prelude::*;
use kiln_conformance::CaseFile;
use std::path::{Path, PathBuf};

fn input(name: &str) -> (PathBuf, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

#[test]
fn an_idx_header_claiming_four_billion_images_is_an_error_not_an_allocation() {
    let (path, bytes) = input("idx_four_billion_images");
    let err = parse_idx_images(&bytes, &path).unwrap_err().to_string();
    let refusal = "the header claims pixel data for 4294967295 images of 28x28 (3367254359280 bytes), \
                   more than Kiln reads from one IDX file (2147483648 bytes, MAX_IDX_BYTES): \
                   the header's count is implausible";
    assert_eq!(err, format!("{}: {refusal}", path.display()));
    let (path, bytes) = input("idx_four_billion_images.gz");
    let err = parse_idx_images(&bytes, &path).unwrap_err().to_string();
    assert_eq!(err, format!("{}: {refusal}", path.display()), "gzip");
    let err = parse_idx_labels(&bytes, &path).unwrap_err().to_string();
    assert!(err.contains("is an image file"), "{err}");
}

#[test]
fn a_conformance_tensor_whose_shape_overflows_is_an_error() {
    let (path, bytes) = input("conformance_case_shape_overflow.json");
    let file = CaseFile::parse(std::str::from_utf8(&bytes).unwrap(), &path).unwrap();
    let err = file.cases[0].input("input").unwrap_err();
    assert_eq!(
        err,
        "a tensor of shape [4294967296, 4294967296] has 0 values"
    );
}

#[test]
fn tensors_whose_shape_overflows_are_errors() {
    let err = DynTensor::<f32>::from_vec(vec![], &[1 << 32, 1 << 32]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "from_vec: shape mismatch: expected more elements for shape [4294967296, 4294967296], \
         found 0 elements"
    );
    let err = kiln::LongTensor::from_vec(vec![], &[1 << 32, 1 << 32]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("LongTensor::from_vec: shape mismatch: expected more")
    );
    let x = DynTensor::<f32>::zeros(&[0]).unwrap();
    let err = x.reshape(&[1 << 32, 1 << 32, 0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "reshape: shape mismatch: expected a shape with 0 elements, found [4294967296, 4294967296, 0]"
    );
}

#[test]
fn hostile_safetensors_files_are_errors_and_leave_the_model_unchanged() {
    let model = sequential![Linear(4, 3), ReLU, Linear(3, 2)];
    let before: Vec<Vec<f32>> = model.parameters().iter().map(|p| p.to_vec()).collect();
    for name in [
        "safetensors_shape_overflow",
        "safetensors_header_claims_huge_length",
    ] {
        let (path, bytes) = input(name);
        let err = load_safetensors_bytes(&bytes, &path)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&path.display().to_string()),
            "{name}: {err}"
        );
        for strict in [true, false] {
            assert!(load_safetensors_bytes_into(&model, &bytes, &path, strict).is_err());
        }
    }
    let after: Vec<Vec<f32>> = model.parameters().iter().map(|p| p.to_vec()).collect();
    assert_eq!(before, after);
}

/// Found while reviewing the scheduler state (issue 15) and kept as inputs
/// of the `scheduler_state` fuzz target: a StepLR state with step_size 0
/// and a CosineAnnealingLR state with T_max 0 loaded, then divided by
/// zero at the next step. The 4-minute runs of `scheduler_state` and
/// `checkpoint` found no crash.
#[test]
fn a_saved_scheduler_its_constructor_would_refuse_is_refused_on_load() {
    use kiln::optim::lr_scheduler::{CosineAnnealingLR, LrScheduler, StepLR};
    use kiln::optim::{SGD, SgdOptions};
    let mut opt = SGD::new(
        vec![kiln::nn::Parameter::new(vec![0.0], &[1])],
        SgdOptions {
            lr: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    let state = |name: &str| serde_json::from_slice(&input(name).1).unwrap();
    let mut step = StepLR::new(&mut opt, 2, 0.5).unwrap();
    let err = step
        .load_state_dict(&state("scheduler_step_lr_step_size_zero.json"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "StepLR: invalid step_size: step_size must be a positive integer"
    );
    let mut cosine = CosineAnnealingLR::new(&mut opt, 3, 0.0).unwrap();
    let err = cosine
        .load_state_dict(&state("scheduler_cosine_t_max_zero.json"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "CosineAnnealingLR: invalid T_max: T_max must be a positive integer"
    );
    step.step(&mut opt).unwrap();
    cosine.step(&mut opt).unwrap();
}
