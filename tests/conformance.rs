//! Runs the PyTorch conformance cases shipped in tests/data/conformance
//! (copied from shared/conformance) through the runner: no case may fail.
//! Cases Kiln cannot perform yet are skipped, never passed; the counts
//! printed here show the coverage.

use kiln_conformance::run_paths;
use std::path::PathBuf;

fn run(file: &str) -> kiln_conformance::Summary {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/conformance")
        .join(file);
    let mut out = Vec::new();
    let summary = run_paths(&[path], &mut out).expect("the case file parses");
    let text = String::from_utf8(out).expect("utf-8");
    let failures: Vec<&str> = text.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        failures.is_empty(),
        "{file}: {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{file}: {}", text.lines().last().unwrap_or_default());
    summary
}

/// Every case of a family runs and passes: the exact totals, so a case
/// that stops being read (or starts being skipped) fails the test.
fn assert_all_pass(file: &str, cases: usize) {
    let summary = run(file);
    assert_eq!(
        (summary.passed, summary.failed, summary.skipped),
        (cases, 0, 0),
        "{file}: (passed, failed, skipped)"
    );
}

#[test]
fn losses_match_pytorch() {
    assert_all_pass("losses.json", 162);
}

#[test]
fn functions_match_pytorch() {
    assert_all_pass("functions.json", 53);
}

#[test]
fn modules_match_pytorch() {
    assert_all_pass("modules.json", 74);
}

#[test]
fn init_matches_pytorch() {
    assert_all_pass("init.json", 85);
}

#[test]
fn repr_matches_pytorch() {
    assert_all_pass("repr.json", 58);
}

/// The recurrent and attention layers (FORMAT.md, `sequence`): 36
/// recurrent and 19 attention cases, outputs and gradients.
#[test]
fn sequence_matches_pytorch() {
    assert_all_pass("sequence.json", 55);
}

/// Their printouts: 8 recurrent, 5 attention.
#[test]
fn sequence_printouts_match_pytorch() {
    assert_all_pass("sequence_repr.json", 13);
}

#[test]
fn a_truncated_case_file_is_an_error_naming_it() {
    let dir = std::env::temp_dir().join(format!("kiln-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.json");
    std::fs::write(
        &file,
        r#"{"format": 1, "family": "loss", "cases": [{"name": "x""#,
    )
    .unwrap();
    let err = run_paths(std::slice::from_ref(&file), &mut Vec::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "{}: not valid JSON: EOF while parsing",
            file.display()
        )),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn optimizers_match_pytorch() {
    assert_all_pass("optimizers.json", 80);
}

#[test]
fn schedulers_match_pytorch() {
    assert_all_pass("schedulers.json", 24);
}

/// Issue 15: `pairwise_distance` over p = 1, 2, 3, 0.5, inf, 0, 1.5, -1,
/// -inf (with gradients), from scripts/make_issue15_cases.py.
#[test]
fn pairwise_distance_over_every_p_matches_pytorch() {
    assert_all_pass("pairwise_distance_p.json", 55);
}

/// Issue 15: LBFGS over three objectives and seventeen option sets, with
/// and without strong_wolfe, including the ones PyTorch fails on.
#[test]
fn lbfgs_over_objectives_and_options_matches_pytorch() {
    assert_all_pass("lbfgs_options.json", 51);
}

/// Issue 15: `calculate_gain` for every nonlinearity with params PyTorch
/// takes, ignores or refuses (bool, string, list).
#[test]
fn calculate_gain_params_match_pytorch() {
    assert_all_pass("calculate_gain_params.json", 140);
}
