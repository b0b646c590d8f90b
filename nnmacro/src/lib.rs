//! Kiln's procedural macros: `#[derive(Module)]`, `sequential!`,
//! `Sequential!` and `Size!`.
//!
//! Laid out like serde_derive: each entry point parses, expands, and turns
//! errors into `compile_error!`. Parsing builds an IR ([`seq::ir`],
//! [`derive::ir`]), checks collect every error at once ([`errors::Errors`]),
//! and expansion writes hygienic code (`::kiln::...` paths inside
//! `const _: () = { ... };`). Generated code names only `::kiln::nn::*` and
//! `::kiln::__private::*`.
#![warn(missing_docs)]

mod compiled_once;
mod derive;
mod errors;
mod gate;
mod layers;
mod seq;
mod size;
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

/// Any size where a type is expected: `Size![9216]` is the typenum type of
/// 9216, for a struct field, an annotation or a signature.
///
/// typenum names its numbers only up to `U1024` (and the powers of two:
/// `U2048`, `U4096`, ...), so `Linear<U9216, U4096>` fails with "cannot
/// find type `U9216`". Write `Linear<Size![9216], U4096>` instead, or the
/// arithmetic PyTorch code has: `Linear<Size![256 * 6 * 6], U4096>`
/// (`*`, `+`, `-`, `/` between integer literals).
///
/// (Not compiled as a doc test here, where `kiln` is out of reach: the same
/// code is the pass case `tests/ui/pass/large_sizes.rs`.)
///
/// ```ignore
/// use kiln::prelude::*;
///
/// #[derive(Module)]
/// struct Classifier {
///     fc1: Linear<Size![256 * 6 * 6], U4096>,
///     fc2: Linear<U4096, U1000>,
/// }
/// let x: Tensor<(Dyn, Size![9216])> = Tensor::zeros((Dyn(2), Default::default())).unwrap();
/// let net = Classifier { fc1: Linear::new(), fc2: Linear::new() };
/// let y: Tensor<(Dyn, U1000)> = net.fc2.forward(net.fc1.forward(x).relu());
/// assert_eq!(y.dims().as_slice(), &[2, 1000]);
/// ```
#[proc_macro]
#[allow(non_snake_case)]
#[doc(
    alias = "U9216",
    alias = "U25088",
    alias = "U100352",
    alias = "U1025",
    alias = "typenum"
)]
pub fn Size(input: TokenStream) -> TokenStream {
    size::expand(input.into())
        .unwrap_or_else(size::error_type)
        .into()
}

/// The traits of one shape-rule error message, for `nncore`'s
/// `shape_gate!` only: a message trait per combination of small and large
/// sizes (see `nnmacro/src/gate.rs`).
#[doc(hidden)]
#[proc_macro]
pub fn __shape_gate(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as gate::GateInput);
    gate::expand(&input).into()
}

/// Compiles a function generic over `E: Element` once, in `nncore`, for
/// `f32` and `f64`: the crates that call it get a small generic wrapper
/// that picks one of the two instances, instead of compiling and
/// optimising the body again (see `nnmacro/src/compiled_once.rs`). For
/// `nncore`'s entry points only (it names `crate::element::per_element`).
#[doc(hidden)]
#[proc_macro_attribute]
pub fn __compiled_once(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        return syn::Error::new(
            proc_macro2::Span::call_site(),
            "#[__compiled_once] takes no arguments",
        )
        .into_compile_error()
        .into();
    }
    let item = parse_macro_input!(item as syn::ItemFn);
    compiled_once::expand(item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
