//! Compile-time shape checking, proven: each file under tests/ui/macro and
//! tests/ui/shape must fail to compile with exactly the error in its
//! .stderr (reviewed like code: the first line must say in words what does
//! not fit), and each file under tests/ui/pass must compile.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/macro/*.rs");
    t.compile_fail("tests/ui/shape/*.rs");
    t.compile_fail("tests/ui/layers/*.rs");
    t.compile_fail("tests/ui/functional/*.rs");
    t.compile_fail("tests/ui/attention/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
