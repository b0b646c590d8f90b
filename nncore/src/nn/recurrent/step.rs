//! One time step of each recurrence, composed of autograd ops so that the
//! backward pass is the graph's: what the cells run (the layers run whole
//! sequences as one op, `fused.rs`). The input's share of the gates
//! (`W_ih x + b_ih`) comes in precomputed; the step adds the hidden
//! state's share, one product.

use super::spec::Mode;
use crate::ops::linear;
use crate::{DynTensor, Element, Result};

/// The weights of one layer and direction (or of a cell), PyTorch's names.
#[derive(Clone, Copy)]
pub(crate) struct Weights<'a, E: Element> {
    /// `weight_ih`: `[gates * hidden, input]`.
    pub w_ih: &'a DynTensor<E>,
    /// `weight_hh`: `[gates * hidden, real_hidden]`.
    pub w_hh: &'a DynTensor<E>,
    /// `bias_ih`: `[gates * hidden]`.
    pub b_ih: Option<&'a DynTensor<E>>,
    /// `bias_hh`: `[gates * hidden]`.
    pub b_hh: Option<&'a DynTensor<E>>,
    /// `weight_hr` (LSTM with `proj_size`): `[proj, hidden]`.
    pub w_hr: Option<&'a DynTensor<E>>,
}

impl<E: Element> Weights<'_, E> {
    /// `W_ih x + b_ih` for every row of `x` (`[rows, input]`).
    pub fn project_input(&self, x: &DynTensor<E>) -> Result<DynTensor<E>> {
        linear(x, self.w_ih, self.b_ih)
    }
}

/// The state a step carries: `h` (`[batch, real_hidden]`) and, for an LSTM,
/// `c` (`[batch, hidden]`).
#[derive(Clone)]
pub(crate) struct State<E: Element> {
    pub h: DynTensor<E>,
    pub c: Option<DynTensor<E>>,
}

/// One step: `gi` is `W_ih x_t + b_ih` (`[batch, gates * hidden]`).
pub(crate) fn step<E: Element>(
    mode: Mode,
    hidden: usize,
    w: &Weights<'_, E>,
    gi: &DynTensor<E>,
    state: &State<E>,
) -> Result<State<E>> {
    let gh = linear(&state.h, w.w_hh, w.b_hh)?;
    let gate = |t: &DynTensor<E>, k: usize| t.narrow(1, k * hidden, hidden);
    Ok(match mode {
        Mode::RnnTanh => State {
            h: gi.add(&gh)?.tanh(),
            c: None,
        },
        Mode::RnnRelu => State {
            h: gi.add(&gh)?.relu(),
            c: None,
        },
        Mode::Lstm => {
            let g = gi.add(&gh)?;
            let i = gate(&g, 0)?.sigmoid();
            let f = gate(&g, 1)?.sigmoid();
            let cand = gate(&g, 2)?.tanh();
            let o = gate(&g, 3)?.sigmoid();
            let c_prev = state.c.as_ref().expect("an LSTM's state always carries c");
            let c = f.mul(c_prev)?.add(&i.mul(&cand)?)?;
            let mut h = o.mul(&c.tanh())?;
            if let Some(w_hr) = w.w_hr {
                h = linear(&h, w_hr, None)?;
            }
            State { h, c: Some(c) }
        }
        Mode::Gru => {
            let r = gate(gi, 0)?.add(&gate(&gh, 0)?)?.sigmoid();
            let z = gate(gi, 1)?.add(&gate(&gh, 1)?)?.sigmoid();
            let n = gate(gi, 2)?.add(&r.mul(&gate(&gh, 2)?)?)?.tanh();
            // (1 - z) * n + z * h = n + z * (h - n)
            let h = n.add(&z.mul(&state.h.sub(&n)?)?)?;
            State { h, c: None }
        }
    })
}
