//! `#[module(...)]` attributes: `skip`, `param`, `buffer` on fields,
//! `name = "..."` on the struct. Unknown and duplicate keys are errors at
//! their span.

use crate::errors::Errors;
use syn::{Attribute, LitStr};

/// What a field is to its module.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A child module (the default).
    Child,
    /// Plain data, invisible to the module tree.
    Skip,
    /// A `Parameter` of this module.
    Param,
    /// A `Buffer` of this module.
    Buffer,
}

impl Role {
    fn key(self) -> &'static str {
        match self {
            Role::Child => "child",
            Role::Skip => "skip",
            Role::Param => "param",
            Role::Buffer => "buffer",
        }
    }
}

/// The role given by a field's `#[module(...)]` attributes.
pub fn field_role(attrs: &[Attribute], errors: &mut Errors) -> Role {
    let mut role: Option<Role> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("module")) {
        let result = attr.parse_nested_meta(|meta| {
            let found = if meta.path.is_ident("skip") {
                Role::Skip
            } else if meta.path.is_ident("param") {
                Role::Param
            } else if meta.path.is_ident("buffer") {
                Role::Buffer
            } else if meta.path.is_ident("name") {
                return Err(meta.error("#[module(name = ...)] goes on the struct, not on a field"));
            } else {
                return Err(meta.error(format!(
                    "unknown module attribute `{}`: a field takes #[module(skip)], #[module(param)] or #[module(buffer)]",
                    path_text(&meta.path)
                )));
            };
            match role {
                None => role = Some(found),
                Some(previous) if previous == found => {
                    errors.error_at(&meta.path, format!("duplicate #[module({})] on this field", found.key()))
                }
                Some(previous) => errors.error_at(
                    &meta.path,
                    format!(
                        "a field cannot be both #[module({})] and #[module({})]: choose one",
                        previous.key(),
                        found.key()
                    ),
                ),
            }
            Ok(())
        });
        errors.ok(result);
    }
    role.unwrap_or(Role::Child)
}

/// The printed name given by the struct's `#[module(name = "...")]`.
pub fn container_name(attrs: &[Attribute], errors: &mut Errors) -> Option<LitStr> {
    let mut name: Option<LitStr> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("module")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                let value: LitStr = meta.value()?.parse()?;
                if name.is_some() {
                    errors.error_at(&meta.path, "duplicate #[module(name = ...)] on this struct");
                } else if value.value().is_empty() {
                    errors.error_at(&value, "the module name cannot be empty");
                } else {
                    name = Some(value);
                }
                Ok(())
            } else if ["skip", "param", "buffer"]
                .iter()
                .any(|k| meta.path.is_ident(k))
            {
                Err(meta.error(format!(
                    "#[module({})] goes on a field, not on the struct",
                    path_text(&meta.path)
                )))
            } else {
                Err(meta.error(format!(
                    "unknown module attribute `{}`: the struct takes #[module(name = \"...\")]",
                    path_text(&meta.path)
                )))
            }
        });
        errors.ok(result);
    }
    name
}

fn path_text(path: &syn::Path) -> String {
    quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "")
}
