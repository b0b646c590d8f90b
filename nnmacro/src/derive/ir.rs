//! The checked view of a `#[derive(Module)]` input.

use super::attr::{self, Role};
use crate::errors::Errors;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, LitStr, Member, Type};

/// A struct deriving `Module`.
pub struct Container<'a> {
    /// The input.
    pub input: &'a DeriveInput,
    /// The name PyTorch would print (`#[module(name)]` or the identifier).
    pub name: String,
    /// Every field, in declaration order.
    pub fields: Vec<Field<'a>>,
}

/// One field.
pub struct Field<'a> {
    /// `fc1`, or `0` for a tuple struct.
    pub member: Member,
    /// Its type.
    pub ty: &'a Type,
    /// What it is to the module.
    pub role: Role,
}

impl<'a> Container<'a> {
    /// Builds the IR, recording every problem in `errors`; `None` when the
    /// input is not a struct.
    pub fn from_ast(input: &'a DeriveInput, errors: &mut Errors) -> Option<Self> {
        let name = attr::container_name(&input.attrs, errors);
        let fields = match &input.data {
            Data::Struct(data) => Some(&data.fields),
            Data::Enum(data) => {
                errors.error_span(
                    data.enum_token.span,
                    "#[derive(Module)] supports only structs: a module's children are its fields",
                );
                None
            }
            Data::Union(data) => {
                errors.error_span(
                    data.union_token.span,
                    "#[derive(Module)] supports only structs: a module's children are its fields",
                );
                None
            }
        };
        let fields: Vec<Field> = match fields? {
            Fields::Named(named) => named.named.iter().collect(),
            Fields::Unnamed(unnamed) => unnamed.unnamed.iter().collect(),
            Fields::Unit => Vec::new(),
        }
        .into_iter()
        .enumerate()
        .map(|(index, field)| Field {
            member: match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::Unnamed(syn::Index {
                    index: index as u32,
                    span: syn::spanned::Spanned::span(&field.ty),
                }),
            },
            ty: &field.ty,
            role: attr::field_role(&field.attrs, errors),
        })
        .collect();
        let name = name
            .as_ref()
            .map_or_else(|| input.ident.to_string(), LitStr::value);
        Some(Container {
            input,
            name,
            fields,
        })
    }

    /// The fields with `role`.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(move |f| f.role == role)
    }
}

impl Field<'_> {
    /// The name used in paths (`fc1`, `0`).
    pub fn label(&self) -> String {
        match &self.member {
            Member::Named(ident) => ident.unraw().to_string(),
            Member::Unnamed(index) => index.index.to_string(),
        }
    }
}
