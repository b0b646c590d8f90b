//! The syntax of `sequential![...]` and `Sequential![...]`: entries
//! separated by commas, each optionally named (`fc1: Linear(784, 256)`).

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
    },
    /// Anything else in `sequential!`: an expression evaluating to a module.
    Expr(Box<Expr>),
    /// Anything else in `Sequential!`: a module type.
    Type(Box<Type>),
}

/// The input of `sequential!`.
pub struct SeqInput {
    /// The entries in order.
    pub entries: Vec<Entry>,
}

/// The input of `Sequential!`.
pub struct SeqTypeInput {
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
        parse_entries(input, Mode::Expr).map(|entries| SeqInput { entries })
    }
}

impl Parse for SeqTypeInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        parse_entries(input, Mode::Type).map(|entries| SeqTypeInput { entries })
    }
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
        let args = if input.peek(token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            Some(Punctuated::parse_terminated(&content)?)
        } else {
            None
        };
        Item::Layer { ident, args }
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
                    Item::Layer { ident, args } => {
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
    fn type_entries() {
        let input: SeqTypeInput =
            syn::parse_str("Linear(3, 4), MyBlock<A, B>, ReLU, Sequential![ReLU]").expect("parses");
        assert_eq!(
            kinds(&input.entries),
            ["layer Linear/2", "type", "layer ReLU/0", "type"]
        );
    }
}
