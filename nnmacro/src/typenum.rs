//! Integer literals to typenum types.
//!
//! typenum's `U<N>` aliases stop at 1024, so larger sizes (a flatten of
//! 3136 features) are written as the binary `UInt<UInt<UTerm, B1>, B0>`
//! chain they stand for.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote_spanned};

/// The largest `N` with a `typenum::consts::U{N}` alias we rely on.
const LARGEST_ALIAS: u64 = 1024;

/// The typenum type of `n`, spanned at `span` (the user's literal).
pub fn unsigned(n: u64, span: Span) -> TokenStream {
    if n <= LARGEST_ALIAS {
        let alias = format_ident!("U{}", n, span = span);
        quote_spanned!(span=> ::kiln::__private::typenum::#alias)
    } else {
        binary(n, span)
    }
}

/// `UInt<..., B{bit}>` from the most significant bit down; `UTerm` for 0.
fn binary(n: u64, span: Span) -> TokenStream {
    if n == 0 {
        return quote_spanned!(span=> ::kiln::__private::typenum::UTerm);
    }
    let high = binary(n >> 1, span);
    let bit = if n & 1 == 1 {
        quote_spanned!(span=> ::kiln::__private::typenum::B1)
    } else {
        quote_spanned!(span=> ::kiln::__private::typenum::B0)
    };
    quote_spanned!(span=> ::kiln::__private::typenum::UInt<#high, #bit>)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: u64) -> String {
        unsigned(n, Span::call_site())
            .to_string()
            .replace(' ', "")
            .replace("::kiln::__private::typenum::", "")
    }

    #[test]
    fn aliases_up_to_1024() {
        assert_eq!(text(0), "U0");
        assert_eq!(text(784), "U784");
        assert_eq!(text(1024), "U1024");
    }

    #[test]
    fn binary_above_1024() {
        // 1025 = 0b100_0000_0001
        let expected = "UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UTerm,B1>,B0>,B0>,B0>,B0>,B0>,B0>,B0>,B0>,B0>,B1>";
        assert_eq!(text(1025), expected);
        // 3136 = 0b1100_0100_0000
        assert!(text(3136).starts_with("UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UInt<UTerm,B1>,B1>,B0>,B0>,B0>,B1>"));
        assert_eq!(text(3136).matches("UInt").count(), 12);
    }
}
