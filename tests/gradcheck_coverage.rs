//! Every differentiable op and every loss is under a finite-difference
//! gradcheck: this test reads `nncore/src/ops` and `nncore/src/loss` at test
//! time and fails when a file defines a `Backward` impl or a loss function
//! but its tests call `gradcheck(` fewer times than it has of those. Adding an
//! op or a loss without a gradcheck therefore fails the suite.
//!
//! A file made only of ops composed from others (no `Backward` of its own)
//! passes when it has at least one gradcheck.
//!
//! A file's tests are the file itself, any file it includes with
//! `#[path = "..."]`, its `<stem>_tests.rs` sibling and, for an op in a
//! folder, that folder's `tests.rs`.

use std::fs;
use std::path::{Path, PathBuf};

/// Files with nothing differentiable in them, and why.
const ALLOWED: &[(&str, &str)] = &[
    ("ops/mod.rs", "module declarations and re-exports only"),
    (
        "ops/broadcast.rs",
        "shape arithmetic for broadcasting; its gradient (the sum over broadcast axes) is \
         part of each binary op's backward, gradchecked in binary.rs",
    ),
    (
        "ops/attention_mask.rs",
        "the attention mask types; what a mask does is gradchecked in sdpa.rs and multi_head_attention.rs",
    ),
    ("loss/mod.rs", "module declarations and re-exports only"),
    (
        "loss/module_macro.rs",
        "the macro writing the loss modules' builders; the functions it wraps are gradchecked in their own files",
    ),
    (
        "loss/nll_module.rs",
        "the NLLLoss module over nll_loss, which nll.rs gradchecks",
    ),
    (
        "loss/util.rs",
        "shape checks and reductions shared by the loss files; no op of its own",
    ),
    (
        "loss/criterion.rs",
        "the Loss trait and the typed forward's scalar result; the losses it calls are \
         gradchecked in their own files",
    ),
    (
        "loss/ctc_alignment.rs",
        "the forward-backward recursion of ctc_loss, gradchecked through ctc_loss in ctc.rs",
    ),
    (
        "loss/ctc_input.rs",
        "the argument checks and target layout of ctc_loss; no op of its own",
    ),
    (
        "loss/reduction.rs",
        "the Reduction enum and its application to a loss vector, built from reduce ops \
         gradchecked in ops/reduce.rs",
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("nncore/src")
}

/// The `.rs` files under `dir`, recursively, as paths relative to `nncore/src`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.strip_prefix(src()).unwrap().to_path_buf());
        }
    }
}

fn is_test_file(path: &Path) -> bool {
    let stem = path.file_stem().unwrap().to_string_lossy();
    stem == "tests" || stem.ends_with("_tests")
}

/// Lines that start an `impl ... Backward<...> for ...`.
fn backward_impls(text: &str) -> usize {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("impl") && l.contains("Backward<") && l.contains(" for "))
        .count()
}

/// Top-level `pub fn` items: the functional API of a loss file.
fn top_level_pub_fns(text: &str) -> usize {
    text.lines().filter(|l| l.starts_with("pub fn ")).count()
}

/// The file's text plus the text of the test files that belong to it.
fn test_sources(rel: &Path) -> String {
    let path = src().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    let dir = path.parent().unwrap();
    let mut all = text.clone();
    let mut extra: Vec<PathBuf> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("#[path = \""))
        .filter_map(|l| l.split('"').next())
        .map(|p| dir.join(p))
        .collect();
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    extra.push(dir.join(format!("{stem}_tests.rs")));
    if stem == "mod" {
        extra.push(dir.join("tests.rs"));
    }
    extra.sort();
    extra.dedup();
    for p in extra {
        if let Ok(t) = fs::read_to_string(&p) {
            all.push_str(&t);
        }
    }
    all
}

#[test]
fn every_backward_and_every_loss_has_a_gradcheck() {
    let mut files = Vec::new();
    rust_files(&src().join("ops"), &mut files);
    rust_files(&src().join("loss"), &mut files);
    assert!(files.len() >= 10, "found only {files:?}");
    let mut missing = Vec::new();
    let mut covered = 0;
    for rel in files.iter().filter(|f| !is_test_file(f)) {
        let name = rel.to_string_lossy().replace('\\', "/");
        let text = fs::read_to_string(src().join(rel)).unwrap();
        let impls = backward_impls(&text);
        let losses = if name.starts_with("loss/") {
            top_level_pub_fns(&text)
        } else {
            0
        };
        if let Some((_, reason)) = ALLOWED.iter().find(|(f, _)| *f == name) {
            assert!(
                impls == 0 && losses == 0,
                "{name} is allow-listed ({reason}) but now defines {impls} Backward impl(s) \
                 and {losses} loss function(s): give them a gradcheck and remove it from ALLOWED"
            );
            continue;
        }
        let needed = impls.max(losses);
        let calls = test_sources(rel).matches("gradcheck(").count();
        if needed == 0 && calls == 0 {
            missing.push(format!(
                "{name}: defines no Backward impl or loss function; add it to ALLOWED with a reason"
            ));
        } else if calls < needed {
            missing.push(format!(
                "{name}: {impls} Backward impl(s), {losses} loss function(s), but only {calls} \
                 gradcheck( call(s) in its tests"
            ));
        } else {
            covered += 1;
        }
    }
    assert!(
        missing.is_empty(),
        "ops without a gradcheck:\n{}",
        missing.join("\n")
    );
    assert!(covered >= 10, "only {covered} files covered");
}

#[test]
fn the_allow_list_names_existing_files() {
    for (file, _) in ALLOWED {
        assert!(
            src().join(file).is_file(),
            "ALLOWED names {file}, which does not exist"
        );
    }
}

#[test]
fn the_scanners_see_what_they_should() {
    let text =
        "impl<E: Element> Backward<E> for FooBackward {\n}\npub fn foo() {}\n    pub fn bar() {}\n";
    assert_eq!(backward_impls(text), 1);
    assert_eq!(top_level_pub_fns(text), 1);
    assert!(is_test_file(Path::new("ops/foo_tests.rs")));
    assert!(!is_test_file(Path::new("ops/foo.rs")));
}
