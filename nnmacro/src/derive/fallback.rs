//! What `#[derive(Module)]` emits on error, besides the errors: a minimal
//! `Module` and `Display` impl, so code using the struct as a module does
//! not add errors of its own and one mistake gives one error (thiserror's
//! `fallback.rs`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

/// The errors followed by the stub impls.
pub fn stub(input: &DeriveInput, error: Option<syn::Error>) -> TokenStream {
    let errors = error.map(syn::Error::into_compile_error);
    let ident = &input.ident;
    let name = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut where_clause = where_clause
        .cloned()
        .unwrap_or_else(|| syn::parse_quote!(where));
    where_clause
        .predicates
        .push(syn::parse_quote!(Self: ::core::marker::Send + ::core::marker::Sync));
    quote! {
        #errors
        const _: () = {
            #[automatically_derived]
            impl #impl_generics ::kiln::nn::Module for #ident #ty_generics #where_clause {
                fn type_name(&self) -> &str {
                    #name
                }
            }

            #[automatically_derived]
            impl #impl_generics ::core::fmt::Display for #ident #ty_generics #where_clause {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::kiln::nn::fmt_module(self, f)
                }
            }
        };
    }
}
