//! The whole chain checked from a declared input shape
//! (`sequential![input (1, 28, 28); Conv2d(1, 6, 5), ...]`): every layer
//! `sequential!` builds has its shape rule here, in PyTorch's arithmetic
//! and with the words of the type-level rule in `nncore::shape::rules`, so
//! a mistake is reported at the layer that does not fit, named by its
//! index (or name) and what it is:
//!
//! ```text
//! error: layer 17, Linear(1152 -> 10): shape mismatch: Linear expects 1152 input features, but the incoming tensor has 1024
//! ```
//!
//! The types check the same rules again (they cannot know which macro token
//! built a layer); this walk only runs ahead of them to point at the layer.
//! It follows the shape as long as it knows every entry: after a layer it
//! does not model (an expression, a layer added to `nnspec` without a rule
//! here) the sizes are unknown, and the type-level rules alone report.
//! The sizes are a sample's (the batch is never known to the macro).

use super::check::Resolved;
use super::ir::{Entry, InputShape};
use crate::errors::Errors;
use crate::layers::{BoundLayer, Default, Value};
use nnspec::Chain;
use proc_macro2::TokenStream;

/// The largest rank of a Kiln tensor (`nncore::shape::MAX_RANK`), batch
/// included.
const MAX_RANK: usize = 4;

/// A shape as the walk knows it: the batch (`None`: known only at run
/// time), then the sizes of one sample.
pub type Dims = Vec<Option<u64>>;

/// How far the walk got: the index of the first entry it could not follow
/// (`entries.len()` if it followed all of them).
pub struct Walk {
    /// The first entry not followed.
    pub stopped_at: usize,
}

impl Walk {
    fn stop(at: usize) -> Self {
        Walk { stopped_at: at }
    }
}

/// The shape `[*, 1, 28, 28]` of the declared input, or an error if it has
/// more sizes than a tensor has room for beside the batch.
pub fn input_dims(input: &InputShape, errors: &mut Errors) -> Option<Dims> {
    if input.sizes.len() >= MAX_RANK {
        errors.error_at(
            &input.keyword,
            format!(
                "an input shape has at most {} sizes (one sample; the batch is added in front), but this one has {}",
                MAX_RANK - 1,
                input.sizes.len()
            ),
        );
        return None;
    }
    let mut dims = vec![None];
    for size in &input.sizes {
        match size.base10_parse::<u64>() {
            Ok(0) => {
                errors.error_at(size, "the input shape's sizes must be at least 1");
                return None;
            }
            Ok(value) => dims.push(Some(value)),
            Err(e) => {
                errors.push(e);
                return None;
            }
        }
    }
    Some(dims)
}

/// Follows `dims` through the chain, recording an error at each layer
/// whose rule fails.
pub fn walk(mut dims: Dims, entries: &[Entry], resolved: &[Resolved], errors: &mut Errors) -> Walk {
    for (index, (entry, resolved)) in entries.iter().zip(resolved).enumerate() {
        let Resolved::Layer(layer) = resolved else {
            return Walk::stop(index);
        };
        let Some(outcome) = apply(layer, &dims) else {
            return Walk::stop(index);
        };
        match outcome {
            Ok(next) => dims = next,
            Err((message, next)) => {
                errors.error_at(
                    entry.tokens(),
                    format!("{}: {message}", subject(entry, index, layer)),
                );
                match next {
                    // The layer's output is known despite the mistake (a
                    // Linear's is its out_features): later layers are
                    // still checked.
                    Some(next) => dims = next,
                    None => return Walk::stop(entries.len()),
                }
            }
        }
    }
    Walk::stop(entries.len())
}

/// `layer 17, Linear(1152 -> 10)` (PyTorch's index, as in `print(model)`
/// and `17.weight`), or `layer fc2, Linear(1152 -> 10)` in a named
/// sequential.
pub fn subject(entry: &Entry, index: usize, layer: &BoundLayer) -> String {
    let label = entry
        .name
        .as_ref()
        .map_or_else(|| index.to_string(), ToString::to_string);
    format!("layer {label}, {}", describe(layer))
}

/// The layer as errors name it: sizes in and out with an arrow
/// (`Linear(1152 -> 10)`, `Conv2d(6 -> 16, kernel_size=5)`), then every
/// other size argument that is not its default (`MaxPool2d(2, stride=1)`).
pub fn describe(layer: &BoundLayer) -> String {
    let spec = layer.spec;
    let mut parts = Vec::new();
    let mut skip = Vec::new();
    if let Chain::Features { input, output } | Chain::Channels { input, output } = spec.chain {
        parts.push(format!(
            "{} -> {}",
            layer.size(input).value,
            layer.size(output).value
        ));
        skip = vec![input, output];
    }
    for (index, (arg, value)) in spec.args.iter().zip(&layer.values).enumerate() {
        if skip.contains(&index) {
            continue;
        }
        let shown = match (value, arg.default) {
            (Value::Size(size), Default::Required) => Some(size.value.to_string()),
            (Value::Size(size), Default::Int(d)) if i64::try_from(size.value) != Ok(d) => {
                Some(format!("{}={}", arg.name, size.value))
            }
            (Value::Size(size), Default::SameAs(other))
                if size.value != layer.size(other).value =>
            {
                Some(format!("{}={}", arg.name, size.value))
            }
            (Value::Probability(expr), _) => Some(tokens(expr)),
            (Value::Selects(_), _) => Some(format!("{}=true", arg.name)),
            _ => None,
        };
        // A required size after the arrow is named (`kernel_size=5`).
        parts.extend(shown.map(|s| {
            if !skip.is_empty() && matches!(arg.default, Default::Required) {
                format!("{}={s}", arg.name)
            } else {
                s
            }
        }));
    }
    if parts.is_empty() {
        spec.name.to_string()
    } else {
        format!("{}({})", spec.name, parts.join(", "))
    }
}

fn tokens(expr: &syn::Expr) -> String {
    quote::ToTokens::to_token_stream(expr).to_string()
}

/// What went wrong, and the layer's output if it is still known.
type Failure = (String, Option<Dims>);

/// The layer's output shape for input `dims`, or why it does not fit.
/// `None` for a layer without a rule here.
fn apply(layer: &BoundLayer, dims: &[Option<u64>]) -> Option<Result<Dims, Failure>> {
    let arg = |name: &str| {
        layer
            .spec
            .position(name)
            .map_or(0, |index| layer.size(index).value)
    };
    let ceil = layer.values.iter().any(|v| matches!(v, Value::Selects(_)));
    let name = layer.spec.name;
    Some(match name {
        "Linear" => linear(dims, arg("in_features"), arg("out_features")),
        "Conv2d" | "Conv1d" => conv(name, dims, &Conv::read(&arg)),
        "ConvTranspose2d" => conv_transpose(dims, &Conv::read(&arg), arg("output_padding")),
        "MaxPool2d" | "AvgPool2d" => pool(
            name,
            dims,
            &Pool {
                kernel: arg("kernel_size"),
                stride: arg("stride"),
                padding: arg("padding"),
                dilation: if name == "MaxPool2d" { arg("dilation") } else { 1 },
                ceil,
            },
        ),
        "AdaptiveAvgPool2d" => rank(name, dims, 4, "(batch, channels, height, width)").map(|()| {
            let size = Some(arg("output_size"));
            vec![dims[0], dims[1], size, size]
        }),
        "BatchNorm1d" => batch_norm1d(dims, arg("num_features")),
        "BatchNorm2d" => rank(name, dims, 4, "(batch, channels, height, width)").and_then(|()| {
            expect(dims[1], arg("num_features"), dims.to_vec(), |c, found| {
                format!("shape mismatch: BatchNorm2d expects {c} channels (num_features), but the incoming tensor has {found}")
            })
        }),
        "Flatten" => flatten(dims),
        "ReLU" | "ReLU6" | "SiLU" | "Sigmoid" | "Tanh" | "Identity" | "Dropout" | "Dropout2d" => {
            Ok(dims.to_vec())
        }
        _ => return None,
    })
}

/// `Ok` if `found` (a known size) is `expected`; else the error, with the
/// layer's output `next` (still known).
fn expect(
    found: Option<u64>,
    expected: u64,
    next: Dims,
    message: impl FnOnce(u64, u64) -> String,
) -> Result<Dims, Failure> {
    match found {
        Some(found) if found != expected => Err((message(expected, found), Some(next))),
        _ => Ok(next),
    }
}

/// The rank rule shared by the conv and pool layers.
fn rank(name: &str, dims: &[Option<u64>], rank: usize, what: &str) -> Result<(), Failure> {
    if dims.len() == rank {
        Ok(())
    } else {
        Err((
            format!(
                "{name} expects a {rank}-D input {what}, but got a {}-D tensor",
                dims.len()
            ),
            None,
        ))
    }
}

fn linear(dims: &[Option<u64>], input: u64, output: u64) -> Result<Dims, Failure> {
    let mut next = dims.to_vec();
    // A shape always has the batch, so there is a last dimension.
    let last = next.len() - 1;
    next[last] = Some(output);
    expect(dims[last], input, next, |expected, found| {
        format!(
            "shape mismatch: Linear expects {expected} input features, but the incoming tensor has {found}"
        )
    })
}

fn batch_norm1d(dims: &[Option<u64>], features: u64) -> Result<Dims, Failure> {
    if !(2..=3).contains(&dims.len()) {
        return Err((
            format!(
                "BatchNorm1d expects a 2-D or 3-D input (batch, features[, length]), but got a {}-D tensor",
                dims.len()
            ),
            None,
        ));
    }
    expect(dims[1], features, dims.to_vec(), |expected, found| {
        format!(
            "shape mismatch: BatchNorm1d expects {expected} features (num_features), but the incoming tensor has {found}"
        )
    })
}

fn flatten(dims: &[Option<u64>]) -> Result<Dims, Failure> {
    if dims.len() < 2 {
        return Err((
            format!(
                "Flatten expects an input with a batch dimension and at least one more, but got a {}-D tensor",
                dims.len()
            ),
            None,
        ));
    }
    let features = dims[1..]
        .iter()
        .try_fold(1u64, |acc, d| d.and_then(|d| acc.checked_mul(d)));
    Ok(vec![dims[0], features])
}

/// A convolution's sizes.
struct Conv {
    input: u64,
    output: u64,
    kernel: u64,
    stride: u64,
    padding: u64,
    dilation: u64,
}

impl Conv {
    fn read(arg: &dyn Fn(&str) -> u64) -> Self {
        Conv {
            input: arg("in_channels"),
            output: arg("out_channels"),
            kernel: arg("kernel_size"),
            stride: arg("stride"),
            padding: arg("padding"),
            dilation: arg("dilation"),
        }
    }

    /// `D(K-1) + 1`, the span of the dilated kernel.
    fn extent(&self) -> u64 {
        self.dilation * (self.kernel - 1) + 1
    }
}

/// The spatial dimensions of a conv or pool input: `length` for a 3-D
/// input, `height` and `width` for a 4-D one.
fn spatial_names(rank: usize) -> &'static [&'static str] {
    if rank == 3 {
        &["length"]
    } else {
        &["height", "width"]
    }
}

fn conv(name: &str, dims: &[Option<u64>], c: &Conv) -> Result<Dims, Failure> {
    let want = if name == "Conv1d" { 3 } else { 4 };
    let what = if want == 3 {
        "(batch, channels, length)"
    } else {
        "(batch, channels, height, width)"
    };
    rank(name, dims, want, what)?;
    let mut next = vec![dims[0], Some(c.output)];
    for (size, side) in dims[2..].iter().zip(spatial_names(want)) {
        let Some(size) = *size else {
            next.push(None);
            continue;
        };
        let padded = size + 2 * c.padding;
        if c.extent() > padded {
            return Err((
                format!(
                    "{name} kernel ({}, dilated extent {}) is larger than the padded input {side} ({padded} = {size} + 2*{})",
                    c.kernel,
                    c.extent(),
                    c.padding
                ),
                None,
            ));
        }
        next.push(Some((padded - c.extent()) / c.stride + 1));
    }
    expect(dims[1], c.input, next, |expected, found| {
        format!(
            "shape mismatch: {name} expects {expected} input channels, but the incoming tensor has {found}"
        )
    })
}

fn conv_transpose(dims: &[Option<u64>], c: &Conv, output_padding: u64) -> Result<Dims, Failure> {
    let name = "ConvTranspose2d";
    rank(name, dims, 4, "(batch, channels, height, width)")?;
    if output_padding >= c.stride && output_padding >= c.dilation {
        return Err((
            format!(
                "ConvTranspose2d output_padding ({output_padding}) must be smaller than either stride ({}) or dilation ({})",
                c.stride, c.dilation
            ),
            None,
        ));
    }
    let mut next = vec![dims[0], Some(c.output)];
    for (size, side) in dims[2..].iter().zip(spatial_names(4)) {
        let Some(size) = *size else {
            next.push(None);
            continue;
        };
        let grown = (size - 1) * c.stride + c.extent() + output_padding;
        let removed = 2 * c.padding;
        if grown <= removed {
            return Err((
                format!(
                    "ConvTranspose2d output {side} would be empty: the input {side} {size} grows to {grown}, and padding={} takes 2*{} = {removed} away",
                    c.padding, c.padding
                ),
                None,
            ));
        }
        next.push(Some(grown - removed));
    }
    expect(dims[1], c.input, next, |expected, found| {
        format!(
            "shape mismatch: ConvTranspose2d expects {expected} input channels, but the incoming tensor has {found}"
        )
    })
}

/// A pool's sizes.
struct Pool {
    kernel: u64,
    stride: u64,
    padding: u64,
    dilation: u64,
    ceil: bool,
}

fn pool(name: &str, dims: &[Option<u64>], p: &Pool) -> Result<Dims, Failure> {
    rank(name, dims, 4, "(batch, channels, height, width)")?;
    let extent = p.dilation * (p.kernel - 1) + 1;
    let max = name == "MaxPool2d";
    if p.padding > extent / 2 {
        let message = if max {
            format!(
                "MaxPool2d: pad should be at most half of effective kernel size, but got pad={}, kernel_size={} and dilation={}",
                p.padding, p.kernel, p.dilation
            )
        } else {
            format!(
                "AvgPool2d: pad should be at most half of kernel size, but got pad={} and kernel_size={}",
                p.padding, p.kernel
            )
        };
        return Err((message, None));
    }
    let window = if max {
        format!("window ({}, dilated extent {extent})", p.kernel)
    } else {
        format!("window ({})", p.kernel)
    };
    let mut next = vec![dims[0], dims[1]];
    for (size, side) in dims[2..].iter().zip(spatial_names(4)) {
        let Some(size) = *size else {
            next.push(None);
            continue;
        };
        let padded = size + 2 * p.padding;
        let out = if p.ceil {
            ceil_len(size, extent, p.stride, p.padding)
        } else {
            (padded >= extent).then(|| (padded - extent) / p.stride + 1)
        };
        let Some(out) = out else {
            let room = if p.ceil {
                format!(
                    "{name} (ceil_mode=True) {window} does not fit the padded input {side} ({padded} = {size} + 2*{}) plus stride - 1",
                    p.padding
                )
            } else {
                format!(
                    "{name} {window} is larger than the padded input {side} ({padded} = {size} + 2*{})",
                    p.padding
                )
            };
            return Err((format!("{room}: output would be empty"), None));
        };
        next.push(Some(out));
    }
    Ok(next)
}

/// PyTorch's ceil-mode output length (`nncore`'s `window_ceil_len`),
/// `None` if no window fits.
fn ceil_len(size: u64, extent: u64, stride: u64, padding: u64) -> Option<u64> {
    let room = (size + 2 * padding + stride - 1).checked_sub(extent)?;
    let q = room / stride;
    Some(if q * stride >= size + padding {
        q
    } else {
        q + 1
    })
}

/// `(::kiln::shape::Dyn, U1, U28, U28)`: the declared input as a shape
/// type, the batch first.
pub fn input_type(input: &InputShape) -> TokenStream {
    let sizes = input.sizes.iter().map(|lit| {
        let value = lit.base10_parse::<u64>().unwrap_or(0);
        crate::typenum::unsigned(value, lit.span())
    });
    quote::quote!((::kiln::shape::Dyn, #(#sizes,)*))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seq::check;
    use crate::seq::ir::SeqInput;

    /// The errors of `src`, and the shape after the last layer.
    fn run(src: &str) -> (Vec<String>, Option<Dims>) {
        let input: SeqInput = syn::parse_str(src).expect("parses");
        let checked = check::check(&input.entries, None, "sequential!");
        let mut errors = Errors::new();
        let start = input_dims(input.input.as_ref().expect("input"), &mut errors).expect("valid");
        walk(
            start.clone(),
            &input.entries,
            &checked.resolved,
            &mut errors,
        );
        // The output shape, followed through layers that fit.
        let mut dims = Some(start);
        for r in &checked.resolved {
            dims = match (r, dims) {
                (Resolved::Layer(layer), Some(d)) => apply(layer, &d).and_then(Result::ok),
                _ => None,
            };
        }
        let errors = match errors.finish() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (errors, dims)
    }

    fn shape(dims: &Dims) -> String {
        let parts: Vec<String> = dims
            .iter()
            .map(|d| d.map_or("*".to_string(), |d| d.to_string()))
            .collect();
        format!("[{}]", parts.join(", "))
    }

    #[test]
    fn lenet_shapes() {
        let (errors, dims) = run(
            "input (1, 28, 28); Conv2d(1, 6, 5, padding = 2), ReLU, MaxPool2d(2), Conv2d(6, 16, 5), ReLU, \
             MaxPool2d(2), Flatten, Linear(400, 120), ReLU, Linear(120, 84), ReLU, Linear(84, 10)",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(shape(&dims.unwrap()), "[*, 10]");
    }

    /// PyTorch's formulas: stride, padding, dilation, ceil mode, transpose.
    #[test]
    fn arithmetic_matches_pytorch() {
        let out = |src: &str| shape(&run(src).1.unwrap());
        // torch.nn.Conv2d(3, 8, 3, stride=2, padding=1, dilation=2)(torch.zeros(1, 3, 15, 15)).shape == [1, 8, 7, 7]
        assert_eq!(
            out("input (3, 15, 15); Conv2d(3, 8, 3, stride = 2, padding = 1, dilation = 2)"),
            "[*, 8, 7, 7]"
        );
        // MaxPool2d(2, ceil_mode=True) on 5x5 gives 3x3; floor gives 2x2.
        assert_eq!(
            out("input (1, 5, 5); MaxPool2d(2, ceil_mode = true)"),
            "[*, 1, 3, 3]"
        );
        assert_eq!(out("input (1, 5, 5); MaxPool2d(2)"), "[*, 1, 2, 2]");
        // AvgPool2d(3, 2, 1) on 7x7 gives 4x4.
        assert_eq!(out("input (2, 7, 7); AvgPool2d(3, 2, 1)"), "[*, 2, 4, 4]");
        // ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1): 4 -> 8.
        assert_eq!(
            out(
                "input (4, 4, 4); ConvTranspose2d(4, 2, 3, stride = 2, padding = 1, output_padding = 1)"
            ),
            "[*, 2, 8, 8]"
        );
        assert_eq!(
            out("input (3, 20); Conv1d(3, 5, 5, padding = 2), BatchNorm1d(5)"),
            "[*, 5, 20]"
        );
        assert_eq!(
            out("input (64, 7, 7); AdaptiveAvgPool2d(1), Flatten"),
            "[*, 64]"
        );
        assert_eq!(
            out("input (784); Linear(784, 10), Dropout(0.5), Tanh"),
            "[*, 10]"
        );
    }

    #[test]
    fn mistake_deep_in_a_chain_names_the_layer() {
        let (errors, _) = run(
            "input (3, 32, 32); Conv2d(3, 32, 3, padding = 1), ReLU, Conv2d(32, 32, 3, padding = 1), ReLU, MaxPool2d(2), \
             Conv2d(32, 64, 3, padding = 1), ReLU, Conv2d(64, 64, 3, padding = 1), ReLU, MaxPool2d(2), \
             Conv2d(64, 128, 3, padding = 1), ReLU, MaxPool2d(2), Flatten, Linear(2048, 256), ReLU, Dropout(0.5), \
             Linear(1152, 10)",
        );
        assert_eq!(
            errors,
            [
                "layer 17, Linear(1152 -> 10): shape mismatch: Linear expects 1152 input features, but the incoming tensor has 256"
            ]
        );
    }

    #[test]
    fn every_rule_in_words() {
        let first = |src: &str| run(src).0.remove(0);
        assert_eq!(
            first("input (1, 28, 28); Conv2d(1, 6, 5), MaxPool2d(2), Conv2d(3, 16, 5)"),
            "layer 2, Conv2d(3 -> 16, kernel_size=5): shape mismatch: Conv2d expects 3 input channels, but the incoming tensor has 6"
        );
        assert_eq!(
            first("input (1, 5, 5); Conv2d(1, 6, 7)"),
            "layer 0, Conv2d(1 -> 6, kernel_size=7): Conv2d kernel (7, dilated extent 7) is larger than the padded input height (5 = 5 + 2*0)"
        );
        assert_eq!(
            first("input (784); Conv2d(1, 6, 5)"),
            "layer 0, Conv2d(1 -> 6, kernel_size=5): Conv2d expects a 4-D input (batch, channels, height, width), but got a 2-D tensor"
        );
        assert_eq!(
            first("input (4, 3, 3); MaxPool2d(4)"),
            "layer 0, MaxPool2d(4): MaxPool2d window (4, dilated extent 4) is larger than the padded input height (3 = 3 + 2*0): output would be empty"
        );
        assert_eq!(
            first("input (4, 3, 3); MaxPool2d(2, padding = 2)"),
            "layer 0, MaxPool2d(2, padding=2): MaxPool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1"
        );
        assert_eq!(
            first("input (4, 3, 3); AvgPool2d(5, stride = 1, ceil_mode = true)"),
            "layer 0, AvgPool2d(5, stride=1, ceil_mode=true): AvgPool2d (ceil_mode=True) window (5) does not fit the padded input height (3 = 3 + 2*0) plus stride - 1: output would be empty"
        );
        assert_eq!(
            first("input (8, 1, 1); ConvTranspose2d(8, 4, 1, padding = 1)"),
            "layer 0, ConvTranspose2d(8 -> 4, kernel_size=1, padding=1): ConvTranspose2d output height would be empty: the input height 1 grows to 1, and padding=1 takes 2*1 = 2 away"
        );
        assert_eq!(
            first("input (8, 2, 2); ConvTranspose2d(8, 4, 3, stride = 2, output_padding = 2)"),
            "layer 0, ConvTranspose2d(8 -> 4, kernel_size=3, stride=2, output_padding=2): ConvTranspose2d output_padding (2) must be smaller than either stride (2) or dilation (1)"
        );
        assert_eq!(
            first("input (6, 4, 4); BatchNorm2d(8)"),
            "layer 0, BatchNorm2d(8): shape mismatch: BatchNorm2d expects 8 channels (num_features), but the incoming tensor has 6"
        );
        assert_eq!(
            first("input (16); BatchNorm1d(8)"),
            "layer 0, BatchNorm1d(8): shape mismatch: BatchNorm1d expects 8 features (num_features), but the incoming tensor has 16"
        );
        assert_eq!(
            first("input (16); Flatten, Linear(16, 4), Flatten, AdaptiveAvgPool2d(1)"),
            "layer 3, AdaptiveAvgPool2d(1): AdaptiveAvgPool2d expects a 4-D input (batch, channels, height, width), but got a 2-D tensor"
        );
        assert_eq!(
            first("input (); Flatten"),
            "layer 0, Flatten: Flatten expects an input with a batch dimension and at least one more, but got a 1-D tensor"
        );
    }

    /// A Linear's output is known even when its input is wrong, so a
    /// second, independent mistake is reported too; a kernel too large
    /// ends the walk (the sizes after it are meaningless).
    #[test]
    fn one_error_per_mistake() {
        let (errors, _) = run("input (10); Linear(12, 8), ReLU, Linear(8, 4), Linear(5, 2)");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[1].starts_with("layer 3, Linear(5 -> 2): "));
        let (errors, _) = run("input (1, 5, 5); Conv2d(1, 6, 7), MaxPool2d(9), Linear(3, 4)");
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn named_layers_are_named() {
        let (errors, _) =
            run("input (784); fc1: Linear(784, 128), relu: ReLU, fc2: Linear(100, 10)");
        assert_eq!(
            errors,
            [
                "layer fc2, Linear(100 -> 10): shape mismatch: Linear expects 100 input features, but the incoming tensor has 128"
            ]
        );
    }

    #[test]
    fn input_shape_limits() {
        let mut errors = Errors::new();
        let input: SeqInput = syn::parse_str("input (1, 2, 3, 4); ReLU").expect("parses");
        assert!(input_dims(input.input.as_ref().unwrap(), &mut errors).is_none());
        assert_eq!(
            errors.finish().unwrap_err().to_string(),
            "an input shape has at most 3 sizes (one sample; the batch is added in front), but this one has 4"
        );
    }
}
