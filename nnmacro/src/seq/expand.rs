//! Expansion of `sequential!` (an expression) and `Sequential!` (a type).

use super::check::{self, Resolved};
use super::ir::{SeqInput, SeqTypeInput};
use super::named;
use super::shapes;
use crate::errors::Errors;
use crate::layers::{BoundLayer, Value};
use crate::typenum::unsigned;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// `sequential![...]`: `::kiln::nn::Sequential::new((l0, (l1, ())))`, or a
/// named struct when the entries are named. With an input shape
/// (`input (1, 28, 28);`), the unnamed form is
/// `::kiln::nn::Sequential::<_, (Dyn, U1, U28, U28)>::with_input(..)`, which
/// knows its input for `summary()`. With any error, only the errors:
/// the value is then typed as an error, so neither the sizes the macro
/// already reported nor any use of the value report anything more.
pub fn expand_expr(input: &SeqInput) -> syn::Result<TokenStream> {
    let checked = check::check(&input.entries, input.input.as_ref(), "sequential!");
    checked.errors?;
    let values: Vec<TokenStream> = checked.resolved.iter().map(layer_expr).collect();
    let value = if input.entries.first().is_some_and(|e| e.name.is_some()) {
        let names: Vec<_> = input
            .entries
            .iter()
            .filter_map(|e| e.name.clone())
            .collect();
        named::expand(&names, &values)
    } else {
        let list = cons(&values);
        match &input.input {
            Some(shape) => {
                let shape = shapes::input_type(shape);
                quote!(::kiln::nn::Sequential::<_, #shape>::with_input(#list))
            }
            None => quote!(::kiln::nn::Sequential::new(#list)),
        }
    };
    Ok(value)
}

/// `Sequential![...]`: `::kiln::nn::Sequential<(L0, (L1, ()))>`, with the
/// input shape as its second parameter when one is declared. With
/// errors, the type is still given when it is known (so that most uses of
/// it add no errors), the errors riding in a const argument; a type
/// position cannot hold an error type.
pub fn expand_type(input: &SeqTypeInput) -> syn::Result<TokenStream> {
    let checked = check::check(&input.entries, input.input.as_ref(), "Sequential!");
    let mut errors = Errors::new();
    if let Some(name) = input.entries.iter().find_map(|e| e.name.as_ref()) {
        errors.error_span(
            name.span(),
            "a named sequential has no type that can be written: use sequential![...] for the value, \
             or a struct with #[derive(Module)] to name its type",
        );
    }
    errors.ok(checked.errors.clone());
    let ty = if checked.complete() {
        let types: Vec<TokenStream> = checked.resolved.iter().map(layer_type).collect();
        let list = cons(&types);
        match &input.input {
            Some(shape) => {
                let shape = shapes::input_type(shape);
                quote!(::kiln::nn::Sequential<#list, #shape>)
            }
            None => quote!(::kiln::nn::Sequential<#list>),
        }
    } else {
        quote!(::kiln::nn::Sequential<()>)
    };
    Ok(match errors.finish() {
        Ok(()) => ty,
        Err(error) => {
            let errors = error.into_compile_error();
            quote!(<#ty as ::kiln::__private::Same<{ #errors 0 }>>::Out)
        }
    })
}

/// The errors as an expression, typed as an error so nothing else is
/// reported about the value.
pub fn error_expr(error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote!({ #errors })
}

/// The errors in type position (syntax errors, when no type is known).
pub fn error_type(error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote!(<::kiln::nn::Sequential<()> as ::kiln::__private::Same<{ #errors 0 }>>::Out)
}

/// `(a, (b, (c, ())))`, folded from the right: any length.
fn cons(items: &[TokenStream]) -> TokenStream {
    items
        .iter()
        .rev()
        .fold(quote!(()), |rest, item| quote!((#item, #rest)))
}

/// The type parameters of a bound layer (its sizes, in spec order) and
/// its runtime flag, if it has one.
fn parts(layer: &BoundLayer) -> (Vec<TokenStream>, Option<(&syn::Expr, &'static str)>) {
    let mut sizes = Vec::new();
    let mut flag = None;
    for value in &layer.values {
        match value {
            Value::Size(size) => sizes.push(unsigned(size.value, size.span)),
            Value::Flag(expr) => flag = Some((expr, "with_bias")),
            Value::Probability(expr) => flag = Some((expr, "with_p")),
            Value::Fixed | Value::Selects(_) => {}
        }
    }
    (sizes, flag)
}

/// The layer type to build: the one a type-selecting flag picked
/// (`AvgPool2d(..., ceil_mode = true)` is `AvgPool2dCeil`), else the name
/// as written.
fn layer_ident(layer: &BoundLayer) -> syn::Ident {
    layer
        .values
        .iter()
        .find_map(|value| match value {
            Value::Selects(name) => Some(syn::Ident::new(name, layer.ident.span())),
            _ => None,
        })
        .unwrap_or_else(|| layer.ident.clone())
}

fn layer_expr(entry: &Resolved) -> TokenStream {
    match entry {
        Resolved::Layer(layer) => {
            let ident = &layer_ident(layer);
            let (sizes, flag) = parts(layer);
            let turbofish = if sizes.is_empty() {
                quote!()
            } else {
                quote_spanned!(ident.span()=> ::<#(#sizes),*>)
            };
            match flag {
                Some((flag, ctor)) => {
                    let ctor = syn::Ident::new(ctor, ident.span());
                    quote_spanned!(ident.span()=> ::kiln::nn::#ident #turbofish::#ctor(#flag))
                }
                None => quote_spanned!(ident.span()=> ::kiln::nn::#ident #turbofish::new()),
            }
        }
        Resolved::Expr(expr) => quote_spanned!(expr.span()=> ::kiln::__private::layer(#expr)),
        Resolved::Type(ty) => quote!(#ty),
        Resolved::Failed => quote!(()),
    }
}

fn layer_type(entry: &Resolved) -> TokenStream {
    match entry {
        Resolved::Layer(layer) => {
            let ident = &layer_ident(layer);
            let (sizes, _) = parts(layer);
            if sizes.is_empty() {
                quote_spanned!(ident.span()=> ::kiln::nn::#ident)
            } else {
                quote_spanned!(ident.span()=> ::kiln::nn::#ident<#(#sizes),*>)
            }
        }
        Resolved::Expr(expr) => quote!(#expr),
        Resolved::Type(ty) => quote!(#ty),
        Resolved::Failed => quote!(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(src: &str) -> String {
        let input: SeqInput = syn::parse_str(src).expect("parses");
        expand_expr(&input)
            .expect("expands")
            .to_string()
            .replace(' ', "")
            .replace("::kiln::__private::typenum::", "")
    }

    fn ty(src: &str) -> String {
        let input: SeqTypeInput = syn::parse_str(src).expect("parses");
        expand_type(&input)
            .expect("expands")
            .to_string()
            .replace(' ', "")
            .replace("::kiln::__private::typenum::", "")
    }

    #[test]
    fn unnamed_expression() {
        assert_eq!(
            expr("Linear(784, 256), ReLU, Linear(256, 10, bias = false)"),
            "::kiln::nn::Sequential::new((::kiln::nn::Linear::<U784,U256>::with_bias(true),(::kiln::nn::ReLU::new(),\
             (::kiln::nn::Linear::<U256,U10>::with_bias(false),()))))"
        );
        assert_eq!(expr(""), "::kiln::nn::Sequential::new(())");
        assert_eq!(
            expr("block"),
            "::kiln::nn::Sequential::new((::kiln::__private::layer(block),()))"
        );
    }

    #[test]
    fn input_shape_is_the_second_parameter() {
        assert_eq!(
            expr("input (1, 28, 28); Flatten, Linear(784, 10)"),
            "::kiln::nn::Sequential::<_,(::kiln::shape::Dyn,U1,U28,U28,)>::with_input((::kiln::nn::Flatten::new(),\
             (::kiln::nn::Linear::<U784,U10>::with_bias(true),())))"
        );
        assert_eq!(
            ty("input (784); Linear(784, 10)"),
            "::kiln::nn::Sequential<(::kiln::nn::Linear<U784,U10>,()),(::kiln::shape::Dyn,U784,)>"
        );
    }

    #[test]
    fn conv_and_pool_types() {
        assert_eq!(
            ty("Conv2d(1, 6, 5, padding = 2), MaxPool2d(2), Flatten, Block"),
            "::kiln::nn::Sequential<(::kiln::nn::Conv2d<U1,U6,U5,U1,U2,U1,U1>,(::kiln::nn::MaxPool2d<U2,U2,U0,U1>,\
             (::kiln::nn::Flatten,(Block,()))))>"
        );
    }

    /// ConvTranspose2d's sizes in PyTorch's order (`groups` before
    /// `dilation`), its bias a constructor argument.
    #[test]
    fn conv_transpose_sizes_in_pytorch_order() {
        assert_eq!(
            expr(
                "ConvTranspose2d(4, 8, 3, stride = 2, padding = 1, output_padding = 1, dilation = 2, bias = false)"
            ),
            "::kiln::nn::Sequential::new((::kiln::nn::ConvTranspose2d::<U4,U8,U3,U2,U1,U1,U1,U2>::with_bias(false),()))"
        );
    }

    #[test]
    fn conv1d_and_avg_pool_types() {
        assert_eq!(
            ty("Conv1d(3, 8, 5, padding = 2), AvgPool2d(3, stride = 2, padding = 1), AvgPool2d(2)"),
            "::kiln::nn::Sequential<(::kiln::nn::Conv1d<U3,U8,U5,U1,U2,U1,U1>,(::kiln::nn::AvgPool2d<U3,U2,U1>,\
             (::kiln::nn::AvgPool2d<U2,U2,U0>,())))>"
        );
    }

    /// `ceil_mode = true` builds `AvgPool2dCeil` with the same sizes.
    #[test]
    fn avg_pool_ceil_mode_builds_avg_pool2d_ceil() {
        assert_eq!(
            ty("AvgPool2d(3, 2, 1, ceil_mode = true), AvgPool2d(2, ceil_mode = false)"),
            "::kiln::nn::Sequential<(::kiln::nn::AvgPool2dCeil<U3,U2,U1>,(::kiln::nn::AvgPool2d<U2,U2,U0>,()))>"
        );
        assert_eq!(
            expr("AvgPool2d(2, ceil_mode = true)"),
            "::kiln::nn::Sequential::new((::kiln::nn::AvgPool2dCeil::<U2,U2,U0>::new(),()))"
        );
    }
}
