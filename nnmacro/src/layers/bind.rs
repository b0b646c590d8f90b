//! Binding a layer call's arguments (positional or keyword, PyTorch's
//! names) to its spec, with defaults, collecting every error.

use super::{Arg, Default, Form, Layer};
use crate::errors::Errors;
use crate::suggest;
use proc_macro2::Span;
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, Token};

/// A size given as a literal, with where it was written.
#[derive(Clone, Copy)]
pub struct Size {
    /// The value.
    pub value: u64,
    /// The literal's span (or the layer name's, for a default).
    pub span: Span,
}

/// A bound argument value.
#[derive(Clone)]
pub enum Value {
    /// A size.
    Size(Size),
    /// A runtime expression.
    Flag(Expr),
    /// A probability literal (checked to lie in [0, 1]).
    Probability(Expr),
    /// A fixed option at its default (or a type-selecting flag left false).
    Fixed,
    /// A type-selecting flag set to `true`: the layer type to build.
    Selects(&'static str),
}

/// A known layer with every argument bound (defaults filled in), in the
/// order of its spec.
pub struct BoundLayer {
    /// The spec.
    pub spec: &'static Layer,
    /// The layer name as written.
    pub ident: Ident,
    /// One value per spec argument.
    pub values: Vec<Value>,
}

impl BoundLayer {
    /// The size bound to argument `index`.
    pub fn size(&self, index: usize) -> Size {
        match self.values.get(index) {
            Some(Value::Size(size)) => *size,
            _ => Size {
                value: 0,
                span: self.ident.span(),
            },
        }
    }
}

/// Binds `args` (None: the layer written without parentheses) to `spec`,
/// recording every error in `errors`. Returns `None` if any argument failed.
pub fn bind(
    spec: &'static Layer,
    ident: &Ident,
    args: Option<&Punctuated<Expr, Token![,]>>,
    errors: &mut Errors,
) -> Option<BoundLayer> {
    let n = spec.args.len();
    let signature = spec.signature();
    let mut given: Vec<Option<&Expr>> = vec![None; n];
    let mut ok = true;
    let mut seen_keyword = false;
    let mut position = 0;
    for expr in args.into_iter().flatten() {
        if let Expr::Assign(assign) = expr {
            seen_keyword = true;
            let Some(key) = single_ident(&assign.left) else {
                errors.error_at(
                    &assign.left,
                    format!("expected an argument name of {}: {signature}", spec.name),
                );
                ok = false;
                continue;
            };
            let Some(index) = spec.args.iter().position(|a| key == a.name) else {
                let names: Vec<&str> = spec.args.iter().map(|a| a.name).collect();
                let hint = match suggest::closest(&key.to_string(), names.iter().copied()) {
                    Some(name) => format!("; did you mean `{name}`?"),
                    None => format!("; its arguments are {}", names.join(", ")),
                };
                errors.error_at(key, format!("{} has no argument `{key}`{hint}", spec.name));
                ok = false;
                continue;
            };
            if given[index].is_some() {
                errors.error_at(key, format!("{} got argument `{key}` twice", spec.name));
                ok = false;
                continue;
            }
            given[index] = Some(&assign.right);
        } else if seen_keyword {
            errors.error_at(
                expr,
                format!("positional argument after a keyword argument: {signature}"),
            );
            ok = false;
        } else if position >= n {
            errors.error_at(
                expr,
                format!(
                    "{} takes {} argument{}: {signature}",
                    spec.name,
                    n,
                    if n == 1 { "" } else { "s" },
                ),
            );
            ok = false;
        } else {
            given[position] = Some(expr);
            position += 1;
        }
    }

    let mut values = Vec::with_capacity(n);
    for (arg, given) in spec.args.iter().zip(&given) {
        // `stride = None` is PyTorch's way of asking for the default.
        let given =
            given.filter(|expr| !(is_none(expr) && matches!(arg.default, Default::SameAs(_))));
        let value = match (given, arg.default) {
            (Some(expr), _) => bind_value(spec, arg, expr, errors),
            (None, Default::Required) => {
                errors.error_at(
                    ident,
                    format!("{} is missing {}: {signature}", spec.name, arg.name),
                );
                None
            }
            (None, Default::SameAs(other)) => values.get(other).cloned(),
            (None, default) => default_value(arg.form, default, ident.span()),
        };
        match value {
            Some(value) => values.push(value),
            None => {
                ok = false;
                values.push(Value::Fixed);
            }
        }
    }
    ok.then(|| BoundLayer {
        spec,
        ident: ident.clone(),
        values,
    })
}

fn default_value(form: Form, default: Default, span: Span) -> Option<Value> {
    let text = default.rust_literal()?;
    match form {
        Form::Size { .. } => text
            .parse()
            .ok()
            .map(|value| Value::Size(Size { value, span })),
        Form::Flag => syn::parse_str::<Expr>(&text).ok().map(Value::Flag),
        Form::Probability => syn::parse_str::<Expr>(&text).ok().map(Value::Probability),
        Form::Fixed { .. } | Form::Selects { .. } | Form::Runtime => Some(Value::Fixed),
    }
}

fn bind_value(spec: &Layer, arg: &Arg, expr: &Expr, errors: &mut Errors) -> Option<Value> {
    match arg.form {
        Form::Flag => Some(Value::Flag(expr.clone())),
        Form::Probability => {
            match number_literal(expr) {
                Some(p) if (0.0..=1.0).contains(&p) => Some(Value::Probability(expr.clone())),
                Some(p) => {
                    // PyTorch's words (torch/nn/modules/dropout.py).
                    errors.error_at(
                        expr,
                        format!(
                            "{} probability has to be between 0 and 1, but got {p}",
                            spec.name
                        ),
                    );
                    None
                }
                None => {
                    errors.error_at(
                        expr,
                        format!(
                            "{} of {} must be a number literal in sequential!; build the layer with {}::new(p)? as an expression otherwise",
                            arg.name, spec.name, spec.name
                        ),
                    );
                    None
                }
            }
        }
        Form::Fixed { why } => {
            let allowed = arg.default.rust_literal().unwrap_or_default();
            if normalised(expr) == allowed {
                Some(Value::Fixed)
            } else {
                errors.error_at(expr, why);
                None
            }
        }
        Form::Runtime => {
            errors.error_at(
                expr,
                format!("sequential! does not take {} of {}", arg.name, spec.name),
            );
            None
        }
        Form::Selects { layer } => match normalised(expr).as_str() {
            "false" => Some(Value::Fixed),
            "true" => Some(Value::Selects(layer)),
            _ => {
                errors.error_at(
                    expr,
                    format!(
                        "{} of {} must be the literal true or false in sequential!: it picks the layer type",
                        arg.name, spec.name
                    ),
                );
                None
            }
        },
        Form::Size { min } => {
            let size = literal_size(spec, expr, errors)?;
            if size.value < min {
                errors.error_at(
                    expr,
                    format!("{} of {} must be at least {min}", arg.name, spec.name),
                );
                return None;
            }
            Some(Value::Size(size))
        }
    }
}

/// The value of a number literal, possibly negated (`-0.5`), or `None` for
/// anything else.
fn number_literal(expr: &Expr) -> Option<f64> {
    match unwrap_group(expr) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Float(f), ..
        }) => f.base10_parse::<f64>().ok(),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<f64>().ok(),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => number_literal(expr).map(|p| -p),
        Expr::Paren(inner) => number_literal(&inner.expr),
        _ => None,
    }
}

/// An integer literal as a size, or a spanned error saying why not.
fn literal_size(spec: &Layer, expr: &Expr, errors: &mut Errors) -> Option<Size> {
    match unwrap_group(expr) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(int), ..
        }) => match int.base10_parse::<u64>() {
            Ok(value) => Some(Size {
                value,
                span: int.span(),
            }),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr: inner,
            ..
        }) if matches!(unwrap_group(inner), Expr::Lit(_)) => {
            errors.error_at(expr, format!("{}'s sizes cannot be negative", spec.name));
            None
        }
        other => {
            let text = other.to_token_stream().to_string();
            let what = if text.len() <= 40 {
                format!("`{text}` is not a literal")
            } else {
                "this is not a literal".to_string()
            };
            errors.error_at(
                other,
                format!(
                    "{}'s sizes are part of the model's type and must be integer literals; {what}",
                    spec.name
                ),
            );
            None
        }
    }
}

/// Sees through the invisible groups `macro_rules!` wraps around `$x:expr`.
fn unwrap_group(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => unwrap_group(&group.expr),
        other => other,
    }
}

fn single_ident(expr: &Expr) -> Option<&Ident> {
    match unwrap_group(expr) {
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => path.path.get_ident(),
        _ => None,
    }
}

fn is_none(expr: &Expr) -> bool {
    single_ident(expr).is_some_and(|ident| ident == "None")
}

/// The tokens of `expr` without spaces (`- 1` -> `-1`).
fn normalised(expr: &Expr) -> String {
    unwrap_group(expr)
        .to_token_stream()
        .to_string()
        .replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::super::{known, typo_of};
    use super::*;
    use syn::parse::Parser;

    fn call(name: &str, args: &str) -> (Option<BoundLayer>, Vec<String>) {
        let ident = Ident::new(name, Span::call_site());
        let spec = known(&ident).expect("known layer");
        let args = Punctuated::<Expr, Token![,]>::parse_terminated
            .parse_str(args)
            .expect("args parse");
        let mut errors = Errors::new();
        let bound = bind(spec, &ident, Some(&args), &mut errors);
        let messages = match errors.finish() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (bound, messages)
    }

    fn sizes(layer: &BoundLayer) -> Vec<u64> {
        layer
            .values
            .iter()
            .filter_map(|v| {
                if let Value::Size(s) = v {
                    Some(s.value)
                } else {
                    None
                }
            })
            .collect()
    }

    #[test]
    fn positional_and_keyword() {
        let (layer, errors) = call("Conv2d", "1, 6, 5, padding = 2");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(sizes(&layer.expect("bound")), vec![1, 6, 5, 1, 2, 1, 1]);
        let (layer, errors) = call("Linear", "out_features = 4, in_features = 3, bias = false");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(sizes(&layer.expect("bound")), vec![3, 4]);
    }

    #[test]
    fn maxpool_stride_defaults_to_kernel() {
        let (layer, _) = call("MaxPool2d", "3");
        assert_eq!(sizes(&layer.expect("bound")), vec![3, 3, 0, 1]);
        let (layer, _) = call("MaxPool2d", "3, None, 1");
        assert_eq!(sizes(&layer.expect("bound")), vec![3, 3, 1, 1]);
        let (_, errors) = call("Linear", "-3, 4");
        assert_eq!(errors, ["Linear's sizes cannot be negative"]);
    }

    #[test]
    fn every_error_is_collected() {
        let (layer, errors) = call("Linear", "n, bais = false");
        assert!(layer.is_none());
        assert_eq!(
            errors,
            vec![
                "Linear has no argument `bais`; did you mean `bias`?",
                "Linear's sizes are part of the model's type and must be integer literals; `n` is not a literal",
                "Linear is missing out_features: Linear(in_features, out_features, bias = true)",
            ]
        );
    }

    #[test]
    fn duplicates_and_unsupported() {
        let (_, errors) = call("Conv2d", "1, 6, 5, in_channels = 2, groups = 0");
        assert_eq!(
            errors,
            vec![
                "Conv2d got argument `in_channels` twice",
                "groups of Conv2d must be at least 1"
            ]
        );
        let (_, errors) = call("Dropout", "1.5");
        assert_eq!(
            errors,
            vec!["Dropout probability has to be between 0 and 1, but got 1.5"]
        );
        let (_, errors) = call("Dropout2d", "-0.5");
        assert_eq!(
            errors,
            vec!["Dropout2d probability has to be between 0 and 1, but got -0.5"]
        );
        let (layer, errors) = call("Dropout", "p = 0.25");
        assert!(errors.is_empty() && layer.is_some(), "{errors:?}");
        let (_, errors) = call("Flatten", "start_dim = 1, end_dim = -1");
        assert!(errors.is_empty(), "{errors:?}");
        let (_, errors) = call("Flatten", "0");
        assert_eq!(errors, vec!["Flatten supports only start_dim = 1 for now"]);
    }

    /// `ceil_mode = true` picks `AvgPool2dCeil` and keeps the sizes.
    #[test]
    fn avg_pool_ceil_mode_selects_the_ceil_layer() {
        let (layer, errors) = call("AvgPool2d", "3, 2, 1, ceil_mode = true");
        assert!(errors.is_empty(), "{errors:?}");
        let layer = layer.expect("bound");
        assert_eq!(sizes(&layer), vec![3, 2, 1]);
        assert!(matches!(layer.values[3], Value::Selects("AvgPool2dCeil")));
        let (layer, _) = call("AvgPool2d", "2, ceil_mode = false");
        assert!(matches!(layer.expect("bound").values[3], Value::Fixed));
        let (_, errors) = call("AvgPool2d", "2, ceil_mode = c");
        assert_eq!(
            errors,
            [
                "ceil_mode of AvgPool2d must be the literal true or false in sequential!: it picks the layer type"
            ]
        );
    }

    #[test]
    fn typos() {
        let ident = |s: &str| Ident::new(s, Span::call_site());
        assert_eq!(typo_of(&ident("Lineer")), Some("Linear"));
        assert_eq!(typo_of(&ident("Relu")), Some("ReLU"));
        assert_eq!(typo_of(&ident("Linear")), None);
        assert_eq!(typo_of(&ident("GELU")), None);
        assert_eq!(typo_of(&ident("relu")), None);
        assert_eq!(typo_of(&ident("MyBlock")), None);
    }
}
