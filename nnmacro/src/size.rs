//! `Size![9216]`: any size where a type is expected.
//!
//! typenum names its numbers `U0`..`U1024` (and the powers of two), so
//! `Linear<U9216, U4096>` does not resolve. `Size![..]` writes the typenum
//! type of an integer literal, or of `*`, `+`, `-`, `/` over literals, so that
//! a size reads like PyTorch's `nn.Linear(256 * 6 * 6, 4096)`.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Lit};

use crate::typenum::unsigned;

/// The value of a literal size expression, or an error spanned at the part
/// that is not one.
fn eval(expr: &Expr) -> syn::Result<u64> {
    let overflow = || syn::Error::new(expr.span(), "this size does not fit in 64 bits");
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => int.base10_parse::<u64>(),
            other => Err(syn::Error::new(
                other.span(),
                "a size is a non-negative integer literal",
            )),
        },
        Expr::Paren(inner) => eval(&inner.expr),
        Expr::Group(inner) => eval(&inner.expr),
        Expr::Binary(bin) => {
            let (l, r) = (eval(&bin.left)?, eval(&bin.right)?);
            match bin.op {
                BinOp::Mul(_) => l.checked_mul(r).ok_or_else(overflow),
                BinOp::Add(_) => l.checked_add(r).ok_or_else(overflow),
                BinOp::Sub(_) => l.checked_sub(r).ok_or_else(|| {
                    syn::Error::new(expr.span(), format!("this size is negative: {l} - {r}"))
                }),
                BinOp::Div(_) if r != 0 && l % r == 0 => Ok(l / r),
                BinOp::Div(_) => Err(syn::Error::new(
                    expr.span(),
                    format!("{l} / {r} is not a whole number"),
                )),
                _ => Err(syn::Error::new(
                    bin.op.span(),
                    "Size! takes `*`, `+`, `-` and `/` between integer literals",
                )),
            }
        }
        other => Err(syn::Error::new(
            other.span(),
            "a size in a type must be known to the compiler: write an integer literal \
             or arithmetic on literals, e.g. Size![256 * 6 * 6]",
        )),
    }
}

/// The typenum type of the size written in `input`.
pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let expr: Expr = syn::parse2(input)?;
    Ok(unsigned(eval(&expr)?, expr.span()))
}

/// The error in type position: a size (1) carrying the `compile_error!` in
/// a const argument, so that the type still satisfies every bound a size
/// has (`StaticDim`) and the mistake is reported once. A bare
/// `compile_error!` in type position is `()`, which added a second error
/// ("`(): StaticDim` is not satisfied").
pub fn error_type(error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    let one = unsigned(1, proc_macro2::Span::call_site());
    quote::quote!(<#one as ::kiln::__private::Same<{ #errors 0 }>>::Out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Result<u64, String> {
        eval(&syn::parse_str(text).unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn literals_and_arithmetic() {
        assert_eq!(value("9216"), Ok(9216));
        assert_eq!(value("256 * 6 * 6"), Ok(9216));
        assert_eq!(value("512 * (7 * 7)"), Ok(25088));
        assert_eq!(
            value("1 << 20").unwrap_err(),
            "Size! takes `*`, `+`, `-` and `/` between integer literals"
        );
        assert_eq!(value("4096 / 2 + 1 - 1"), Ok(2048));
    }

    #[test]
    fn mistakes_are_named() {
        assert_eq!(value("3 - 4").unwrap_err(), "this size is negative: 3 - 4");
        assert_eq!(value("7 / 2").unwrap_err(), "7 / 2 is not a whole number");
        assert!(
            value("n")
                .unwrap_err()
                .contains("must be known to the compiler")
        );
        assert_eq!(
            value("2.5").unwrap_err(),
            "a size is a non-negative integer literal"
        );
    }

    #[test]
    fn writes_the_typenum_type() {
        let text = expand("1024".parse().unwrap())
            .unwrap()
            .to_string()
            .replace(' ', "");
        assert_eq!(text, "::kiln::__private::typenum::U1024");
        let text = expand("1025".parse().unwrap()).unwrap().to_string();
        assert_eq!(text.matches("UInt").count(), 11);
    }
}
