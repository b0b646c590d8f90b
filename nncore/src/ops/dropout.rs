//! Dropout, like `F.dropout` and `F.dropout2d`: in training mode each
//! element (or each channel) is zeroed with probability `p` and the rest
//! scaled by `1 / (1 - p)`; otherwise the identity. Draws come from Kiln's
//! seeded generator ([`manual_seed`](crate::manual_seed)).

use crate::autograd::{Backward, BackwardContext, Saved, input_grads};
use crate::{DynTensor, Element, Error, Result, pool, rng};
use rand::Rng;

struct DropoutBackward<E> {
    /// Per element: 0 or 1/(1-p).
    mask: Vec<E>,
    /// Elements per mask entry (1 for dropout, H·W for dropout2d).
    plane: usize,
    name: &'static str,
}

impl<E: Element> Backward<E> for DropoutBackward<E> {
    fn name(&self) -> &'static str {
        self.name
    }
    /// The mask.
    fn saved(&self) -> Saved {
        Saved::NOTHING.buffers()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let mut gx = pool::take_overwritable(ctx.grad_output.len());
        apply_mask(ctx.grad_output, &self.mask, self.plane, &mut gx);
        Ok(input_grads([Some(gx)]))
    }

    fn release(&mut self) -> bool {
        pool::give_back(std::mem::take(&mut self.mask));
        true
    }
}

/// `out = x · mask`, a mask entry covering `plane` consecutive elements.
fn apply_mask<E: Element>(x: &[E], mask: &[E], plane: usize, out: &mut [E]) {
    if plane == 1 {
        for ((o, &v), &m) in out.iter_mut().zip(x).zip(mask) {
            *o = v * m;
        }
    } else {
        for ((o, v), &m) in out
            .chunks_exact_mut(plane)
            .zip(x.chunks_exact(plane))
            .zip(mask)
        {
            for (o, &v) in o.iter_mut().zip(v) {
                *o = v * m;
            }
        }
    }
}

fn check_p(op: &'static str, p: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::option(
            op,
            "p",
            format!(
                "dropout probability has to be between 0 and 1, but got {}",
                crate::py_float(p)
            ),
        ));
    }
    Ok(())
}

/// `len` draws of dropout's mask from Kiln's generator: 0 with
/// probability `p`, else `1 / (1 - p)` (0 when `p` is 1), in a pool buffer.
pub(crate) fn dropout_mask<E: Element>(len: usize, p: f64) -> Vec<E> {
    let scale = if p < 1.0 {
        E::of(1.0 / (1.0 - p))
    } else {
        E::zero()
    };
    // `r.random::<f64>() < p` without the float and without a branch: rand
    // draws that float as `(x >> 11) · 2⁻⁵³` from a `u64` x, which is below
    // `p` exactly when `x >> 11 < ⌈p · 2⁵³⌉` (`p · 2⁵³` is exact). The same
    // draws and the same mask as the float comparison, at a fraction of the
    // time (dropout draws one per element of every activation it drops).
    let below = (p * (1u64 << 53) as f64).ceil() as u64;
    let values = [scale, E::zero()];
    let mut mask = pool::take_overwritable(len);
    rng::with_rng(|r| {
        for m in mask.iter_mut() {
            *m = values[usize::from((r.random::<u64>() >> 11) < below)];
        }
    });
    mask
}

#[nnmacro::__compiled_once]
fn masked<E: Element>(x: &DynTensor<E>, p: f64, plane: usize, name: &'static str) -> DynTensor<E> {
    let plane = plane.max(1);
    let mask = dropout_mask(x.numel() / plane, p);
    let mut y = pool::take_overwritable(x.numel());
    apply_mask(&x.data(), &mask, plane, &mut y);
    DynTensor::from_op(y, x.shape(), &[x], || DropoutBackward { mask, plane, name })
}

/// Zeroes each element with probability `p` in training mode, scaling the
/// others by `1 / (1 - p)`, like `F.dropout(input, p, training)`; returns
/// the input itself when not training or `p == 0`.
///
/// ```
/// use nncore::{ops::dropout, DynTensor};
/// nncore::manual_seed(0);
/// let x = DynTensor::<f32>::ones(&[1000]).unwrap();
/// let y = dropout(&x, 0.5, true).unwrap();
/// assert!(y.to_vec().iter().all(|&v| v == 0.0 || v == 2.0));
/// assert_eq!(dropout(&x, 0.5, false).unwrap().to_vec(), x.to_vec());
/// ```
pub fn dropout<E: Element>(input: &DynTensor<E>, p: f64, training: bool) -> Result<DynTensor<E>> {
    check_p("Dropout", p)?;
    if !training || p == 0.0 {
        return Ok(input.clone());
    }
    Ok(masked(input, p, 1, "NativeDropoutBackward"))
}

/// Zeroes whole channels of `(N, C, H, W)` with probability `p` in
/// training mode, like `F.dropout2d`. A 3-D input is read as PyTorch 2
/// reads it, `(N, C, L)`: each of the `N·C` rows is kept or zeroed whole.
///
/// ```
/// use nncore::{ops::dropout2d, DynTensor};
/// let x = DynTensor::<f32>::ones(&[2, 8, 3, 3]).unwrap();
/// let y = dropout2d(&x, 0.5, true).unwrap().to_vec();
/// // Every 3x3 plane is all zeros or all twos.
/// assert!(y.chunks(9).all(|p| p.iter().all(|&v| v == p[0])));
/// ```
pub fn dropout2d<E: Element>(input: &DynTensor<E>, p: f64, training: bool) -> Result<DynTensor<E>> {
    check_p("Dropout2d", p)?;
    let r = input.rank();
    if r != 3 && r != 4 {
        return Err(Error::shape(
            "Dropout2d",
            "a 3-D (batch, channels, length) or 4-D (batch, channels, height, width) input",
            format!("a {r}-D tensor {:?}", input.shape()),
        ));
    }
    if !training || p == 0.0 {
        return Ok(input.clone());
    }
    // A 3-D input is (N, C, L), as PyTorch reads it since 1.12 (with a
    // warning that this may change): channels of length L, not one image.
    let plane = match r {
        3 => input.shape()[2],
        _ => input.shape()[2] * input.shape()[3],
    };
    Ok(masked(input, p, plane, "MulBackward"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults. The mask is drawn per call,
    // so every call draws from its own fork seeded alike: the same mask,
    // whatever other tests draw from the global generator meanwhile.
    #[test]
    fn gradcheck_dropout_with_a_fixed_mask() {
        let x = rand64(&[3, 4, 2, 2], 1).requires_grad_(true);
        gradcheck(
            |t| crate::fork_rng(5, || dropout(&t[0], 0.3, true)),
            std::slice::from_ref(&x),
            GradcheckOptions::default(),
        )
        .unwrap();
        gradcheck(
            |t| crate::fork_rng(5, || dropout2d(&t[0], 0.3, true)),
            &[x],
            GradcheckOptions::default(),
        )
        .unwrap();
    }

    #[test]
    fn statistics_and_edges() {
        let x = DynTensor::<f64>::ones(&[20000]).unwrap();
        let y = crate::fork_rng(1, || dropout(&x, 0.25, true).unwrap().to_vec());
        let kept = y.iter().filter(|&&v| v != 0.0).count() as f64 / 20000.0;
        assert!((kept - 0.75).abs() < 0.02, "{kept}");
        assert!(
            y.iter()
                .all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-12)
        );
        assert_eq!(dropout(&x, 1.0, true).unwrap().to_vec(), vec![0.0; 20000]);
        assert_eq!(
            dropout(&x, 1.5, true).unwrap_err().to_string(),
            "Dropout: invalid p: dropout probability has to be between 0 and 1, but got 1.5"
        );
        let seeded = || crate::fork_rng(3, || dropout(&x, 0.5, true).unwrap().to_vec());
        assert_eq!(seeded(), seeded(), "seeded");
    }
}
