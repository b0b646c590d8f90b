//! One layer and direction of a recurrence as one autograd op: the input's
//! share of every step's gates in one matrix product, then per step one
//! product with the hidden state and one fused elementwise pass
//! ([`kernels::recurrent`](crate::kernels::recurrent)). The op keeps the
//! gate activations and states its backward pass reads
//! ([`backward`](super::fused_backward)), all in pooled buffers, so a
//! warmed-up training step allocates nothing here.
//!
//! A packed batch runs as one padded batch with `lengths`: at step `t` the
//! rows whose sequence has ended (or, backwards, not yet begun) hold their
//! state, and their output is zero (packing drops it).

use super::fused_backward::FusedBackward;
use super::spec::Mode;
use super::step::Weights;
use crate::kernels::gemm::{MatMut, MatRef, matmul};
use crate::kernels::recurrent::{self as kernel, RnnActivation};
use crate::{DynTensor, Element, Result, pool};

/// The sizes of one layer and direction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Geometry {
    pub mode: Mode,
    pub steps: usize,
    pub batch: usize,
    pub input: usize,
    pub hidden: usize,
    /// The size of `h`: `proj_size` when set, else `hidden`.
    pub real: usize,
    /// The backward direction: steps run from last to first.
    pub reverse: bool,
}

impl Geometry {
    /// Rows of `weight_ih`: gates times `hidden`.
    pub fn gates(&self) -> usize {
        self.mode.gates() * self.hidden
    }

    /// The steps in the order they run.
    pub fn order(&self) -> impl DoubleEndedIterator<Item = usize> + use<> {
        let (steps, reverse) = (self.steps, self.reverse);
        (0..steps).map(move |k| if reverse { steps - 1 - k } else { k })
    }

    /// The states are kept in `steps + 1` slots, laid out so that the
    /// states each step starts from are contiguous and in time order (one
    /// matrix product over all of them gives `weight_hh`'s gradient):
    /// forwards, slot 0 is `h_0` and slot `t + 1` the state after step `t`;
    /// backwards, slot `steps` is `h_0` and slot `t` the state after step `t`.
    pub fn slot_before(&self, t: usize) -> usize {
        if self.reverse { t + 1 } else { t }
    }

    /// See [`slot_before`](Self::slot_before).
    pub fn slot_after(&self, t: usize) -> usize {
        if self.reverse { t } else { t + 1 }
    }

    /// The slot of the initial state.
    pub fn slot_initial(&self) -> usize {
        if self.reverse { self.steps } else { 0 }
    }

    /// The slot of the final state.
    pub fn slot_final(&self) -> usize {
        if self.reverse { 0 } else { self.steps }
    }

    /// The first slot of the states the steps start from, in time order.
    pub fn first_before(&self) -> usize {
        usize::from(self.reverse)
    }

    /// Elements of the op's output: the outputs `[steps, batch, real]`, then
    /// `h_n` `[batch, real]`, then for an LSTM `c_n` `[batch, hidden]`.
    pub fn output_len(&self) -> usize {
        let c = if self.mode == Mode::Lstm {
            self.hidden
        } else {
            0
        };
        (self.steps + 1) * self.batch * self.real + self.batch * c
    }

    pub fn activation(&self) -> RnnActivation {
        if self.mode == Mode::RnnRelu {
            RnnActivation::Relu
        } else {
            RnnActivation::Tanh
        }
    }
}

/// Where each tensor sits among the op's inputs.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Slots {
    pub x: usize,
    pub w_ih: usize,
    pub w_hh: usize,
    pub b_ih: Option<usize>,
    pub b_hh: Option<usize>,
    pub w_hr: Option<usize>,
    pub h0: usize,
    pub c0: Option<usize>,
    pub count: usize,
}

/// What the forward keeps for the backward pass, all `[steps, batch, *]`
/// in time order unless said otherwise.
#[derive(Default)]
pub(crate) struct Kept<E> {
    /// The gate activations (LSTM `i, f, g, o`; GRU `r, z, n`; RNN `h'`).
    pub gates: Vec<E>,
    /// `h` in `steps + 1` slots ([`Geometry::slot_before`]).
    pub hs: Vec<E>,
    /// LSTM: `c` in `steps + 1` slots like `hs`.
    pub cs: Vec<E>,
    /// LSTM: `tanh(c')` of each step.
    pub tanh_c: Vec<E>,
    /// LSTM with `proj_size`: `o * tanh(c')` before the projection.
    pub pre: Vec<E>,
    /// GRU: `W_hh h + b_hh` of each step.
    pub gh: Vec<E>,
    /// Each row's sequence length (a packed batch), else empty.
    pub lengths: Vec<usize>,
}

impl<E: 'static> Kept<E> {
    /// Gives every buffer back to the pool.
    pub fn give_back(&mut self) {
        for v in [
            &mut self.gates,
            &mut self.hs,
            &mut self.cs,
            &mut self.tanh_c,
            &mut self.pre,
            &mut self.gh,
        ] {
            pool::give_back(std::mem::take(v));
        }
        pool::give_back(std::mem::take(&mut self.lengths));
    }
}

/// Marks in `active` the rows still running at step `t` (all when
/// `lengths` is empty); returns whether any row holds.
pub(crate) fn active_rows(lengths: &[usize], t: usize, active: &mut [bool]) -> bool {
    if lengths.is_empty() {
        return false;
    }
    for (a, &l) in active.iter_mut().zip(lengths) {
        *a = t < l;
    }
    active.iter().any(|a| !a)
}

/// `(slot read, slot written)` of `buf` cut in slots of `size`.
pub(crate) fn two_slots<E>(
    buf: &mut [E],
    size: usize,
    read: usize,
    write: usize,
) -> (&[E], &mut [E]) {
    if read < write {
        let (a, b) = buf.split_at_mut(write * size);
        (&a[read * size..(read + 1) * size], &mut b[..size])
    } else {
        let (a, b) = buf.split_at_mut(read * size);
        (&b[..size], &mut a[write * size..(write + 1) * size])
    }
}

/// Runs one layer and direction over `x` (`[steps * batch, input]`, time
/// major) from `h0` (`[batch, real]`) and `c0` (LSTM, `[batch, hidden]`),
/// shapes checked by the caller. With `lengths` (one per row), row `b`
/// runs only at steps `t < lengths[b]`. Returns the flat output laid out
/// as [`Geometry::output_len`] says.
pub(crate) fn run_direction<E: Element>(
    geo: Geometry,
    w: &Weights<'_, E>,
    x: &DynTensor<E>,
    h0: &DynTensor<E>,
    c0: Option<&DynTensor<E>>,
    lengths: Option<&[usize]>,
) -> Result<DynTensor<E>> {
    let Geometry {
        mode,
        steps,
        batch,
        input,
        hidden,
        real,
        ..
    } = geo;
    let (g, rows) = (geo.gates(), steps * batch);
    let (lstm, gru) = (mode == Mode::Lstm, mode == Mode::Gru);
    crate::tensor::admit::<E>("recurrent", &[geo.output_len()])?;
    let mut kept = Kept::<E> {
        lengths: lengths.map_or_else(Vec::new, pool::take_copied),
        ..Kept::default()
    };

    // The input's share of every step's gates, with the biases that add to
    // it (all of `b_hh` but a GRU's, whose `b_hn` sits inside `r * (..)`).
    kept.gates = pool::take_overwritable(rows * g);
    let bias = w.b_ih.is_some();
    if let (Some(b_ih), Some(b_hh)) = (w.b_ih, w.b_hh) {
        let (bi, bh) = (b_ih.data(), b_hh.data());
        for row in kept.gates.chunks_exact_mut(g) {
            row.copy_from_slice(&bi);
            if !gru {
                row.iter_mut().zip(bh.iter()).for_each(|(v, &b)| *v += b);
            }
        }
    }
    matmul(
        MatRef::row_major(&x.data(), rows, input),
        MatRef::row_major(&w.w_ih.data(), g, input).t(),
        MatMut::row_major(&mut kept.gates, rows, g),
        bias,
    );

    let slot = batch * real;
    kept.hs = pool::take_overwritable((steps + 1) * slot);
    kept.hs[geo.slot_initial() * slot..][..slot].copy_from_slice(&h0.data());
    let cslot = batch * hidden;
    if lstm {
        kept.cs = pool::take_overwritable((steps + 1) * cslot);
        let c0 = c0.expect("an LSTM's state always carries c").data();
        kept.cs[geo.slot_initial() * cslot..][..cslot].copy_from_slice(&c0);
        kept.tanh_c = pool::take_overwritable(rows * hidden);
        if w.w_hr.is_some() {
            kept.pre = pool::take_overwritable(rows * hidden);
        }
    }
    if gru {
        kept.gh = pool::take_overwritable(rows * g);
    }
    let mut out = pool::take_overwritable(geo.output_len());
    let mut active = pool::take_filled(batch, true);
    // `weight_hh` transposed once: gemm reads a column-major left operand
    // in place, where it would repack `weight_hh` at every step.
    let mut w_hh_t = pool::take_overwritable(real * g);
    transpose_into(&w.w_hh.data(), g, real, &mut w_hh_t);
    let w_hh = MatRef::row_major(&w_hh_t, real, g);
    let b_hh = w.b_hh.map(|b| b.data());
    let w_hr = w.w_hr.map(|p| p.data());
    for t in geo.order() {
        let (before, after) = (geo.slot_before(t), geo.slot_after(t));
        let holds = active_rows(&kept.lengths, t, &mut active);
        let mask = (!kept.lengths.is_empty()).then_some(&active[..]);
        let (h_prev, h_new) = two_slots(&mut kept.hs, slot, before, after);
        let gates = &mut kept.gates[t * batch * g..][..batch * g];
        let h_prev_mat = MatRef::row_major(h_prev, batch, real);
        match mode {
            Mode::Lstm => {
                matmul(h_prev_mat, w_hh, MatMut::row_major(gates, batch, g), true);
                let (c_prev, c_new) = two_slots(&mut kept.cs, cslot, before, after);
                let tanh_c = &mut kept.tanh_c[t * cslot..][..cslot];
                match &w_hr {
                    None => kernel::lstm_forward(hidden, mask, gates, c_prev, c_new, tanh_c, h_new),
                    Some(w_hr) => {
                        let pre = &mut kept.pre[t * cslot..][..cslot];
                        kernel::lstm_forward(hidden, mask, gates, c_prev, c_new, tanh_c, pre);
                        matmul(
                            MatRef::row_major(pre, batch, hidden),
                            MatRef::row_major(w_hr, real, hidden).t(),
                            MatMut::row_major(h_new, batch, real),
                            false,
                        );
                    }
                }
                if holds {
                    hold_rows(&active, c_prev, c_new, hidden);
                }
            }
            Mode::Gru => {
                let gh = &mut kept.gh[t * batch * g..][..batch * g];
                if let Some(b_hh) = &b_hh {
                    gh.chunks_exact_mut(g).for_each(|r| r.copy_from_slice(b_hh));
                }
                matmul(h_prev_mat, w_hh, MatMut::row_major(gh, batch, g), bias);
                kernel::gru_forward(hidden, mask, gates, gh, h_prev, h_new);
            }
            Mode::RnnTanh | Mode::RnnRelu => {
                matmul(h_prev_mat, w_hh, MatMut::row_major(gates, batch, g), true);
                kernel::rnn_forward(geo.activation(), mask, hidden, gates);
                h_new.copy_from_slice(gates);
            }
        }
        let out_t = &mut out[t * slot..][..slot];
        out_t.copy_from_slice(h_new);
        if holds {
            hold_rows(&active, h_prev, h_new, real);
            for (row, _) in out_t
                .chunks_exact_mut(real)
                .zip(&active)
                .filter(|(_, a)| !**a)
            {
                row.fill(E::zero());
            }
        }
    }
    drop((b_hh, w_hr));
    pool::give_back(w_hh_t);
    pool::give_back(active);
    let tail = &mut out[rows * real..];
    let final_h = &kept.hs[geo.slot_final() * slot..][..slot];
    tail[..slot].copy_from_slice(final_h);
    if lstm {
        tail[slot..].copy_from_slice(&kept.cs[geo.slot_final() * cslot..][..cslot]);
    }

    let mut list = InputList {
        list: [x; 8],
        count: 0,
    };
    let slots = Slots {
        x: list.push(x),
        w_ih: list.push(w.w_ih),
        w_hh: list.push(w.w_hh),
        b_ih: w.b_ih.map(|t| list.push(t)),
        b_hh: w.b_hh.map(|t| list.push(t)),
        w_hr: w.w_hr.map(|t| list.push(t)),
        h0: list.push(h0),
        c0: c0.map(|t| list.push(t)),
        count: list.count,
    };
    let mut kept = Some(kept);
    let out = DynTensor::from_op(out, [geo.output_len()], &list.list[..slots.count], || {
        FusedBackward {
            geo,
            slots,
            kept: kept.take().expect("from_op builds the rule once"),
        }
    });
    // Not recorded (no gradient needed): nothing to keep.
    if let Some(mut kept) = kept {
        kept.give_back();
    }
    Ok(out)
}

/// The op's inputs, at most eight, without a heap allocation.
struct InputList<'a, E: Element> {
    list: [&'a DynTensor<E>; 8],
    count: usize,
}

impl<'a, E: Element> InputList<'a, E> {
    fn push(&mut self, t: &'a DynTensor<E>) -> usize {
        self.list[self.count] = t;
        self.count += 1;
        self.count - 1
    }
}

/// `to = fromᵀ` for a row-major `rows x cols` `from`.
fn transpose_into<E: Copy>(from: &[E], rows: usize, cols: usize, to: &mut [E]) {
    for (r, row) in from.chunks_exact(cols).take(rows).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            to[c * rows + r] = v;
        }
    }
}

/// Copies the rows `active` does not mark from `from` to `to` (rows of
/// `size`): those sequences keep their state this step.
pub(crate) fn hold_rows<E: Copy>(active: &[bool], from: &[E], to: &mut [E], size: usize) {
    let rows = to.chunks_exact_mut(size).zip(from.chunks_exact(size));
    for ((to, from), _) in rows.zip(active).filter(|(_, a)| !**a) {
        to.copy_from_slice(from);
    }
}
