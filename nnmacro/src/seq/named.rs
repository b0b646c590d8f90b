//! The named form, PyTorch's `Sequential(OrderedDict(...))`:
//! `sequential![fc1: Linear(784, 256), relu: ReLU]` is a value of a struct
//! defined in place, with one public field per layer (`net.fc1`).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

/// The expression: the layers are evaluated first (outside the block that
/// defines the struct, so the struct's name cannot shadow the user's), then
/// moved into the struct.
pub fn expand(names: &[Ident], values: &[TokenStream]) -> TokenStream {
    let locals: Vec<Ident> = (0..names.len())
        .map(|i| Ident::new(&format!("__layer{i}"), Span::mixed_site()))
        .collect();
    let params: Vec<Ident> = (0..names.len()).map(|i| format_ident!("T{}", i)).collect();
    let outputs: Vec<Ident> = (0..names.len())
        .map(|i| format_ident!("__O{}", i))
        .collect();
    let labels: Vec<String> = names.iter().map(Ident::to_string).collect();

    let inputs: Vec<TokenStream> = std::iter::once(quote!(__X))
        .chain(outputs.iter().map(|o| quote!(#o)))
        .take(names.len())
        .collect();
    let output = outputs.last().map_or(quote!(__X), |o| quote!(#o));

    quote!({
        #(let #locals = #values;)*
        {
            /// A `Sequential` whose layers are named fields.
            struct NamedSequential<#(#params),*> {
                #(pub #names: #params,)*
            }

            const _: () = {
                #[automatically_derived]
                impl<#(#params: ::kiln::nn::Module),*> ::kiln::nn::Module for NamedSequential<#(#params),*> {
                    fn type_name(&self) -> &str {
                        "Sequential"
                    }
                    fn named_children(&self) -> ::std::vec::Vec<(::std::string::String, &dyn ::kiln::nn::Module)> {
                        ::std::vec![#((::std::string::String::from(#labels), &self.#names as &dyn ::kiln::nn::Module)),*]
                    }
                    fn named_children_mut(
                        &mut self,
                    ) -> ::std::vec::Vec<(::std::string::String, &mut dyn ::kiln::nn::Module)> {
                        ::std::vec![#((::std::string::String::from(#labels), &mut self.#names as &mut dyn ::kiln::nn::Module)),*]
                    }
                }

                #[automatically_derived]
                impl<__X, #(#params,)* #(#outputs),*> ::kiln::nn::Forward<__X> for NamedSequential<#(#params),*>
                where
                    #(#params: ::kiln::nn::Forward<#inputs, Output = #outputs>,)*
                {
                    type Output = #output;
                    fn forward(&self, x: __X) -> #output {
                        #(let x = ::kiln::nn::Forward::forward(&self.#names, x);)*
                        x
                    }
                }

                #[automatically_derived]
                impl<#(#params: ::kiln::nn::Module),*> ::core::fmt::Display for NamedSequential<#(#params),*> {
                    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        ::kiln::nn::fmt_module(self, f)
                    }
                }
            };

            NamedSequential { #(#names: #locals),* }
        }
    })
}
