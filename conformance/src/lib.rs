//! The PyTorch conformance runner: performs the cases of
//! `shared/conformance/*.json` (format: that folder's FORMAT.md) through
//! Kiln's runtime-shaped API and compares with PyTorch's numbers.
//!
//! One file per family (`loss.rs`, `function.rs`, `module.rs`, ...); each
//! maps a case's `op` to Kiln and returns an [`Outcome`]. A case Kiln
//! cannot perform yet is [`Outcome::Skip`], never a pass.
//!
//! A workspace crate of its own (`publish = false`): the `kiln` facade does
//! not ship it. `cargo run --release --example conformance -- tests/data/conformance`
//! and `tests/conformance.rs` use it as a dev-dependency.
//!
//! ```no_run
//! let summary = kiln_conformance::run_paths(&["tests/data/conformance".into()], &mut std::io::stdout()).unwrap();
//! assert_eq!(summary.failed, 0);
//! ```

// The families name nncore's items as `crate::ops`, `crate::nn`, ... (they
// were written inside the facade, which re-exports nncore whole); `loss` and
// `init` are families here, so those two are named `nncore::loss`, `nncore::init`.
use nncore::{DynTensor, Error, LongTensor, Result, autograd, nn, ops, optim};

mod case;
mod compare;
mod function;
mod harness;
mod init;
mod loss;
mod loss_ctc;
mod module;
mod module_norm;
mod optimizer;
mod options;
mod repr;
mod scheduler;
mod sequence;
mod sequence_attention;
mod sequence_recurrent;

pub use case::{Case, CaseFile, TensorData};
pub use compare::{Tolerance, compare};

use std::io::Write;
use std::path::{Path, PathBuf};

/// The result of one case.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Kiln agrees with PyTorch.
    Pass,
    /// Kiln disagrees: what differs.
    Fail(String),
    /// Kiln cannot perform the case yet: why.
    Skip(String),
}

/// Counts of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases skipped.
    pub skipped: usize,
}

/// Runs one case of the given family.
pub fn run_case(family: &str, case: &Case) -> Outcome {
    let outcome = std::panic::catch_unwind(|| match family {
        "loss" => loss::run(case),
        "function" => function::run(case),
        "module" => module::run(case),
        "repr" => repr::run(case),
        "optimizer" => optimizer::run(case),
        "scheduler" => scheduler::run(case),
        "init" => init::run(case),
        "sequence" => sequence::run(case),
        other => Outcome::Skip(format!("the `{other}` family is not supported yet")),
    });
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Outcome::Fail(format!("panicked: {message}"))
    })
}

/// Runs every case of every `.json` file under `paths` (files or folders),
/// writing one line per case and the closing line
/// `N passed, N failed, N skipped`.
pub fn run_paths(paths: &[PathBuf], out: &mut dyn Write) -> crate::Result<Summary> {
    let mut files = Vec::new();
    for path in paths {
        collect_json(path, &mut files)?;
    }
    files.sort();
    let mut summary = Summary::default();
    for file in &files {
        let parsed = CaseFile::read(file)?;
        for case in &parsed.cases {
            let line = match run_case(&parsed.family, case) {
                Outcome::Pass => {
                    summary.passed += 1;
                    format!("PASS {}", case.name)
                }
                Outcome::Fail(why) => {
                    summary.failed += 1;
                    format!("FAIL {}: {why}", case.name)
                }
                Outcome::Skip(why) => {
                    summary.skipped += 1;
                    format!("SKIP {}: {why}", case.name)
                }
            };
            writeln!(out, "{line}").map_err(|e| crate::Error::io("<output>", e))?;
        }
    }
    writeln!(
        out,
        "{} passed, {} failed, {} skipped",
        summary.passed, summary.failed, summary.skipped
    )
    .map_err(|e| crate::Error::io("<output>", e))?;
    Ok(summary)
}

fn collect_json(path: &Path, out: &mut Vec<PathBuf>) -> crate::Result<()> {
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| crate::Error::io(path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| crate::Error::io(path, e))?;
            collect_json(&entry.path(), out)?;
        }
    } else if path.extension().is_some_and(|e| e == "json") {
        out.push(path.to_path_buf());
    } else if !path.exists() {
        return Err(crate::Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        ));
    }
    Ok(())
}
