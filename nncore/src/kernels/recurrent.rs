//! The elementwise part of one recurrent time step, fused: every gate's
//! activation, the new state and what the backward pass needs, in one pass
//! over a `[batch, gates * hidden]` row block (the matrix products around
//! it are the caller's, through [`gemm`](super::gemm)). Formulas are
//! PyTorch's (`aten/src/ATen/native/RNN.cpp`): LSTM gates `i, f, g, o`;
//! GRU gates `r, z, n` with `n = tanh(x_n + r * (W_hn h + b_hn))`.
//!
//! Each function runs over the rows `active` marks (all rows when `None`)
//! and leaves the other rows untouched: a packed batch's sequences that
//! have ended (or, backwards, not begun) hold their state, which the caller
//! copies. The loops are plain Rust over one row's gate slices, compiled
//! per instruction set by [`simd::dispatch`](super::simd::dispatch); the
//! activations are [`Element::fast_sigmoid`] / [`Element::fast_tanh`],
//! which vectorise.

use super::simd;
use crate::Element;

/// Which nonlinearity an `RNN` applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RnnActivation {
    /// `tanh` (PyTorch's default).
    Tanh,
    /// `relu` (gradient 0 at 0).
    Relu,
}

/// Runs `body(row)` for each active row of `batch`.
#[inline(always)]
fn each_row(batch: usize, active: Option<&[bool]>, mut body: impl FnMut(usize)) {
    for b in 0..batch {
        if active.is_none_or(|a| a[b]) {
            body(b);
        }
    }
}

/// One LSTM step. `gates` (`[batch, 4 * hidden]`) holds the pre-activations
/// `W_ih x + b_ih + W_hh h + b_hh` and is **overwritten** with the
/// activations `i, f, g, o`; `c` and `tanh_c` (`[batch, hidden]`) are
/// **overwritten** with `c' = f * c_prev + i * g` and `tanh(c')`, `h` with
/// `o * tanh(c')`.
///
/// # Panics
/// If a slice is shorter than its shape.
pub fn lstm_forward<E: Element>(
    hidden: usize,
    active: Option<&[bool]>,
    gates: &mut [E],
    c_prev: &[E],
    c: &mut [E],
    tanh_c: &mut [E],
    h: &mut [E],
) {
    let batch = c_prev.len() / hidden.max(1);
    simd::dispatch(
        #[inline(always)]
        || {
            each_row(
                batch,
                active,
                #[inline(always)]
                |b| {
                    let row = &mut gates[b * 4 * hidden..(b + 1) * 4 * hidden];
                    let (gi, rest) = row.split_at_mut(hidden);
                    let (gf, rest) = rest.split_at_mut(hidden);
                    let (gg, go) = rest.split_at_mut(hidden);
                    let span = b * hidden..(b + 1) * hidden;
                    let cp = &c_prev[span.clone()];
                    let c = &mut c[span.clone()];
                    let tc = &mut tanh_c[span.clone()];
                    let h = &mut h[span];
                    for j in 0..hidden {
                        let i = gi[j].fast_sigmoid();
                        let f = gf[j].fast_sigmoid();
                        let g = gg[j].fast_tanh();
                        let o = go[j].fast_sigmoid();
                        let cn = f * cp[j] + i * g;
                        let t = cn.fast_tanh();
                        (gi[j], gf[j], gg[j], go[j]) = (i, f, g, o);
                        (c[j], tc[j], h[j]) = (cn, t, o * t);
                    }
                },
            );
        },
    );
}

/// The backward of [`lstm_forward`]. `dh` is the gradient of `o * tanh(c')`
/// and `dc` that of `c'` on entry; `dc` is **overwritten** with the
/// gradient of `c_prev`, and `dgates` (`[batch, 4 * hidden]`) with the
/// gradient of the pre-activations.
///
/// # Panics
/// If a slice is shorter than its shape.
#[allow(clippy::too_many_arguments)]
pub fn lstm_backward<E: Element>(
    hidden: usize,
    active: Option<&[bool]>,
    gates: &[E],
    c_prev: &[E],
    tanh_c: &[E],
    dh: &[E],
    dc: &mut [E],
    dgates: &mut [E],
) {
    let batch = c_prev.len() / hidden.max(1);
    let one = E::one();
    simd::dispatch(
        #[inline(always)]
        || {
            each_row(
                batch,
                active,
                #[inline(always)]
                |b| {
                    let row = &gates[b * 4 * hidden..(b + 1) * 4 * hidden];
                    let (gi, rest) = row.split_at(hidden);
                    let (gf, rest) = rest.split_at(hidden);
                    let (gg, go) = rest.split_at(hidden);
                    let drow = &mut dgates[b * 4 * hidden..(b + 1) * 4 * hidden];
                    let (di, rest) = drow.split_at_mut(hidden);
                    let (df, rest) = rest.split_at_mut(hidden);
                    let (dg, d_o) = rest.split_at_mut(hidden);
                    let span = b * hidden..(b + 1) * hidden;
                    let cp = &c_prev[span.clone()];
                    let tc = &tanh_c[span.clone()];
                    let dh = &dh[span.clone()];
                    let dc = &mut dc[span];
                    for j in 0..hidden {
                        let (i, f, g, o, t) = (gi[j], gf[j], gg[j], go[j], tc[j]);
                        let dct = dc[j] + dh[j] * o * (one - t * t);
                        di[j] = dct * g * i * (one - i);
                        df[j] = dct * cp[j] * f * (one - f);
                        dg[j] = dct * i * (one - g * g);
                        d_o[j] = dh[j] * t * o * (one - o);
                        dc[j] = dct * f;
                    }
                },
            );
        },
    );
}

/// One GRU step. `gi` (`[batch, 3 * hidden]`) holds `W_ih x + b_ih` and
/// `gh` holds `W_hh h + b_hh`; `gi` is **overwritten** with the activations
/// `r, z, n` and `gh`'s third block keeps `W_hn h + b_hn` (the backward pass
/// reads it). `h` is **overwritten** with `h' = (1 - z) * n + z * h_prev`.
///
/// # Panics
/// If a slice is shorter than its shape.
pub fn gru_forward<E: Element>(
    hidden: usize,
    active: Option<&[bool]>,
    gi: &mut [E],
    gh: &[E],
    h_prev: &[E],
    h: &mut [E],
) {
    let batch = h_prev.len() / hidden.max(1);
    simd::dispatch(
        #[inline(always)]
        || {
            each_row(
                batch,
                active,
                #[inline(always)]
                |b| {
                    let row = &mut gi[b * 3 * hidden..(b + 1) * 3 * hidden];
                    let (xr, rest) = row.split_at_mut(hidden);
                    let (xz, xn) = rest.split_at_mut(hidden);
                    let hrow = &gh[b * 3 * hidden..(b + 1) * 3 * hidden];
                    let (hr, rest) = hrow.split_at(hidden);
                    let (hz, hn) = rest.split_at(hidden);
                    let span = b * hidden..(b + 1) * hidden;
                    let hp = &h_prev[span.clone()];
                    let h = &mut h[span];
                    for j in 0..hidden {
                        let r = (xr[j] + hr[j]).fast_sigmoid();
                        let z = (xz[j] + hz[j]).fast_sigmoid();
                        let n = (xn[j] + r * hn[j]).fast_tanh();
                        (xr[j], xz[j], xn[j]) = (r, z, n);
                        h[j] = n + z * (hp[j] - n);
                    }
                },
            );
        },
    );
}

/// The backward of [`gru_forward`]. `gates` holds `r, z, n`, `gh`'s third
/// block `W_hn h + b_hn`; `dh` is the gradient of `h'`. **Overwrites**
/// `dgi` and `dgh` (`[batch, 3 * hidden]`, the gradients of `gi` and `gh`)
/// and `dh_prev` with the part of `h_prev`'s gradient that does not go
/// through `W_hh` (`dh * z`).
///
/// # Panics
/// If a slice is shorter than its shape.
#[allow(clippy::too_many_arguments)]
pub fn gru_backward<E: Element>(
    hidden: usize,
    active: Option<&[bool]>,
    gates: &[E],
    gh: &[E],
    h_prev: &[E],
    dh: &[E],
    dgi: &mut [E],
    dgh: &mut [E],
    dh_prev: &mut [E],
) {
    let batch = h_prev.len() / hidden.max(1);
    let one = E::one();
    simd::dispatch(
        #[inline(always)]
        || {
            each_row(
                batch,
                active,
                #[inline(always)]
                |b| {
                    let block = b * 3 * hidden..(b + 1) * 3 * hidden;
                    let (r, rest) = gates[block.clone()].split_at(hidden);
                    let (z, n) = rest.split_at(hidden);
                    let hn = &gh[block.clone()][2 * hidden..];
                    let (dr, rest) = dgi[block.clone()].split_at_mut(hidden);
                    let (dz, dn) = rest.split_at_mut(hidden);
                    let (dhr, rest) = dgh[block].split_at_mut(hidden);
                    let (dhz, dhn) = rest.split_at_mut(hidden);
                    let span = b * hidden..(b + 1) * hidden;
                    let hp = &h_prev[span.clone()];
                    let dh = &dh[span.clone()];
                    let dhp = &mut dh_prev[span];
                    for j in 0..hidden {
                        let (r, z, n, g) = (r[j], z[j], n[j], dh[j]);
                        let dnn = g * (one - z) * (one - n * n);
                        let drr = dnn * hn[j] * r * (one - r);
                        let dzz = g * (hp[j] - n) * z * (one - z);
                        (dr[j], dz[j], dn[j]) = (drr, dzz, dnn);
                        (dhr[j], dhz[j], dhn[j]) = (drr, dzz, dnn * r);
                        dhp[j] = g * z;
                    }
                },
            );
        },
    );
}

/// One `RNN` step: `gates` (`[batch, hidden]`) holds the pre-activations
/// and is **overwritten** with `h' = act(gates)`.
pub fn rnn_forward<E: Element>(
    act: RnnActivation,
    active: Option<&[bool]>,
    hidden: usize,
    gates: &mut [E],
) {
    let batch = gates.len() / hidden.max(1);
    simd::dispatch(
        #[inline(always)]
        || {
            each_row(
                batch,
                active,
                #[inline(always)]
                |b| {
                    let row = &mut gates[b * hidden..(b + 1) * hidden];
                    match act {
                        RnnActivation::Tanh => row.iter_mut().for_each(|v| *v = v.fast_tanh()),
                        // `max` would turn NaN into 0; PyTorch's relu keeps it.
                        RnnActivation::Relu => row
                            .iter_mut()
                            .for_each(|v| *v = if *v < E::zero() { E::zero() } else { *v }),
                    }
                },
            );
        },
    );
}

/// The backward of [`rnn_forward`]: `h` is its output, `dh` the gradient
/// of `h'`; **overwrites** `dgates` with the pre-activations' gradient.
pub fn rnn_backward<E: Element>(
    act: RnnActivation,
    active: Option<&[bool]>,
    hidden: usize,
    h: &[E],
    dh: &[E],
    dgates: &mut [E],
) {
    let batch = h.len() / hidden.max(1);
    simd::dispatch(
        #[inline(always)]
        || {
            each_row(
                batch,
                active,
                #[inline(always)]
                |b| {
                    let span = b * hidden..(b + 1) * hidden;
                    let (h, dh, d) = (&h[span.clone()], &dh[span.clone()], &mut dgates[span]);
                    for j in 0..hidden {
                        d[j] = match act {
                            RnnActivation::Tanh => dh[j] * (E::one() - h[j] * h[j]),
                            RnnActivation::Relu => {
                                if h[j] > E::zero() {
                                    dh[j]
                                } else {
                                    E::zero()
                                }
                            }
                        };
                    }
                },
            );
        },
    );
}
