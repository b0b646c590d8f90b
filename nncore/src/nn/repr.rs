//! Printing a module exactly as PyTorch's `repr()` does.

use super::Module;
use std::fmt;

/// Writes `m` as PyTorch's `nn.Module.__repr__` would: the class name, the
/// `extra_repr` of a leaf on one line, children as `(name): child` indented
/// by two spaces. Every module's `Display` calls this.
///
/// ```
/// use nncore::nn::{module_repr, Linear};
/// use nncore::shape::{U4, U2};
/// assert_eq!(module_repr(&Linear::<U4, U2>::new()), "Linear(in_features=4, out_features=2, bias=True)");
/// ```
pub fn module_repr(m: &dyn Module) -> String {
    let extra = m.extra_repr();
    let extra_lines: Vec<&str> = if extra.is_empty() {
        Vec::new()
    } else {
        extra.split('\n').collect()
    };
    let children = m.named_children();
    let child_lines: Vec<String> = if m.folds_repeated_children() {
        folded_child_lines(&children)
    } else {
        children
            .iter()
            .map(|(name, child)| add_indent(&format!("({name}): {}", module_repr(*child))))
            .collect()
    };
    let mut out = format!("{}(", m.type_name());
    if extra_lines.len() == 1 && child_lines.is_empty() {
        out.push_str(extra_lines[0]);
    } else if !extra_lines.is_empty() || !child_lines.is_empty() {
        let lines: Vec<String> = extra_lines
            .iter()
            .map(|s| s.to_string())
            .chain(child_lines)
            .collect();
        out.push_str("\n  ");
        out.push_str(&lines.join("\n  "));
        out.push('\n');
    }
    out.push(')');
    out
}

/// `fmt::Display` through [`module_repr`].
pub fn fmt_module(m: &dyn Module, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(&module_repr(m))
}

/// PyTorch's `ModuleList.__repr__`: runs of identical children print once
/// as `(0-2): 3 x Linear(...)`.
fn folded_child_lines(children: &[(String, &dyn Module)]) -> Vec<String> {
    let reprs: Vec<String> = children.iter().map(|(_, c)| module_repr(*c)).collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < reprs.len() {
        let mut end = start;
        while end + 1 < reprs.len() && reprs[end + 1] == reprs[start] {
            end += 1;
        }
        let line = if end == start {
            format!("({start}): {}", reprs[start])
        } else {
            format!("({start}-{end}): {} x {}", end - start + 1, reprs[start])
        };
        lines.push(add_indent(&line));
        start = end + 1;
    }
    lines
}

/// PyTorch's `_addindent(s, 2)`: every line but the first gets two spaces.
fn add_indent(s: &str) -> String {
    let mut lines = s.split('\n');
    let first = lines.next().unwrap_or_default().to_string();
    lines.fold(first, |mut acc, line| {
        acc.push_str("\n  ");
        acc.push_str(line);
        acc
    })
}
