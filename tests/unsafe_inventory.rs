//! The `unsafe` inventory of docs/reliability.md stays true: the number of
//! `unsafe` blocks, functions and impls in Kiln's own sources (the vendored
//! gemm-common excepted, documented on its own) is the number the doc
//! states, and each sits under a `SAFETY:` comment.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_documented_unsafe_count_is_the_real_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["nncore/src", "nnmacro/src", "src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            // `unsafe fn(` with a parenthesis is a function-pointer type
            // (`type GemmFn<E> = unsafe fn(...)`): it names unsafe code
            // elsewhere and runs none; calling one needs a block, counted.
            let is_unsafe = ["unsafe {", "unsafe fn ", "unsafe impl"]
                .iter()
                .any(|k| code.contains(k));
            if !is_unsafe {
                continue;
            }
            let above = lines[i.saturating_sub(30)..i].join("\n");
            assert!(
                above.contains("SAFETY:"),
                "{}:{}: `unsafe` without a SAFETY comment above it",
                file.display(),
                i + 1
            );
            found.push(format!("{}:{}", file.display(), i + 1));
        }
    }
    let doc = std::fs::read_to_string(root.join("docs/reliability.md")).unwrap();
    let stated = format!("| `unsafe` blocks | {} ", found.len());
    assert!(
        doc.contains(&stated),
        "docs/reliability.md must state {} unsafe blocks: {found:#?}",
        found.len()
    );
}
