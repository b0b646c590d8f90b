//! A model summary in the manner of torchinfo, computed by the compiler:
//! each layer's output shape is read from the type its `forward` returns
//! for the declared input (no forward pass runs, no tensor is allocated),
//! and its parameter count from the parameters it holds.

use super::{Forward, Module};
use crate::Tensor;
use crate::shape::{Dim, Shape};
use crate::typed::DType;
use std::fmt;

/// One row of a [`Summary`]: a layer, its output shape and its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    /// The layer's index in the chain (`0`, as `print(model)` shows it).
    pub index: usize,
    /// The layer's class name (`Conv2d`).
    pub layer: String,
    /// The output shape, `*` for the batch: `[*, 6, 24, 24]`.
    pub output: String,
    /// The number of parameters.
    pub params: usize,
    /// How many of them require a gradient.
    pub trainable: usize,
}

/// What `model.summary()` prints: the input, one row per layer and the
/// totals, like `torchinfo.summary(model, input_size)`.
///
/// The shapes come from the types: a `Sequential` built with an input
/// shape (`sequential![input (1, 28, 28); ...]`) knows the type of every
/// layer's output, so the summary needs no example input and cannot
/// disagree with what `forward` returns.
///
/// ```
/// use nncore::nn::{Linear, ReLU, Sequential};
/// use nncore::shape::{Dyn, U2, U3, U4};
/// let net = Sequential::<_, (Dyn, U4)>::with_input((Linear::<U4, U3>::new(), (ReLU::new(), (Linear::<U3, U2>::new(), ()))));
/// let summary = net.summary();
/// assert_eq!(summary.rows[2].output, "[*, 2]");
/// assert_eq!(summary.total_params(), 4 * 3 + 3 + 3 * 2 + 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The input shape, `*` for the batch: `[*, 1, 28, 28]`.
    pub input: String,
    /// One row per layer, in order.
    pub rows: Vec<SummaryRow>,
}

impl Summary {
    /// Every parameter, like torchinfo's "Total params".
    pub fn total_params(&self) -> usize {
        self.rows.iter().map(|r| r.params).sum()
    }

    /// The parameters that require a gradient.
    pub fn trainable_params(&self) -> usize {
        self.rows.iter().map(|r| r.trainable).sum()
    }
}

/// `61706` as `61,706`, as torchinfo prints counts.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .rows
            .iter()
            .map(|r| format!("({}) {}", r.index, r.layer))
            .collect();
        let counts: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                if r.params == 0 {
                    "--".into()
                } else {
                    grouped(r.params)
                }
            })
            .collect();
        let name_w = names
            .iter()
            .map(String::len)
            .chain(["Layer (type)".len()])
            .max()
            .unwrap_or(0)
            + 2;
        let shape_w = self
            .rows
            .iter()
            .map(|r| r.output.len())
            .chain([self.input.len(), "Output shape".len()])
            .max()
            .unwrap_or(0)
            + 2;
        let count_w = counts
            .iter()
            .map(String::len)
            .chain(["Param #".len()])
            .max()
            .unwrap_or(0);
        let rule = "=".repeat(name_w + shape_w + count_w);
        writeln!(f, "{rule}")?;
        writeln!(
            f,
            "{:name_w$}{:shape_w$}{:>count_w$}",
            "Layer (type)", "Output shape", "Param #"
        )?;
        writeln!(f, "{rule}")?;
        writeln!(
            f,
            "{:name_w$}{:shape_w$}{:>count_w$}",
            "Input", self.input, "--"
        )?;
        for ((name, row), count) in names.iter().zip(&self.rows).zip(&counts) {
            writeln!(f, "{name:name_w$}{:shape_w$}{count:>count_w$}", row.output)?;
        }
        writeln!(f, "{rule}")?;
        let total = self.total_params();
        let trainable = self.trainable_params();
        writeln!(f, "Total params: {}", grouped(total))?;
        writeln!(f, "Trainable params: {}", grouped(trainable))?;
        writeln!(f, "Non-trainable params: {}", grouped(total - trainable))?;
        // f32 parameters, 4 bytes each, in torchinfo's megabytes (10^6).
        writeln!(f, "Params size (MB): {:.2}", total as f64 * 4.0 / 1e6)?;
        write!(f, "{rule}")
    }
}

/// A declared input shape that the chain `L` takes: every [`Shape`] whose
/// tensor runs through `L`, and not [`NoInput`](super::NoInput), so that
/// `summary()` on a sequential built without one says what to do.
#[diagnostic::on_unimplemented(
    message = "this sequential was built without an input shape, so it cannot compute its summary",
    label = "no `input (..);` in its sequential!",
    note = "declare the shape of one sample, `sequential![input (1, 28, 28); ...]`, or give the whole input shape: `summary_for::<(Dyn, U1, U28, U28)>()`"
)]
pub trait InputDeclared<L> {
    /// The shape, `[*, 1, 28, 28]`.
    fn describe() -> String;
    /// One row per layer of `layers`.
    fn rows(layers: &L) -> Vec<SummaryRow>;
}

// One impl per rank, not a blanket impl over `Shape`: through a blanket
// impl the compiler would report `NoInput: Shape` instead of the message.
macro_rules! input_declared {
    ($($d:ident),*) => {
        impl<L, $($d: Dim),*> InputDeclared<L> for ($($d,)*)
        where
            Tensor<($($d,)*)>: ChainSummary<L>,
        {
            fn describe() -> String {
                <($($d,)*) as Shape>::describe()
            }
            fn rows(layers: &L) -> Vec<SummaryRow> {
                let mut rows = Vec::new();
                <Tensor<($($d,)*)> as ChainSummary<L>>::rows(layers, 0, &mut rows);
                rows
            }
        }
    };
}

input_declared!();
input_declared!(A);
input_declared!(A, B);
input_declared!(A, B, C);
input_declared!(A, B, C, D);

/// The shape of a layer's output, read from its type.
#[doc(hidden)]
pub trait OutputShape {
    /// `[*, 6, 24, 24]`.
    fn describe() -> String;
}

impl<S: Shape, D: DType> OutputShape for Tensor<S, D> {
    fn describe() -> String {
        S::describe()
    }
}

/// The summary rows of a cons list of layers `L` fed `Self`, like
/// [`ChainForward`](super::sequential::ChainForward) (implemented on the
/// input for the same reason: a layer that does not fit reports its own
/// rule's message).
#[doc(hidden)]
pub trait ChainSummary<L> {
    /// Appends one row per layer, the first numbered `index`.
    fn rows(layers: &L, index: usize, out: &mut Vec<SummaryRow>);
}

impl<X> ChainSummary<()> for X {
    fn rows(_: &(), _: usize, _: &mut Vec<SummaryRow>) {}
}

impl<X, A: Forward<X> + Module, R> ChainSummary<(A, R)> for X
where
    A::Output: ChainSummary<R> + OutputShape,
{
    fn rows(layers: &(A, R), index: usize, out: &mut Vec<SummaryRow>) {
        let params = super::ModuleExt::parameters(&layers.0);
        out.push(SummaryRow {
            index,
            layer: layers.0.type_name().to_string(),
            output: <A::Output as OutputShape>::describe(),
            params: params.iter().map(|p| p.numel()).sum(),
            trainable: params
                .iter()
                .filter(|p| p.requires_grad())
                .map(|p| p.numel())
                .sum(),
        });
        <A::Output as ChainSummary<R>>::rows(&layers.1, index + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_like_torchinfo() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(156), "156");
        assert_eq!(grouped(2416), "2,416");
        assert_eq!(grouped(61706), "61,706");
        assert_eq!(grouped(138357544), "138,357,544");
    }
}
