//! The code `#[derive(Module)]` writes: `impl Module` (children, own
//! parameters and buffers, all named by field) and `impl Display`.

use super::attr::Role;
use super::fallback;
use super::ir::{Container, Field};
use crate::errors::Errors;
use proc_macro2::{TokenStream, TokenTree};
use quote::format_ident;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, GenericParam, Generics, Ident, Member, TypeParam};

/// Expands the derive; on any error, the errors plus a stub impl.
pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::new();
    let container = Container::from_ast(input, &mut errors);
    match (container, errors.finish()) {
        (Some(container), Ok(())) => Ok(expand(&container)),
        (_, result) => Ok(fallback::stub(input, result.err())),
    }
}

fn expand(container: &Container) -> TokenStream {
    let input = container.input;
    let ident = &input.ident;
    let name = &container.name;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let mut display_generics = input.generics.clone();
    display_generics
        .make_where_clause()
        .predicates
        .push(syn::parse_quote!(Self: ::kiln::nn::Module));
    let display_where = &display_generics.where_clause;

    let type_params: Vec<&Ident> = input.generics.type_params().map(|p| &p.ident).collect();
    let mut bounded = input.generics.clone();
    let where_clause = bounded.make_where_clause();
    for field in container
        .with_role(Role::Child)
        .filter(|f| mentions_any(f.ty, &type_params))
    {
        let ty = field.ty;
        where_clause
            .predicates
            .push(syn::parse_quote_spanned!(ty.span()=> #ty: ::kiln::nn::Module));
    }

    let children: Vec<&Field> = container.with_role(Role::Child).collect();
    let markers = markers(&children);
    let helper_generics = helper_generics(&input.generics, &markers);
    let entries: Vec<TokenStream> = children
        .iter()
        .zip(&markers)
        .map(|(f, m)| child(f, m, quote!(as_child), quote!(&)))
        .collect();
    let entries_mut: Vec<TokenStream> = children
        .iter()
        .zip(&markers)
        .map(|(f, m)| child(f, m, quote!(as_child_mut), quote!(&mut)))
        .collect();
    let units = markers.iter().map(|_| quote!(()));
    let fill = quote!(::core::marker::PhantomData::<(#(#units,)*)>);
    let params = container
        .with_role(Role::Param)
        .map(|f| own(f, quote!(::kiln::nn::Parameter)));
    let buffers = container
        .with_role(Role::Buffer)
        .map(|f| own(f, quote!(::kiln::nn::Buffer)));

    quote! {
        const _: () = {
            // The children are listed in generic helpers whose type
            // parameters are named after the fields, so a field that is not
            // a module is reported as "field `count` is not a module".
            #[allow(non_camel_case_types)]
            fn __kiln_children #helper_generics(
                this: &'__kiln #ident #ty_generics,
                _: ::core::marker::PhantomData<(#(#markers,)*)>,
            ) -> ::std::vec::Vec<(::std::string::String, &'__kiln dyn ::kiln::nn::Module)> #where_clause {
                ::std::vec![#(#entries),*]
            }

            #[allow(non_camel_case_types)]
            fn __kiln_children_mut #helper_generics(
                this: &'__kiln mut #ident #ty_generics,
                _: ::core::marker::PhantomData<(#(#markers,)*)>,
            ) -> ::std::vec::Vec<(::std::string::String, &'__kiln mut dyn ::kiln::nn::Module)> #where_clause {
                ::std::vec![#(#entries_mut),*]
            }

            #[automatically_derived]
            impl #impl_generics ::kiln::nn::Module for #ident #ty_generics #where_clause {
                fn type_name(&self) -> &str {
                    #name
                }
                fn named_children(&self) -> ::std::vec::Vec<(::std::string::String, &dyn ::kiln::nn::Module)> {
                    __kiln_children(self, #fill)
                }
                fn named_children_mut(&mut self) -> ::std::vec::Vec<(::std::string::String, &mut dyn ::kiln::nn::Module)> {
                    __kiln_children_mut(self, #fill)
                }
                fn own_parameters(&self) -> ::std::vec::Vec<(&str, &::kiln::nn::Parameter)> {
                    ::std::vec![#(#params),*]
                }
                fn own_buffers(&self) -> ::std::vec::Vec<(&str, &::kiln::nn::Buffer)> {
                    ::std::vec![#(#buffers),*]
                }
            }

            #[automatically_derived]
            impl #impl_generics ::core::fmt::Display for #ident #ty_generics #display_where {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::kiln::nn::fmt_module(self, f)
                }
            }
        };
    }
}

/// One marker type parameter per child, named after the field (`count`,
/// `_0` for a tuple field), or `field_count` if that name appears in a
/// field type (a field named `f32` must not shadow the type `f32`).
fn markers(children: &[&Field]) -> Vec<Ident> {
    children
        .iter()
        .map(|field| {
            let plain = match &field.member {
                Member::Named(ident) => ident.clone(),
                Member::Unnamed(index) => format_ident!("_{}", index.index, span = index.span),
            };
            if children.iter().any(|f| mentions_any(f.ty, &[&plain])) {
                format_ident!("field_{}", field.label(), span = plain.span())
            } else {
                plain
            }
        })
        .collect()
}

/// The struct's generics without defaults, plus `'__kiln` and `markers`.
fn helper_generics(generics: &Generics, markers: &[Ident]) -> TokenStream {
    let mut generics = generics.clone();
    generics.where_clause = None;
    for param in &mut generics.params {
        match param {
            GenericParam::Type(p) => {
                p.eq_token = None;
                p.default = None;
            }
            GenericParam::Const(p) => {
                p.eq_token = None;
                p.default = None;
            }
            GenericParam::Lifetime(_) => {}
        }
    }
    generics.params.insert(0, syn::parse_quote!('__kiln));
    for marker in markers {
        generics
            .params
            .push(GenericParam::Type(TypeParam::from(marker.clone())));
    }
    let (impl_generics, _, _) = generics.split_for_impl();
    impl_generics.to_token_stream()
}

/// `("fc1".into(), <Ty as AssertModule<fc1>>::as_child(&this.fc1))`, spanned
/// at the field's type so a field that is not a module is reported there.
fn child(field: &Field, marker: &Ident, method: TokenStream, borrow: TokenStream) -> TokenStream {
    let ty = field.ty;
    let member = &field.member;
    let label = field.label();
    quote_spanned! {ty.span()=>
        (
            ::std::string::String::from(#label),
            <#ty as ::kiln::__private::AssertModule<#marker>>::#method(#borrow this.#member),
        )
    }
}

/// `("weight", &self.weight)`, the field's type checked against `expected`.
fn own(field: &Field, expected: TokenStream) -> TokenStream {
    let ty = field.ty;
    let member = &field.member;
    let label = field.label();
    let value = quote_spanned!(ty.span()=> { let value: &#expected = &self.#member; value });
    quote!((#label, #value))
}

/// Whether `ty` names one of `params` anywhere.
fn mentions_any(ty: &syn::Type, params: &[&Ident]) -> bool {
    fn walk(tokens: TokenStream, params: &[&Ident]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(ident) => params.iter().any(|p| **p == ident),
            TokenTree::Group(group) => walk(group.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(ty.to_token_stream(), params)
}
