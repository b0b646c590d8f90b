//! Kiln's procedural macros: `#[derive(Module)]`, `sequential!` and
//! `Sequential!`.
//!
//! Laid out like serde_derive: each entry point parses, expands, and turns
//! errors into `compile_error!`. Parsing builds an IR ([`seq::ir`],
//! [`derive::ir`]), checks collect every error at once ([`errors::Errors`]),
//! and expansion writes hygienic code (`::kiln::...` paths inside
//! `const _: () = { ... };`). Generated code names only `::kiln::nn::*` and
//! `::kiln::__private::*`.
#![warn(missing_docs)]

mod derive;
mod errors;
mod layers;
mod seq;
mod suggest;
mod typenum;

use proc_macro::TokenStream;
use syn::parse_macro_input;

/// Builds a `kiln::nn::Sequential` from PyTorch-style layers:
/// `sequential![Linear(784, 256), ReLU, Linear(256, 10)]`, or with names:
/// `sequential![fc1: Linear(784, 256), relu: ReLU, fc2: Linear(256, 10)]`.
///
/// Known layers (`Linear`, `Conv2d`, `MaxPool2d`, `ReLU`, `Flatten`) take
/// PyTorch's arguments, positional or by keyword, with integer-literal
/// sizes; any other entry is a Rust expression evaluating to a module.
#[proc_macro]
pub fn sequential(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as seq::ir::SeqInput);
    seq::expand::expand_expr(&input)
        .unwrap_or_else(seq::expand::error_expr)
        .into()
}

/// The type of the `sequential![...]` with the same layers:
/// `type Mlp = kiln::Sequential![Linear(784, 256), ReLU, Linear(256, 10)];`.
/// Entries that are not known layers are types (`MyBlock`, a nested
/// `Sequential![...]`).
#[proc_macro]
#[allow(non_snake_case)]
pub fn Sequential(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as seq::ir::SeqTypeInput);
    seq::expand::expand_type(&input)
        .unwrap_or_else(seq::expand::error_type)
        .into()
}

/// Implements `kiln::nn::Module` and `Display` for a struct whose fields
/// are its child modules, named by field (`fc1`, `0`).
///
/// Field attributes: `#[module(skip)]` (plain data), `#[module(param)]`
/// (a `Parameter` of this module), `#[module(buffer)]` (a `Buffer`).
/// Struct attribute: `#[module(name = "Custom")]`, the printed class name.
#[proc_macro_derive(Module, attributes(module))]
pub fn derive_module(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as syn::DeriveInput);
    derive::expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
