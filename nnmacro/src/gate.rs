//! `__shape_gate!`: the traits behind one shape-rule error message, for
//! `nncore`'s `shape_gate!` (not for users).
//!
//! A gate prints a size in decimal only if it is a `const usize` parameter
//! of the trait that carries the message, and `const` parameters can only
//! be lifted from typenum through a bounded table (below 4160). A larger
//! size is therefore printed as four pieces, `{Q}{H}{T}{O}` = thousands,
//! hundreds, tens and ones (`25088` is `25`, `0`, `8`, `8`):
//! `on_unimplemented` prints adjacent parameters with nothing in between.
//! Which sizes of a message are small or large is only known at the type
//! level, so every combination is a trait of its own, with the message
//! rewritten for its pieces: `2^k` traits for `k` sizes. This is why it is
//! a procedural macro: `macro_rules!` cannot rewrite a string literal.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token, bracketed};

/// The parsed input: `[docs] [types] gate digits lits route check [params]
/// message label note`. The `types` (e.g. the loss, printed by name) are
/// type parameters every trait of the gate carries unchanged.
pub struct GateInput {
    docs: Vec<LitStr>,
    types: Vec<Ident>,
    gate: Ident,
    digits: Ident,
    lits: Ident,
    route: Ident,
    check: Ident,
    params: Vec<Ident>,
    message: LitStr,
    label: LitStr,
    note: LitStr,
}

impl Parse for GateInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let docs;
        bracketed!(docs in input);
        let docs = docs.parse_terminated(<LitStr as Parse>::parse, Token![,])?;
        let types;
        bracketed!(types in input);
        let types = types.parse_terminated(Ident::parse, Token![,])?;
        let gate = input.parse()?;
        let digits = input.parse()?;
        let lits = input.parse()?;
        let route = input.parse()?;
        let check = input.parse()?;
        let params;
        bracketed!(params in input);
        let params = params.parse_terminated(Ident::parse, Token![,])?;
        Ok(GateInput {
            docs: docs.into_iter().collect(),
            types: types.into_iter().collect(),
            gate,
            digits,
            lits,
            route,
            check,
            params: params.into_iter().collect(),
            message: input.parse()?,
            label: input.parse()?,
            note: input.parse()?,
        })
    }
}

/// The names of the four pieces of a large size `P`.
fn pieces(p: &Ident) -> [Ident; 4] {
    ["THOUSANDS", "HUNDREDS", "TENS", "ONES"].map(|s| format_ident!("{}__{}", p, s))
}

/// `text` with every `{P}` of a large size replaced by its pieces.
fn rewrite(text: &LitStr, params: &[Ident], mask: usize) -> LitStr {
    let mut value = text.value();
    for (i, p) in params.iter().enumerate() {
        if mask & (1 << i) != 0 {
            let joined: String = pieces(p).iter().map(|q| format!("{{{q}}}")).collect();
            value = value.replace(&format!("{{{p}}}"), &joined);
        }
    }
    LitStr::new(&value, text.span())
}

/// The message trait for one combination of small and large sizes (`mask`
/// has bit `i` set if size `i` is large), and the `lits` impl routing to it.
fn variant(g: &GateInput, mask: usize) -> TokenStream {
    let name = if mask == 0 {
        g.gate.clone()
    } else {
        format_ident!("{}Large{}", g.gate, mask)
    };
    let mut consts = Vec::new();
    let mut piece_types = Vec::new();
    for (i, p) in g.params.iter().enumerate() {
        if mask & (1 << i) != 0 {
            let [q, h, t, o] = pieces(p);
            piece_types.push(quote!(crate::shape::lift::Split<
                crate::shape::lift::Lit<#q>, crate::shape::lift::Lit<#h>,
                crate::shape::lift::Lit<#t>, crate::shape::lift::Lit<#o>>));
            consts.extend([q, h, t, o]);
        } else {
            piece_types.push(quote!(crate::shape::lift::Lit<#p>));
            consts.push(p.clone());
        }
    }
    let message = rewrite(&g.message, &g.params, mask);
    let label = rewrite(&g.label, &g.params, mask);
    let note = rewrite(&g.note, &g.params, mask);
    let docs = if mask == 0 {
        let docs = &g.docs;
        quote! {
            #(#[doc = #docs])*
            ///
            /// A gate: implemented only for `B1`; a failing rule asks it of `B0`
            /// with the sizes in decimal, and the compiler prints its message.
        }
    } else {
        let doc = format!(
            "[`{}`] with sizes of 4160 or more printed in four pieces (variant {mask}).",
            g.gate
        );
        quote!(#[doc = #doc] #[doc(hidden)])
    };
    let lits = &g.lits;
    let types = &g.types;
    quote! {
        #docs
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        #[allow(non_camel_case_types, non_upper_case_globals)]
        pub trait #name<#(#types,)* #(const #consts: usize),*> {}
        #[diagnostic::do_not_recommend]
        #[allow(non_upper_case_globals)]
        impl<#(#types,)* #(const #consts: usize),*> #name<#(#types,)* #(#consts),*> for typenum::B1 {}
        #[allow(non_upper_case_globals)]
        impl<#(#types,)* #(const #consts: usize),*> #lits<#(#types,)* #(#piece_types),*> for typenum::B0
        where
            typenum::B0: #name<#(#types,)* #(#consts),*>,
        {
        }
    }
}

/// Expands one gate: its `2^k` message traits, the digit-tuple twin for
/// sizes beyond the pieces, and the `lits`, `route` and `check` steps.
pub fn expand(g: &GateInput) -> TokenStream {
    if g.params.len() > 6 {
        return syn::Error::new(Span::call_site(), "a shape gate takes at most 6 sizes")
            .to_compile_error();
    }
    let variants = (0..1usize << g.params.len()).map(|mask| variant(g, mask));
    let GateInput {
        types,
        gate,
        digits,
        lits,
        route,
        check,
        params,
        message,
        label,
        note,
        ..
    } = g;
    let digits_doc = format!("[`{gate}`] for sizes beyond the pieces, printed as digit tuples.");
    let lits_doc =
        format!("Step of [`{check}`]: `Lit<n>` or `Split<..>` pieces to a message trait.");
    let route_doc = format!("Step of [`{check}`]: pieces (`B1`) or digit tuples (`B0`).");
    let check_doc = format!(
        "Entry point of the [`{gate}`] gate, implemented on the rule's condition: `B1` passes, `B0` reports the error."
    );
    quote! {
        #(#variants)*

        #[doc = #digits_doc]
        #[diagnostic::on_unimplemented(
            message = #message,
            label = #label,
            note = #note,
            note = "when a size is 4160000 or more, the sizes are printed digit by digit: (_4, _1, _9, _4, _3, _0, _4) is 4194304"
        )]
        #[allow(non_camel_case_types)]
        pub trait #digits<#(#types,)* #(#params),*> {}
        #[allow(non_camel_case_types)]
        #[diagnostic::do_not_recommend]
        impl<#(#types,)* #(#params),*> #digits<#(#types,)* #(#params),*> for typenum::B1 {}

        #[doc = #lits_doc]
        #[allow(non_camel_case_types)]
        pub trait #lits<#(#types,)* #(#params),*> {}

        #[doc = #route_doc]
        #[allow(non_camel_case_types)]
        pub trait #route<#(#types,)* #(#params),*> {}
        #[allow(non_camel_case_types)]
        impl<#(#types,)* #(#params: crate::shape::lift::ToPiece),*> #route<#(#types,)* #(#params),*>
            for typenum::B1
        where
            typenum::B0: #lits<#(#types,)* #(crate::shape::lift::PieceOf<#params>),*>,
        {
        }
        #[allow(non_camel_case_types)]
        impl<#(#types,)* #(#params: crate::shape::digits::DigitsInto<()>),*> #route<#(#types,)* #(#params),*>
            for typenum::B0
        where
            typenum::B0: #digits<#(#types,)* #(crate::shape::digits::DigitsOf<#params>),*>,
        {
        }

        #[doc = #check_doc]
        #[allow(non_camel_case_types)]
        pub trait #check<#(#types,)* #(#params),*> {}
        #[allow(non_camel_case_types)]
        impl<#(#types,)* #(#params),*> #check<#(#types,)* #(#params),*> for typenum::B1 {}
        #[allow(non_camel_case_types)]
        impl<#(#types,)* #(#params),*> #check<#(#types,)* #(#params),*> for typenum::B0
        where
            (#(#params,)*): crate::shape::lift::AllLiftable,
            crate::shape::lift::Liftable<(#(#params,)*)>: #route<#(#types,)* #(#params),*>,
        {
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> GateInput {
        syn::parse_quote! {
            ["doc"] [] LinearInFeatures D L R C [EXPECTED, FOUND]
            "expects {EXPECTED}, has {FOUND}" "label {FOUND}" "note"
        }
    }

    #[test]
    fn large_sizes_are_written_as_four_pieces() {
        let g = input();
        assert_eq!(
            rewrite(&g.message, &g.params, 0).value(),
            "expects {EXPECTED}, has {FOUND}"
        );
        assert_eq!(
            rewrite(&g.message, &g.params, 2).value(),
            "expects {EXPECTED}, has {FOUND__THOUSANDS}{FOUND__HUNDREDS}{FOUND__TENS}{FOUND__ONES}"
        );
    }

    #[test]
    fn one_trait_per_combination() {
        let text = expand(&input()).to_string();
        for name in [
            "LinearInFeatures <",
            "LinearInFeaturesLarge1",
            "LinearInFeaturesLarge3",
        ] {
            assert!(text.contains(name), "{name}");
        }
        assert!(!text.contains("LinearInFeaturesLarge4"));
    }

    #[test]
    fn a_parameter_that_prefixes_another_is_left_alone() {
        let params: Vec<Ident> = vec![format_ident!("PAD"), format_ident!("PADDED")];
        let text = LitStr::new("{PADDED} = x + 2*{PAD}", Span::call_site());
        assert_eq!(
            rewrite(&text, &params, 1).value(),
            "{PADDED} = x + 2*{PAD__THOUSANDS}{PAD__HUNDREDS}{PAD__TENS}{PAD__ONES}"
        );
    }
}
