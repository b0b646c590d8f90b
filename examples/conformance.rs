//! The PyTorch conformance runner.
//!
//! ```text
//! cargo run --release --example conformance -- tests/data/conformance
//! cargo run --release --example conformance -- ../shared/conformance/losses.json
//! ```
//!
//! Prints `PASS name`, `FAIL name: what differs` or `SKIP name: why` per
//! case, then `N passed, N failed, N skipped`; exits non-zero when any
//! case failed.

use std::path::PathBuf;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: conformance PATH... (case files or folders of them)");
        std::process::exit(2);
    }
    match kiln_conformance::run_paths(&paths, &mut std::io::stdout()) {
        Ok(summary) if summary.failed == 0 => {}
        Ok(_) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
