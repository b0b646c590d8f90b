//! The matrix covers the source tree: every public op in `nncore/src/ops`,
//! every loss (top-level `pub fn`) in `nncore/src/loss`, every layer
//! exported from `nncore/src/nn/mod.rs` and every differentiable method of
//! the typed functional API (`nncore/src/typed/fn_*.rs`) has at least [`MIN_CASES`] cases.
//! The lists are read from the files at test time, so adding an op, a loss
//! or a layer without cases here fails this test.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The fewest shape/option cases each subject needs.
const MIN_CASES: usize = 2;

/// `pub fn`s in `nncore/src/ops` that are not differentiable ops, and why.
const NOT_OPS: &[(&str, &str)] = &[
    ("new", "options constructors"),
    ("stride", "options builders"),
    ("padding", "options builders"),
    ("padding_mode", "options builders"),
    ("dilation", "options builders"),
    ("groups", "options builders"),
    ("ceil_mode", "options builders"),
    ("count_include_pad", "options builders"),
    ("divisor_override", "options builders"),
    ("to_dense", "turns a sparse gradient into a dense one"),
    ("argmax", "returns indices: nothing to differentiate"),
    ("conv_transpose_out", "output-size arithmetic"),
    ("batch_norm_momentum", "running-average factor arithmetic"),
    (
        "embedding_sparse_grad",
        "computes embedding's (sparse) gradient; checked against the dense one in ops/embedding.rs",
    ),
    ("causal", "attention mask constructors and accessors"),
    ("values", "attention mask constructors and accessors"),
    ("shape", "attention mask constructors and accessors"),
    ("to_bias", "attention mask constructors and accessors"),
    ("attn_mask", "options builders"),
    ("dropout_p", "options builders"),
    ("is_causal", "options builders"),
    ("scale", "options builders"),
    (
        "embedding_renorm_",
        "in-place max_norm rescaling under no_grad, like PyTorch's",
    ),
];

/// `pub fn`s of the typed functional API (`nncore/src/typed/fn_*.rs`) that
/// are not differentiable, and why.
const NOT_TYPED_OPS: &[(&str, &str)] = &[
    ("argmax", "returns indices: nothing to differentiate"),
    (
        "argmax_keepdim",
        "returns indices: nothing to differentiate",
    ),
    ("eq", "returns 0/1 integers: nothing to differentiate"),
    (
        "sum",
        "the sum of an integer tensor (float sums are ops::sum)",
    ),
    ("item", "reads an integer scalar"),
];

/// Names exported from `nncore::nn` that are not layers, and why.
const NOT_LAYERS: &[(&str, &str)] = &[
    (
        "AssertLayer",
        "compile-time shape assertion helpers for the macros",
    ),
    (
        "AssertModule",
        "compile-time shape assertion helpers for the macros",
    ),
    (
        "Same",
        "compile-time shape assertion helpers for the macros",
    ),
    ("DynModule", "a trait"),
    (
        "EmbeddingIndices",
        "a trait: the index types Embedding takes",
    ),
    ("DynForward", "a trait"),
    ("Forward", "a trait"),
    ("Module", "a trait"),
    ("ModuleExt", "a trait"),
    (
        "ModuleDict",
        "a container: its children are the layers checked here",
    ),
    (
        "ModuleList",
        "a container: its children are the layers checked here",
    ),
    (
        "Sequential",
        "a container: its children are the layers checked here",
    ),
    ("Chain", "the type-level list inside Sequential"),
    ("Activation", "a transformer layer argument"),
    (
        "TransformerLayerArgs",
        "the arguments the transformer layers share",
    ),
    (
        "Get",
        "a parameter lookup by name (what the attention specs run on)",
    ),
    ("MhaForward", "a forward's keyword arguments"),
    ("EncoderForward", "a forward's keyword arguments"),
    ("DecoderForward", "a forward's keyword arguments"),
    ("TransformerForward", "a forward's keyword arguments"),
    ("ChainForward", "a trait"),
    ("ChainSummary", "a trait: the summary rows of a Sequential"),
    (
        "InputDeclared",
        "a trait: a Sequential's declared input shape",
    ),
    (
        "NoInput",
        "the input shape of a Sequential built without one",
    ),
    (
        "OutputShape",
        "a trait: a layer's output shape for the summary",
    ),
    (
        "Summary",
        "the printout of a Sequential's shapes and parameter counts",
    ),
    ("SummaryRow", "one row of a Summary"),
    ("Buffer", "a tensor holder"),
    ("Parameter", "a tensor holder"),
    ("LoadReport", "the result of a state_dict load"),
    ("StateDict", "a name-to-tensor map"),
    ("PyNumber", "a layer argument printed as PyTorch prints it"),
    (
        "AdaptiveSize",
        "a layer argument printed as PyTorch prints it",
    ),
    (
        "ConvPaddingArg",
        "a layer argument printed as PyTorch prints it",
    ),
    ("Hidden", "the state a recurrent layer returns"),
    ("Mode", "which recurrence a recurrent spec runs"),
    ("Bi", "a direction marker of the typed recurrent layers"),
    ("Uni", "a direction marker of the typed recurrent layers"),
    ("Direction", "a trait"),
    ("ProjSize", "a trait"),
    ("OutFeatures", "a type-level size"),
    (
        "OutputOnly",
        "keeps the first element of a layer's output tuple: nothing to differentiate",
    ),
    (
        "TypedLSTM",
        "the typed face of nn::LSTM, whose forward it runs (checked here)",
    ),
    (
        "TypedGRU",
        "the typed face of nn::GRU, whose forward it runs (checked here)",
    ),
    (
        "TypedRNN",
        "the typed face of nn::RNN, whose forward it runs (checked here)",
    ),
    (
        "BatchNormArgs",
        "the arguments BatchNorm1dSpec and BatchNorm2dSpec share",
    ),
];

/// A layer's spec (`LinearSpec`: PyTorch's arguments, checks, printout and
/// runtime forward) is checked through its layer.
fn is_spec(name: &str) -> bool {
    name.ends_with("Spec")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("nncore/src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// The files of the typed functional API: `nncore/src/typed/fn_*.rs`.
fn typed_fn_files() -> Vec<PathBuf> {
    rust_files(&src().join("typed"))
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("fn_"))
        .collect()
}

/// The name after `pub fn ` on lines that start (after `indent`) with it.
fn pub_fns(text: &str, top_level_only: bool) -> Vec<String> {
    text.lines()
        .filter(|l| !top_level_only || !l.starts_with(' '))
        .filter_map(|l| l.trim_start().strip_prefix("pub fn "))
        .map(|rest| rest.split(['<', '(']).next().unwrap().to_string())
        .filter(|name| name.starts_with(|c: char| c.is_ascii_alphabetic()))
        .collect()
}

/// The `CamelCase` names of `pub use` items (one or several lines).
fn exported_types(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_use = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("pub use ") {
            in_use = true;
        }
        if in_use {
            let items = line.rsplit("::").next().unwrap();
            for word in items.split(|c: char| !c.is_alphanumeric() && c != '_') {
                if word.starts_with(|c: char| c.is_ascii_uppercase()) {
                    names.push(word.to_string());
                }
            }
            if line.ends_with(';') {
                in_use = false;
            }
        }
    }
    names
}

/// Every subject the matrix must cover, as `ops::name`, `loss::name`,
/// `nn::Name`.
fn subjects() -> Vec<String> {
    let mut out = Vec::new();
    for file in rust_files(&src().join("ops")) {
        for name in pub_fns(&fs::read_to_string(file).unwrap(), false) {
            if !NOT_OPS.iter().any(|(n, _)| *n == name) {
                out.push(format!("ops::{name}"));
            }
        }
    }
    for file in rust_files(&src().join("loss")) {
        for name in pub_fns(&fs::read_to_string(file).unwrap(), true) {
            out.push(format!("loss::{name}"));
        }
    }
    for file in typed_fn_files() {
        for name in pub_fns(&fs::read_to_string(file).unwrap(), false) {
            if !NOT_TYPED_OPS.iter().any(|(n, _)| *n == name) {
                out.push(format!("typed::{name}"));
            }
        }
    }
    let nn = fs::read_to_string(src().join("nn/mod.rs")).unwrap();
    for name in exported_types(&nn) {
        if !NOT_LAYERS.iter().any(|(n, _)| *n == name) && !is_spec(&name) {
            out.push(format!("nn::{name}"));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn counts() -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let cases = {
        let _rng = super::global_rng_lock();
        super::matrix().cases
    };
    for case in cases {
        *counts.entry(case.subject).or_insert(0) += 1;
    }
    counts
}

#[test]
fn every_op_layer_and_loss_has_enough_cases() {
    let subjects = subjects();
    let counts = counts();
    let thin: Vec<String> = subjects
        .iter()
        .filter(|s| counts.get(*s).copied().unwrap_or(0) < MIN_CASES)
        .map(|s| format!("{s}: {} case(s)", counts.get(s).copied().unwrap_or(0)))
        .collect();
    assert!(
        thin.is_empty(),
        "fewer than {MIN_CASES} gradcheck cases in tests/gradcheck_matrix (add shapes and option sets):\n{}",
        thin.join("\n")
    );
    // Every subject of the matrix exists in the source (no stale names).
    let stale: Vec<_> = counts.keys().filter(|k| !subjects.contains(k)).collect();
    assert!(
        stale.is_empty(),
        "matrix subjects not found in the source: {stale:?}"
    );
    let ops = subjects.iter().filter(|s| s.starts_with("ops::")).count();
    let layers = subjects.iter().filter(|s| s.starts_with("nn::")).count();
    let losses = subjects.iter().filter(|s| s.starts_with("loss::")).count();
    let typed = subjects.iter().filter(|s| s.starts_with("typed::")).count();
    assert!(typed >= 25, "{typed} typed functional ops");
    assert!(
        ops >= 50 && layers >= 25 && losses >= 20,
        "{ops} ops, {layers} layers, {losses} losses"
    );
    let total: usize = counts.values().sum();
    let cases_of = |prefix: &str| -> usize {
        counts
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    };
    let fewest = counts.values().min().unwrap();
    println!(
        "gradcheck matrix: {ops} ops ({} cases), {layers} layers ({} cases), {losses} loss \
         functions ({} cases), {total} cases, at least {fewest} per subject",
        cases_of("ops::"),
        cases_of("nn::"),
        cases_of("loss::")
    );
}

/// Every layer the registry builds at run time (and `sequential!`'s table,
/// which the registry's own test matches) has gradcheck cases: a layer
/// registered without them fails here.
#[test]
fn every_registered_layer_has_cases() {
    let counts = counts();
    let missing: Vec<&str> = kiln::nn::spec::registry()
        .iter()
        .map(|r| r.name)
        .filter(|name| counts.get(&format!("nn::{name}")).copied().unwrap_or(0) < MIN_CASES)
        .collect();
    assert!(
        missing.is_empty(),
        "registered layers with fewer than {MIN_CASES} gradcheck cases: {missing:?}"
    );
}

#[test]
fn the_allow_lists_name_things_that_exist() {
    let mut ops = Vec::new();
    for file in rust_files(&src().join("ops")) {
        ops.extend(pub_fns(&fs::read_to_string(file).unwrap(), false));
    }
    for (name, _) in NOT_OPS {
        assert!(
            ops.iter().any(|o| o == name),
            "NOT_OPS names {name}, which is not in nncore/src/ops"
        );
    }
    let mut typed = Vec::new();
    for file in typed_fn_files() {
        typed.extend(pub_fns(&fs::read_to_string(file).unwrap(), false));
    }
    for (name, _) in NOT_TYPED_OPS {
        assert!(
            typed.iter().any(|o| o == name),
            "NOT_TYPED_OPS names {name}, which is not in nncore/src/typed/fn_*.rs"
        );
    }
    let nn = exported_types(&fs::read_to_string(src().join("nn/mod.rs")).unwrap());
    for (name, _) in NOT_LAYERS {
        assert!(
            nn.iter().any(|o| o == name),
            "NOT_LAYERS names {name}, which nncore::nn does not export"
        );
    }
}

#[test]
fn the_scanners_see_what_they_should() {
    let text = "pub fn top<E>() {}\n    pub fn method(&self) {}\nfn private() {}\n";
    assert_eq!(pub_fns(text, false), ["top", "method"]);
    assert_eq!(pub_fns(text, true), ["top"]);
    let uses = "pub use a::B;\npub use c::{\n    D, E, f,\n};\nuse g::H;\n";
    assert_eq!(exported_types(uses), ["B", "D", "E"]);
}
