//! The syntax of `sequential![...]` and `Sequential![...]`: an optional
//! input shape (`input (1, 28, 28);`), then entries separated by commas,
//! each optionally named (`fc1: Linear(784, 256)`).

use crate::layers;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Token, Type, token};

/// One entry as written.
pub struct Entry {
    /// `fc1` in `fc1: Linear(784, 256)`.
    pub name: Option<Ident>,
    /// What the entry is.
    pub item: Item,
}

/// What an entry is, syntactically.
pub enum Item {
    /// A known layer, or a name that looks like a typo of one, with its
    /// arguments (`None`: written without parentheses, like `ReLU`).
    Layer {
        /// The layer name as written.
        ident: Ident,
        /// The arguments.
        args: Option<Punctuated<Expr, Token![,]>>,
        /// The parentheses around them, where written.
        paren: Option<token::Paren>,
    },
    /// Anything else in `sequential!`: an expression evaluating to a module.
    Expr(Box<Expr>),
    /// Anything else in `Sequential!`: a module type.
    Type(Box<Type>),
}

impl Entry {
    /// The whole entry as written (`Linear(1152, 10)`), for errors that
    /// point at a layer.
    pub fn tokens(&self) -> proc_macro2::TokenStream {
        use quote::ToTokens;
        match &self.item {
            Item::Layer { ident, paren, .. } => {
                let mut tokens = ident.to_token_stream();
                if let Some(paren) = paren {
                    let mut group = proc_macro2::Group::new(
                        proc_macro2::Delimiter::Parenthesis,
                        Default::default(),
                    );
                    group.set_span(paren.span.join());
                    tokens.extend([proc_macro2::TokenTree::Group(group)]);
                }
                tokens
            }
            Item::Expr(expr) => expr.to_token_stream(),
            Item::Type(ty) => ty.to_token_stream(),
        }
    }
}

/// The shape of one sample the chain takes, without the batch:
/// `input (1, 28, 28);` before the layers.
pub struct InputShape {
    /// The `input` keyword, where errors about the shape itself point.
    pub keyword: Ident,
    /// The sizes in order, each an integer literal.
    pub sizes: Vec<syn::LitInt>,
}

/// The input of `sequential!`.
pub struct SeqInput {
    /// The declared input shape, if any.
    pub input: Option<InputShape>,
    /// The entries in order.
    pub entries: Vec<Entry>,
}

/// The input of `Sequential!`.
pub struct SeqTypeInput {
    /// The declared input shape, if any.
    pub input: Option<InputShape>,
    /// The entries in order.
    pub entries: Vec<Entry>,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Expr,
    Type,
}

impl Parse for SeqInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let shape = parse_input_shape(input)?;
        parse_entries(input, Mode::Expr).map(|entries| SeqInput {
            input: shape,
            entries,
        })
    }
}

impl Parse for SeqTypeInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let shape = parse_input_shape(input)?;
        parse_entries(input, Mode::Type).map(|entries| SeqTypeInput {
            input: shape,
            entries,
        })
    }
}

/// `input (1, 28, 28);` at the start, if it is there. A layer or an
/// expression named `input` is not followed by a parenthesised list and a
/// `;`, so it still parses as an entry.
fn parse_input_shape(input: ParseStream) -> syn::Result<Option<InputShape>> {
    let fork = input.fork();
    let starts = fork.parse::<Ident>().is_ok_and(|i| i == "input")
        && fork.peek(token::Paren)
        && fork
            .parse::<proc_macro2::TokenTree>()
            .is_ok_and(|_| fork.peek(Token![;]));
    if !starts {
        return Ok(None);
    }
    let keyword: Ident = input.parse()?;
    let content;
    syn::parenthesized!(content in input);
    let sizes = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?
        .into_iter()
        .map(|expr| match expr {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(lit),
                ..
            }) => Ok(lit),
            other => Err(syn::Error::new_spanned(
                other,
                "the input shape's sizes must be integer literals, without the batch: input (1, 28, 28);",
            )),
        })
        .collect::<syn::Result<Vec<_>>>()?;
    input.parse::<Token![;]>()?;
    Ok(Some(InputShape { keyword, sizes }))
}

fn parse_entries(input: ParseStream, mode: Mode) -> syn::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    while !input.is_empty() {
        entries.push(parse_entry(input, mode)?);
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(entries)
}

fn parse_entry(input: ParseStream, mode: Mode) -> syn::Result<Entry> {
    let name = if input.peek(Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        let name = input.parse()?;
        input.parse::<Token![:]>()?;
        Some(name)
    } else {
        None
    };
    let item = if let Some(ident) = layer_like(input) {
        input.parse::<Ident>()?;
        let (args, paren) = if input.peek(token::Paren) {
            let content;
            let paren = syn::parenthesized!(content in input);
            (Some(Punctuated::parse_terminated(&content)?), Some(paren))
        } else {
            (None, None)
        };
        Item::Layer { ident, args, paren }
    } else if mode == Mode::Expr {
        Item::Expr(input.parse()?)
    } else {
        Item::Type(input.parse()?)
    };
    Ok(Entry { name, item })
}

/// The identifier starting the next entry if the entry is `Name` or
/// `Name(...)` and `Name` is a known layer or looks like a typo of one.
fn layer_like(input: ParseStream) -> Option<Ident> {
    let fork = input.fork();
    let ident: Ident = fork.parse().ok()?;
    if layers::known(&ident).is_none() && layers::typo_of(&ident).is_none() {
        return None;
    }
    if fork.peek(token::Paren) {
        let _: proc_macro2::TokenTree = fork.parse().ok()?;
    }
    (fork.is_empty() || fork.peek(Token![,])).then_some(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| {
                let name = e
                    .name
                    .as_ref()
                    .map(|n| format!("{n}: "))
                    .unwrap_or_default();
                let item = match &e.item {
                    Item::Layer { ident, args, .. } => {
                        format!("layer {ident}/{}", args.as_ref().map_or(0, |a| a.len()))
                    }
                    Item::Expr(_) => "expr".to_string(),
                    Item::Type(_) => "type".to_string(),
                };
                name + &item
            })
            .collect()
    }

    #[test]
    fn expression_entries() {
        let input: SeqInput = syn::parse_str(
            "Linear(784, 256), ReLU, block, Block::new(), Lineer(3, 4), relu, Conv2d(1, 6, 5,),",
        )
        .expect("parses");
        assert_eq!(
            kinds(&input.entries),
            [
                "layer Linear/2",
                "layer ReLU/0",
                "expr",
                "expr",
                "layer Lineer/2",
                "expr",
                "layer Conv2d/3"
            ]
        );
    }

    #[test]
    fn named_entries() {
        let input: SeqInput =
            syn::parse_str("fc1: Linear(784, 256), act: ::my::Act::new()").expect("parses");
        assert_eq!(kinds(&input.entries), ["fc1: layer Linear/2", "act: expr"]);
    }

    #[test]
    fn input_shape() {
        let input: SeqInput =
            syn::parse_str("input (1, 28, 28); Conv2d(1, 6, 5), ReLU").expect("parses");
        let shape = input.input.expect("an input shape");
        let sizes: Vec<u64> = shape
            .sizes
            .iter()
            .map(|s| s.base10_parse().unwrap())
            .collect();
        assert_eq!(sizes, [1, 28, 28]);
        assert_eq!(kinds(&input.entries), ["layer Conv2d/3", "layer ReLU/0"]);
        // An entry called `input` is still an entry.
        let input: SeqInput = syn::parse_str("input, input(3), input: ReLU").expect("parses");
        assert!(input.input.is_none());
        assert_eq!(
            kinds(&input.entries),
            ["expr", "expr", "input: layer ReLU/0"]
        );
        let err = syn::parse_str::<SeqInput>("input (1, n); ReLU")
            .err()
            .expect("fails");
        assert!(
            err.to_string()
                .starts_with("the input shape's sizes must be integer literals")
        );
    }

    #[test]
    fn type_entries() {
        let input: SeqTypeInput =
            syn::parse_str("Linear(3, 4), MyBlock<A, B>, ReLU, Sequential![ReLU]").expect("parses");
        assert_eq!(
            kinds(&input.entries),
            ["layer Linear/2", "type", "layer ReLU/0", "type"]
        );
    }
}
