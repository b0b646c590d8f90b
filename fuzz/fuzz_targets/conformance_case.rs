//! The conformance-case parser (FORMAT.md's JSON) on arbitrary text, and
//! every typed accessor the runner uses on the cases it accepts.
#![no_main]

use kiln_conformance::CaseFile;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = CaseFile::parse(text, Path::new("fuzz.json")) else {
        return;
    };
    for case in &file.cases {
        for name in ["input", "target", "x", "weight"] {
            if let Ok(t) = case.input(name) {
                let _ = t.to_f64();
                let _ = t.to_long();
            }
        }
        let _ = case.has_input("input");
        let _ = case.tensor_option("weight");
        let _ = case.f64_option("lr", 0.1);
        let _ = case.i64_option("dim", -1);
        let _ = case.bool_option("bias", true);
        let _ = case.str_option("reduction", "mean");
        let _ = case.requires_grad();
        if let Ok(Some(g)) = case.grad_output() {
            let _ = g.to_f64();
        }
        let _ = case.expects_error();
        if let Ok(out) = case.expected_output() {
            let _ = out.to_f64();
        }
        let _ = case.expected_grad("input");
    }
});
