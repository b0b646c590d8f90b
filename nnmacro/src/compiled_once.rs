//! `#[__compiled_once]`: a function generic over `E: Element` compiled in
//! `nncore` for `f32` and `f64`, so that the crates calling it do not
//! compile its body again.
//!
//! Rust compiles a generic function in every crate that calls it with
//! concrete types (sharing the upstream copy needs the nightly
//! `-Z share-generics`). A training example that calls `conv2d::<f32>`
//! therefore re-optimised the convolution, its backward, the pooling, the
//! autograd graph walk and the memory pool on every rebuild: 29 % of its
//! LLVM work. The attribute keeps the signature and turns the body into
//! two non-generic instances, which are compiled where they are defined;
//! the generic function left for the caller only picks one of them by type
//! (a safe `Any` downcast of the function pointer, folded away by the
//! optimiser).
//!
//! ```text
//! #[nnmacro::__compiled_once]
//! pub fn relu<E: Element>(x: &DynTensor<E>) -> Result<DynTensor<E>> { body }
//! // becomes
//! pub fn relu<E: Element>(x: &DynTensor<E>) -> Result<DynTensor<E>> {
//!     fn generic<E: Element>(x: &DynTensor<E>) -> Result<DynTensor<E>> { body }
//!     fn for_f32(a0: &DynTensor<f32>) -> Result<DynTensor<f32>> { generic::<f32>(a0) }
//!     fn for_f64(a0: &DynTensor<f64>) -> Result<DynTensor<f64>> { generic::<f64>(a0) }
//!     let entry = crate::element::per_element::<fn(&DynTensor<E>) -> ..., _, _>(
//!         for_f32 as fn(..), for_f64 as fn(..));
//!     entry(x)
//! }
//! ```

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{FnArg, GenericParam, ItemFn, Type, parse_quote};

/// Expands the attribute on `item`; errors name what the attribute cannot
/// take (it is internal to Kiln, so the rules are few and strict).
pub fn expand(item: ItemFn) -> syn::Result<TokenStream> {
    let element = element_parameter(&item)?;
    let sig = &item.sig;
    if let Some(receiver) = sig.receiver() {
        return Err(syn::Error::new_spanned(
            receiver,
            "#[__compiled_once] takes free functions: move a method's body into one",
        ));
    }
    let lifetimes: Vec<_> = sig.generics.lifetimes().map(|l| &l.lifetime).collect();
    let arg_types: Vec<&Type> = sig
        .inputs
        .iter()
        .map(|arg| match arg {
            FnArg::Typed(pat) if matches!(&*pat.ty, Type::ImplTrait(_)) => {
                Err(syn::Error::new_spanned(
                    &pat.ty,
                    "#[__compiled_once] takes no `impl Trait` argument: a function pointer cannot name it",
                ))
            }
            FnArg::Typed(pat) => Ok(&*pat.ty),
            FnArg::Receiver(r) => Err(syn::Error::new_spanned(r, "no receiver")),
        })
        .collect::<syn::Result<_>>()?;
    let arg_names: Vec<Ident> = (0..arg_types.len())
        .map(|i| format_ident!("__arg{}", i))
        .collect();
    let output: Type = match &sig.output {
        syn::ReturnType::Default => parse_quote!(()),
        syn::ReturnType::Type(_, ty) => (**ty).clone(),
    };
    let entry_type = |concrete: Option<Ident>| -> Type {
        let mut args: Vec<Type> = arg_types.iter().map(|t| (*t).clone()).collect();
        let mut out = output.clone();
        if let Some(concrete) = &concrete {
            let mut substitute = Substitute {
                from: element.clone(),
                to: concrete.clone(),
            };
            args.iter_mut().for_each(|t| substitute.visit_type_mut(t));
            substitute.visit_type_mut(&mut out);
        }
        parse_quote!(for<#(#lifetimes),*> fn(#(#args),*) -> #out)
    };
    let generic_type = entry_type(None);
    let f32_type = entry_type(Some(Ident::new("f32", Span::call_site())));
    let f64_type = entry_type(Some(Ident::new("f64", Span::call_site())));

    let mut generic = item.clone();
    generic.attrs.retain(|a| !a.path().is_ident("doc"));
    generic.vis = syn::Visibility::Inherited;
    generic.sig.ident = Ident::new("generic", Span::call_site());

    let attrs = &item.attrs;
    let vis = &item.vis;
    let name = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    let ret = &sig.output;
    let concrete_fn = |fn_name: &str, ty: &str, entry: &Type| {
        let fn_name = Ident::new(fn_name, Span::call_site());
        let ty = Ident::new(ty, Span::call_site());
        let Type::BareFn(bare) = entry else {
            unreachable!("entry types are built as fn pointers")
        };
        let inputs = &bare.inputs;
        let out = &bare.output;
        let params = arg_names.iter().zip(inputs.iter()).map(|(n, a)| {
            let t = &a.ty;
            quote!(#n: #t)
        });
        quote! {
            fn #fn_name<#(#lifetimes),*>(#(#params),*) #out {
                generic::<#ty>(#(#arg_names),*)
            }
        }
    };
    let for_f32 = concrete_fn("for_f32", "f32", &f32_type);
    let for_f64 = concrete_fn("for_f64", "f64", &f64_type);
    let outer_params = arg_names
        .iter()
        .zip(&arg_types)
        .map(|(n, t)| quote!(#n: #t));
    Ok(quote! {
        #(#attrs)*
        #vis fn #name #generics (#(#outer_params),*) #ret #where_clause {
            #generic
            #for_f32
            #for_f64
            let entry = crate::element::per_element::<#generic_type, #f32_type, #f64_type>(
                for_f32 as #f32_type,
                for_f64 as #f64_type,
            );
            entry(#(#arg_names),*)
        }
    })
}

/// The one type parameter, which must be bounded by `Element`.
fn element_parameter(item: &ItemFn) -> syn::Result<Ident> {
    let mut types = item.sig.generics.params.iter().filter_map(|p| match p {
        GenericParam::Type(t) => Some(t),
        _ => None,
    });
    let (Some(param), None) = (types.next(), types.next()) else {
        return Err(syn::Error::new_spanned(
            &item.sig.generics,
            "#[__compiled_once] takes a function with exactly one type parameter, `E: Element`",
        ));
    };
    if item
        .sig
        .generics
        .params
        .iter()
        .any(|p| matches!(p, GenericParam::Const(_)))
    {
        return Err(syn::Error::new_spanned(
            &item.sig.generics,
            "#[__compiled_once] takes no const parameters",
        ));
    }
    Ok(param.ident.clone())
}

/// Replaces the element type parameter by a concrete type in a type.
struct Substitute {
    from: Ident,
    to: Ident,
}

impl VisitMut for Substitute {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(path) = ty
            && path.qself.is_none()
            && path.path.is_ident(&self.from)
        {
            let to = &self.to;
            *ty = parse_quote!(#to);
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}
