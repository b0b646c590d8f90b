//! The checks of [`ctc_loss`](super::ctc_loss)'s arguments and the layout
//! of its targets: padded (`[N, S]`, a row per sample) or concatenated
//! (`[Σ target_lengths]`), read into one label list per sample.

use crate::{DynTensor, Element, Error, LongTensor, Result};

const OP: &str = "ctc_loss";

/// `ctc_loss`'s arguments, checked: the sizes of `log_probs`, each
/// sample's input and target length, and its target labels (classes other
/// than the blank).
pub(super) struct CtcInput {
    /// Samples `N` (1 for an unbatched `[T, C]` input).
    pub batch: usize,
    /// Classes `C`, the blank included.
    pub classes: usize,
    /// Whether `log_probs` has a batch dimension.
    pub batched: bool,
    /// Each sample's number of time steps.
    pub input_lengths: Vec<usize>,
    /// Each sample's number of labels.
    pub target_lengths: Vec<usize>,
    /// Each sample's labels.
    pub targets: Vec<Vec<usize>>,
}

impl CtcInput {
    /// Checks the arguments, each error naming `ctc_loss` and the argument.
    pub(super) fn check<E: Element>(
        log_probs: &DynTensor<E>,
        targets: &LongTensor,
        input_lengths: &LongTensor,
        target_lengths: &LongTensor,
        blank: usize,
    ) -> Result<Self> {
        let (steps, batch, classes, batched) = match log_probs.shape() {
            [t, n, c] => (*t, *n, *c, true),
            [t, c] => (*t, 1, *c, false),
            other => {
                return Err(Error::shape(
                    OP,
                    "log_probs of shape [T, N, C] or [T, C]",
                    format!("{other:?}"),
                ));
            }
        };
        if blank >= classes {
            return Err(Error::option(
                OP,
                "blank",
                format!("{blank} is not a class of [0, {classes})"),
            ));
        }
        let input_lengths = lengths("input_lengths", input_lengths, batch)?;
        let target_lengths = lengths("target_lengths", target_lengths, batch)?;
        if let Some(&bad) = input_lengths.iter().find(|&&l| l > steps) {
            return Err(Error::option(
                OP,
                "input_lengths",
                format!("length {bad} is longer than the input's {steps} time steps"),
            ));
        }
        let starts = target_starts(targets, &target_lengths, batch, batched)?;
        let targets = labels(targets, &starts, &target_lengths, classes, blank)?;
        Ok(CtcInput {
            batch,
            classes,
            batched,
            input_lengths,
            target_lengths,
            targets,
        })
    }
}

/// One length per sample, none negative.
fn lengths(what: &'static str, t: &LongTensor, batch: usize) -> Result<Vec<usize>> {
    if t.numel() != batch || t.shape().len() > 1 {
        return Err(Error::shape(
            OP,
            format!("{what} with {batch} value(s), one per sample"),
            format!("{:?}", t.shape()),
        ));
    }
    t.data()
        .iter()
        .map(|&v| {
            usize::try_from(v)
                .map_err(|_| Error::option(OP, what, format!("length {v} is negative")))
        })
        .collect()
}

/// Where each sample's target starts in `targets`: row `n` of a padded
/// `[N, S]` (or the one row of an unbatched input), or the running sum of
/// the lengths before it in a concatenation.
fn target_starts(
    targets: &LongTensor,
    target_lengths: &[usize],
    batch: usize,
    batched: bool,
) -> Result<Vec<usize>> {
    let shape = targets.shape();
    if shape.len() == 2 || !batched {
        let width = *shape.last().unwrap_or(&0);
        let rows = if batched {
            shape.first().copied().unwrap_or(0)
        } else {
            1
        };
        if rows != batch || shape.len() != if batched { 2 } else { 1 } {
            return Err(Error::shape(
                OP,
                format!("targets of shape [{batch}, S] or [Σ target_lengths]"),
                format!("{shape:?}"),
            ));
        }
        let mut starts = Vec::with_capacity(batch);
        for (n, &l) in target_lengths.iter().enumerate() {
            if l > width {
                return Err(Error::option(
                    OP,
                    "target_lengths",
                    format!("length {l} of sample {n} is longer than the targets' {width} columns"),
                ));
            }
            starts.push(n * width);
        }
        return Ok(starts);
    }
    let total: usize = target_lengths.iter().sum();
    if shape.len() != 1 || total > targets.numel() {
        return Err(Error::shape(
            OP,
            format!("concatenated targets of length Σ target_lengths = {total}"),
            format!("{shape:?}"),
        ));
    }
    Ok(target_lengths
        .iter()
        .scan(0, |at, &l| {
            let start = *at;
            *at += l;
            Some(start)
        })
        .collect())
}

/// Each sample's labels, every one a class of `[0, classes)` other than
/// the blank.
fn labels(
    targets: &LongTensor,
    starts: &[usize],
    target_lengths: &[usize],
    classes: usize,
    blank: usize,
) -> Result<Vec<Vec<usize>>> {
    let data = targets.data();
    let mut out = Vec::with_capacity(starts.len());
    for (n, (&start, &len)) in starts.iter().zip(target_lengths).enumerate() {
        let mut labels = Vec::with_capacity(len);
        for &c in &data[start..start + len] {
            if c < 0 || c as usize >= classes {
                return Err(Error::IndexOutOfRange {
                    op: OP,
                    what: "target",
                    index: c,
                    bound: classes,
                });
            }
            if c as usize == blank {
                return Err(Error::option(
                    OP,
                    "targets",
                    format!("sample {n} contains the blank class {blank}"),
                ));
            }
            labels.push(c as usize);
        }
        out.push(labels);
    }
    Ok(out)
}
