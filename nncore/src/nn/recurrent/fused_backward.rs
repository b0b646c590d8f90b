//! The backward pass of one fused layer and direction
//! ([`run_direction`](super::fused::run_direction)): backpropagation
//! through time with one matrix product per step (the gates' gradient
//! times `weight_hh` gives the previous state's), the gates' gradients of
//! every step kept, and the weights' gradients as one product each over all
//! steps at the end.

use super::fused::{Geometry, Kept, Slots, active_rows};
use super::spec::Mode;
use crate::autograd::{Backward, BackwardContext, Saved};
use crate::kernels::gemm::{MatMut, MatRef, matmul};
use crate::kernels::recurrent as kernel;
use crate::{Element, Result, pool};

/// The rule [`run_direction`](super::fused::run_direction) records.
pub(crate) struct FusedBackward<E> {
    pub geo: Geometry,
    pub slots: Slots,
    pub kept: Kept<E>,
}

impl<E: Element> Backward<E> for FusedBackward<E> {
    fn name(&self) -> &'static str {
        match self.geo.mode {
            Mode::Lstm => "LstmBackward",
            Mode::Gru => "GruBackward",
            Mode::RnnTanh => "RnnTanhBackward",
            Mode::RnnRelu => "RnnReluBackward",
        }
    }

    /// The input and the weights (the states it keeps itself), as PyTorch's
    /// fused RNN ops save them.
    fn saved(&self) -> Saved {
        let s = &self.slots;
        let saved = Saved::NOTHING
            .input(s.x)
            .input(s.w_ih)
            .input(s.w_hh)
            .buffers();
        match s.w_hr {
            Some(i) => saved.input(i),
            None => saved,
        }
    }

    fn release(&mut self) -> bool {
        self.kept.give_back();
        true
    }

    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let geo = self.geo;
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
        let (slot, cslot) = (batch * real, batch * hidden);
        let (s, k) = (&self.slots, &self.kept);
        let gru = mode == Mode::Gru;
        let grad = ctx.grad_output;
        let d_out = &grad[..rows * real];
        let mut dh = pool::take_copied(&grad[rows * real..][..slot]);
        let mut dc = if mode == Mode::Lstm {
            pool::take_copied(&grad[(rows + batch) * real..][..cslot])
        } else {
            Vec::new()
        };
        let mut dh_next = pool::take_overwritable(slot);
        // Gradients of the gates' pre-activations, input side and (GRU,
        // where `b_hn` sits inside the reset product) hidden side.
        // Rows that hold get no gate gradient: zeroed up front; without
        // holding rows the kernels write every element.
        let take = |len: usize| {
            if k.lengths.is_empty() {
                pool::take_overwritable(len)
            } else {
                pool::take_zeroed(len)
            }
        };
        let mut dgi = take(rows * g);
        let mut dgh = if gru { take(rows * g) } else { Vec::new() };
        let proj = s.w_hr.map(|i| ctx.inputs[i].data());
        let (mut dpre, mut dh_all) = match proj {
            Some(_) => (pool::take_overwritable(cslot), take(rows * real)),
            None => (Vec::new(), Vec::new()),
        };
        let mut active = pool::take_filled(batch, true);
        let w_hh = ctx.inputs[s.w_hh].data();
        let w_hh_mat = MatRef::row_major(&w_hh, g, real);
        for t in geo.order().rev() {
            active_rows(&k.lengths, t, &mut active);
            let mask = (!k.lengths.is_empty()).then_some(&active[..]);
            let d_out_t = &d_out[t * slot..][..slot];
            let rows_out = d_out_t.chunks_exact(real).zip(&active);
            for (dh, (d, &a)) in dh.chunks_exact_mut(real).zip(rows_out) {
                if a {
                    dh.iter_mut().zip(d).for_each(|(v, &d)| *v += d);
                }
            }
            // Rows that hold pass their gradient on unchanged.
            dh_next.copy_from_slice(&dh);
            let before = geo.slot_before(t) * slot;
            let h_prev = &k.hs[before..][..slot];
            let dgi_t = &mut dgi[t * batch * g..][..batch * g];
            let gates = &k.gates[t * batch * g..][..batch * g];
            let hidden_side = match mode {
                Mode::Lstm => {
                    let dh_cell = match &proj {
                        None => &dh[..],
                        Some(w_hr) => {
                            for ((to, from), a) in dh_all[t * slot..][..slot]
                                .chunks_exact_mut(real)
                                .zip(dh.chunks_exact(real))
                                .zip(&active)
                            {
                                if *a {
                                    to.copy_from_slice(from);
                                }
                            }
                            matmul(
                                MatRef::row_major(&dh, batch, real),
                                MatRef::row_major(w_hr, real, hidden),
                                MatMut::row_major(&mut dpre, batch, hidden),
                                false,
                            );
                            &dpre[..]
                        }
                    };
                    let c_prev = &k.cs[geo.slot_before(t) * cslot..][..cslot];
                    let tanh_c = &k.tanh_c[t * cslot..][..cslot];
                    kernel::lstm_backward(
                        hidden, mask, gates, c_prev, tanh_c, dh_cell, &mut dc, dgi_t,
                    );
                    zero_active(&mut dh_next, &active, real);
                    &*dgi_t
                }
                Mode::Gru => {
                    let dgh_t = &mut dgh[t * batch * g..][..batch * g];
                    let gh = &k.gh[t * batch * g..][..batch * g];
                    kernel::gru_backward(
                        hidden,
                        mask,
                        gates,
                        gh,
                        h_prev,
                        &dh,
                        dgi_t,
                        dgh_t,
                        &mut dh_next,
                    );
                    &*dgh_t
                }
                Mode::RnnTanh | Mode::RnnRelu => {
                    kernel::rnn_backward(geo.activation(), mask, hidden, gates, &dh, dgi_t);
                    zero_active(&mut dh_next, &active, real);
                    &*dgi_t
                }
            };
            // The last step's product only serves h_0's gradient.
            let last = t == geo.order().next().unwrap_or(t);
            if last && !ctx.needs[s.h0] {
                std::mem::swap(&mut dh, &mut dh_next);
                continue;
            }
            matmul(
                MatRef::row_major(hidden_side, batch, g),
                w_hh_mat,
                MatMut::row_major(&mut dh_next, batch, real),
                true,
            );
            std::mem::swap(&mut dh, &mut dh_next);
        }
        pool::give_back(active);
        pool::give_back(dh_next);
        pool::give_back(dpre);

        let needs = |i: usize| ctx.needs[i];
        let dgh_all: &[E] = if gru { &dgh } else { &dgi };
        let dgi_mat = MatRef::row_major(&dgi, rows, g);
        let mut grads: [Option<Vec<E>>; 8] = Default::default();
        if needs(s.x) {
            let mut dx = pool::take_overwritable(rows * input);
            let w_ih = ctx.inputs[s.w_ih].data();
            matmul(
                dgi_mat,
                MatRef::row_major(&w_ih, g, input),
                MatMut::row_major(&mut dx, rows, input),
                false,
            );
            grads[s.x] = Some(dx);
        }
        if needs(s.w_ih) {
            let mut dw = pool::take_overwritable(g * input);
            let x = ctx.inputs[s.x].data();
            matmul(
                dgi_mat.t(),
                MatRef::row_major(&x, rows, input),
                MatMut::row_major(&mut dw, g, input),
                false,
            );
            grads[s.w_ih] = Some(dw);
        }
        if needs(s.w_hh) {
            let mut dw = pool::take_overwritable(g * real);
            matmul(
                MatRef::row_major(dgh_all, rows, g).t(),
                MatRef::row_major(&k.hs[geo.first_before() * slot..], rows, real),
                MatMut::row_major(&mut dw, g, real),
                false,
            );
            grads[s.w_hh] = Some(dw);
        }
        for (index, d) in [(s.b_ih, &dgi[..]), (s.b_hh, dgh_all)] {
            if let Some(i) = index.filter(|&i| needs(i)) {
                let mut db = pool::take_zeroed(g);
                for row in d.chunks_exact(g) {
                    db.iter_mut().zip(row).for_each(|(b, &v)| *b += v);
                }
                grads[i] = Some(db);
            }
        }
        if let (Some(i), Some(_)) = (s.w_hr, &proj)
            && needs(i)
        {
            let mut dw = pool::take_overwritable(real * hidden);
            matmul(
                MatRef::row_major(&dh_all, rows, real).t(),
                MatRef::row_major(&k.pre, rows, hidden),
                MatMut::row_major(&mut dw, real, hidden),
                false,
            );
            grads[i] = Some(dw);
        }
        drop(proj);
        pool::give_back(dh_all);
        pool::give_back(dgi);
        pool::give_back(dgh);
        for (index, d) in [(Some(s.h0), dh), (s.c0, dc)] {
            match index.filter(|&i| needs(i)) {
                Some(i) => grads[i] = Some(d),
                None => pool::give_back(d),
            }
        }
        Ok(pool::take_collected(grads.into_iter().take(s.count)))
    }
}

/// Zeroes the rows `active` marks (rows of `size`).
fn zero_active<E: Element>(v: &mut [E], active: &[bool], size: usize) {
    for (row, _) in v.chunks_exact_mut(size).zip(active).filter(|(_, a)| **a) {
        row.fill(E::zero());
    }
}
