//! Compile-fail cases for the shape rules of the layers added with issue 6:
//! the first line of each error names the layer and the sizes.

#[test]
fn ui_layers() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/layers/*.rs");
}
