//! Packed sequences, like `torch.nn.utils.rnn`: a batch of sequences of
//! different lengths stored without padding, time step by time step, the
//! longest sequence first.

use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Error, Result};

/// A batch of variable-length sequences, like PyTorch's `PackedSequence`:
/// `data` holds step 0 of every sequence, then step 1 of every sequence
/// still running, and so on (`batch_sizes[t]` rows for step `t`), the
/// sequences in decreasing order of length. `sorted_indices[k]` is the
/// original batch position of the `k`-th longest sequence (`None` when
/// the batch came sorted, `enforce_sorted=True`).
///
/// ```
/// use nncore::nn::{pack_padded_sequence, pad_packed_sequence};
/// use nncore::DynTensor;
/// // Two sequences of lengths 1 and 3, batch first, one feature.
/// let x = DynTensor::<f32>::from_vec(vec![1.0, 0.0, 0.0, 2.0, 3.0, 4.0], &[2, 3, 1])?;
/// let packed = pack_padded_sequence(&x, &[1, 3], true, false)?;
/// assert_eq!(packed.data().to_vec(), vec![2.0, 1.0, 3.0, 4.0]);
/// assert_eq!(packed.batch_sizes(), &[2, 1, 1]);
/// assert_eq!(packed.sorted_indices(), Some(&[1, 0][..]));
/// let (padded, lengths) = pad_packed_sequence(&packed, true, 0.0, None)?;
/// assert_eq!(padded.to_vec(), x.to_vec());
/// assert_eq!(lengths, vec![1, 3]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone)]
pub struct PackedSequence<E: Element = f32> {
    data: DynTensor<E>,
    batch_sizes: Vec<usize>,
    sorted_indices: Option<Vec<usize>>,
    unsorted_indices: Option<Vec<usize>>,
}

impl<E: Element> PackedSequence<E> {
    /// The packed steps, `[sum of lengths, *]`.
    pub fn data(&self) -> &DynTensor<E> {
        &self.data
    }

    /// How many sequences run at each step (non-increasing).
    pub fn batch_sizes(&self) -> &[usize] {
        &self.batch_sizes
    }

    /// The original batch position of each sequence in packed order.
    pub fn sorted_indices(&self) -> Option<&[usize]> {
        self.sorted_indices.as_deref()
    }

    /// The packed position of each sequence in original order.
    pub fn unsorted_indices(&self) -> Option<&[usize]> {
        self.unsorted_indices.as_deref()
    }

    /// The length of each sequence, in the original batch order.
    pub fn lengths(&self) -> Vec<usize> {
        let batch = self.batch_sizes.first().copied().unwrap_or(0);
        let sorted: Vec<usize> = (0..batch)
            .map(|k| self.batch_sizes.iter().take_while(|&&b| b > k).count())
            .collect();
        match &self.unsorted_indices {
            Some(unsorted) => unsorted.iter().map(|&k| sorted[k]).collect(),
            None => sorted,
        }
    }

    /// The same batch structure with other data (a layer's output).
    pub(crate) fn with_data(&self, data: DynTensor<E>) -> Self {
        PackedSequence {
            data,
            batch_sizes: self.batch_sizes.clone(),
            sorted_indices: self.sorted_indices.clone(),
            unsorted_indices: self.unsorted_indices.clone(),
        }
    }

    /// The packed order's position of original sequence `b`.
    fn packed_position(&self, b: usize) -> usize {
        self.unsorted_indices.as_ref().map_or(b, |u| u[b])
    }

    /// The data row of (time step `t`, original sequence `b`), if that
    /// sequence runs at step `t`.
    fn row(&self, offsets: &[usize], t: usize, b: usize) -> Option<usize> {
        let k = self.packed_position(b);
        (k < self.batch_sizes[t]).then(|| offsets[t] + k)
    }
}

/// Packs a padded batch, like `torch.nn.utils.rnn.pack_padded_sequence(input,
/// lengths, batch_first, enforce_sorted)`: `input` is `[steps, batch, *]`
/// (`[batch, steps, *]` with `batch_first`), `lengths` one per sequence.
/// With `enforce_sorted` the lengths must be non-increasing; otherwise the
/// sequences are sorted (stably) and the order is kept to undo it.
/// Differentiable with respect to `input`.
pub fn pack_padded_sequence<E: Element>(
    input: &DynTensor<E>,
    lengths: &[usize],
    batch_first: bool,
    enforce_sorted: bool,
) -> Result<PackedSequence<E>> {
    const OP: &str = "pack_padded_sequence";
    if input.rank() < 2 {
        return Err(Error::shape(
            OP,
            "an input of at least 2 dimensions [steps, batch, *]",
            format!("{:?}", input.shape()),
        ));
    }
    let (steps, batch) = if batch_first {
        (input.shape()[1], input.shape()[0])
    } else {
        (input.shape()[0], input.shape()[1])
    };
    if lengths.len() != batch {
        return Err(Error::option(
            OP,
            "lengths",
            format!(
                "Expected `len(lengths)` to be equal to batch_size, but got {} (batch_size={batch})",
                lengths.len()
            ),
        ));
    }
    if lengths.contains(&0) {
        return Err(Error::option(
            OP,
            "lengths",
            "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
        ));
    }
    if let Some(&l) = lengths.iter().find(|&&l| l > steps) {
        return Err(Error::option(
            OP,
            "lengths",
            format!("a length of {l} exceeds the input's {steps} time steps"),
        ));
    }
    let (sorted_indices, unsorted_indices) = if enforce_sorted {
        if lengths.windows(2).any(|w| w[0] < w[1]) {
            return Err(Error::option(
                OP,
                "lengths",
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.",
            ));
        }
        (None, None)
    } else {
        let mut order: Vec<usize> = (0..batch).collect();
        order.sort_by_key(|&b| std::cmp::Reverse(lengths[b]));
        let mut inverse = vec![0; batch];
        for (k, &b) in order.iter().enumerate() {
            inverse[b] = k;
        }
        (Some(order), Some(inverse))
    };
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let batch_sizes: Vec<usize> = (0..longest)
        .map(|t| lengths.iter().filter(|&&l| l > t).count())
        .collect();
    let mut rows = Vec::with_capacity(lengths.iter().sum());
    for (t, &size) in batch_sizes.iter().enumerate() {
        for k in 0..size {
            let b = sorted_indices.as_ref().map_or(k, |s| s[k]);
            rows.push(Some(if batch_first {
                b * steps + t
            } else {
                t * batch + b
            }));
        }
    }
    let feature: Vec<usize> = input.shape()[2..].to_vec();
    let flat = [vec![steps * batch], feature.clone()].concat();
    let data = select_rows(
        &input.reshape(&to_isize(&flat))?,
        &rows,
        E::of(0.0),
        &feature,
    )?;
    Ok(PackedSequence {
        data,
        batch_sizes,
        sorted_indices,
        unsorted_indices,
    })
}

/// Unpacks to a padded batch, like `torch.nn.utils.rnn.pad_packed_sequence(
/// sequence, batch_first, padding_value, total_length)`: the padded
/// tensor (sequences in their original order) and their lengths.
/// Differentiable with respect to the packed data.
pub fn pad_packed_sequence<E: Element>(
    sequence: &PackedSequence<E>,
    batch_first: bool,
    padding_value: f64,
    total_length: Option<usize>,
) -> Result<(DynTensor<E>, Vec<usize>)> {
    let longest = sequence.batch_sizes.len();
    let steps = match total_length {
        Some(total) if total < longest => {
            return Err(Error::option(
                "pad_packed_sequence",
                "total_length",
                format!(
                    "Expected total_length to be at least the length of the longest sequence in input, but got total_length={total} and max sequence length being {longest}"
                ),
            ));
        }
        Some(total) => total,
        None => longest,
    };
    let batch = sequence.batch_sizes.first().copied().unwrap_or(0);
    let offsets: Vec<usize> = sequence
        .batch_sizes
        .iter()
        .scan(0, |acc, &b| {
            let start = *acc;
            *acc += b;
            Some(start)
        })
        .collect();
    let mut rows = Vec::with_capacity(steps * batch);
    let row = |t: usize, b: usize| {
        (t < longest)
            .then(|| sequence.row(&offsets, t, b))
            .flatten()
    };
    if batch_first {
        for b in 0..batch {
            rows.extend((0..steps).map(|t| row(t, b)));
        }
    } else {
        for t in 0..steps {
            rows.extend((0..batch).map(|b| row(t, b)));
        }
    }
    let feature: Vec<usize> = sequence.data.shape()[1..].to_vec();
    let flat = select_rows(&sequence.data, &rows, E::of(padding_value), &feature)?;
    let outer = if batch_first {
        [batch, steps]
    } else {
        [steps, batch]
    };
    let shape = [outer.to_vec(), feature].concat();
    Ok((flat.reshape(&to_isize(&shape))?, sequence.lengths()))
}

/// Packs a list of sequences (`[length_i, *]` each), like
/// `torch.nn.utils.rnn.pack_sequence(sequences, enforce_sorted)`.
///
/// ```
/// use nncore::nn::pack_sequence;
/// use nncore::DynTensor;
/// let a = DynTensor::<f32>::from_vec(vec![1.0, 2.0], &[2, 1])?;
/// let b = DynTensor::<f32>::from_vec(vec![3.0, 4.0, 5.0], &[3, 1])?;
/// let packed = pack_sequence(&[&a, &b], false)?;
/// assert_eq!(packed.data().to_vec(), vec![3.0, 1.0, 4.0, 2.0, 5.0]);
/// assert_eq!(packed.batch_sizes(), &[2, 2, 1]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn pack_sequence<E: Element>(
    sequences: &[&DynTensor<E>],
    enforce_sorted: bool,
) -> Result<PackedSequence<E>> {
    let Some(first) = sequences.first() else {
        return Err(Error::option(
            "pack_sequence",
            "sequences",
            "received an empty list of sequences",
        ));
    };
    let longest = sequences
        .iter()
        .map(|s| s.shape().first().copied().unwrap_or(0))
        .max()
        .unwrap_or(0);
    let trailing = first.shape().get(1..).unwrap_or(&[]).to_vec();
    let mut padded = Vec::with_capacity(sequences.len());
    let mut lengths = Vec::with_capacity(sequences.len());
    for s in sequences {
        if s.rank() == 0 || s.shape()[1..] != trailing[..] {
            return Err(Error::shape(
                "pack_sequence",
                format!("sequences of shape [length, {trailing:?}]"),
                format!("{:?}", s.shape()),
            ));
        }
        let length = s.shape()[0];
        lengths.push(length);
        let rows: Vec<Option<usize>> = (0..longest).map(|t| (t < length).then_some(t)).collect();
        padded.push(select_rows(s, &rows, E::of(0.0), &trailing)?);
    }
    let refs: Vec<&DynTensor<E>> = padded.iter().collect();
    let stacked = crate::ops::stack(&refs, 0)?;
    pack_padded_sequence(&stacked, &lengths, true, enforce_sorted)
}

fn to_isize(shape: &[usize]) -> Vec<isize> {
    shape.iter().map(|&d| d as isize).collect()
}

/// Row `i` of the result is row `rows[i]` of `x` (`[n, *feature]`), or
/// `fill` for `None`: the gather behind packing and unpacking. Its
/// gradient adds each output row's gradient to the row it came from.
fn select_rows<E: Element>(
    x: &DynTensor<E>,
    rows: &[Option<usize>],
    fill: E,
    feature: &[usize],
) -> Result<DynTensor<E>> {
    let width: usize = feature.iter().product();
    let n = x.shape().first().copied().unwrap_or(0);
    debug_assert_eq!(x.numel(), n * width);
    let data = {
        let src = x.data();
        let mut out = Vec::with_capacity(rows.len() * width);
        for r in rows {
            match r {
                Some(r) => out.extend_from_slice(&src[r * width..][..width]),
                None => out.extend(std::iter::repeat_n(fill, width)),
            }
        }
        out
    };
    let shape = [vec![rows.len()], feature.to_vec()].concat();
    Ok(DynTensor::from_op(data, shape, &[x], || {
        SelectRowsBackward {
            rows: rows.to_vec(),
            width,
            source_rows: n,
        }
    }))
}

struct SelectRowsBackward {
    rows: Vec<Option<usize>>,
    width: usize,
    source_rows: usize,
}

impl<E: Element> Backward<E> for SelectRowsBackward {
    fn name(&self) -> &'static str {
        "IndexBackward0"
    }
    /// The row indices only.
    fn saved(&self) -> Saved {
        Saved::NOTHING
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        if !ctx.needs[0] {
            return Ok(vec![None]);
        }
        let w = self.width;
        let mut grad = vec![E::of(0.0); self.source_rows * w];
        for (i, r) in self.rows.iter().enumerate() {
            if let Some(r) = r {
                let g = &ctx.grad_output[i * w..][..w];
                for (acc, &v) in grad[r * w..][..w].iter_mut().zip(g) {
                    *acc = E::of(acc.as_f64() + v.as_f64());
                }
            }
        }
        Ok(vec![Some(grad)])
    }
}
