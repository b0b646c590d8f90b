//! CTC's forward–backward recursion in log space over the blank-extended
//! target: each sample's negative log-likelihood and its derivative with
//! respect to the log-probabilities.

use super::ctc_input::CtcInput;
use crate::Element;

/// Each sample's negative log-likelihood (0 for an impossible alignment
/// with `zero_infinity`) and its derivative with respect to `log_probs`,
/// laid out as `log_probs` (`[T, N, C]`; zero where a sample adds nothing).
#[nnmacro::__compiled_once]
pub(super) fn nll_and_jacobian<E: Element>(
    log_probs: &[E],
    input: &CtcInput,
    blank: usize,
    zero_infinity: bool,
) -> (Vec<f64>, Vec<f64>) {
    let (batch, classes) = (input.batch, input.classes);
    let at = |t: usize, n: usize, c: usize| (t * batch + n) * classes + c;
    let mut jacobian = vec![0.0; log_probs.len()];
    let mut losses = Vec::with_capacity(batch);
    for n in 0..batch {
        let steps = input.input_lengths[n];
        let mut local = vec![0.0; steps * classes];
        let nll = sample(
            |t, c| log_probs[at(t, n, c)].as_f64(),
            steps,
            &input.targets[n],
            blank,
            |t, c, d| local[t * classes + c] = d,
            classes,
        );
        if nll.is_infinite() && zero_infinity {
            losses.push(0.0);
            continue;
        }
        for t in 0..steps {
            for c in 0..classes {
                jacobian[at(t, n, c)] = local[t * classes + c];
            }
        }
        losses.push(nll);
    }
    (losses, jacobian)
}

fn lse(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY {
        m
    } else {
        m + ((a - m).exp() + (b - m).exp()).ln()
    }
}

/// One sample's negative log-likelihood and its derivative with respect to
/// `lp[t][c]` (written to `grad(t, c)`), for `t < input_length`.
fn sample(
    lp: impl Fn(usize, usize) -> f64,
    steps: usize,
    target: &[usize],
    blank: usize,
    mut grad: impl FnMut(usize, usize, f64),
    classes: usize,
) -> f64 {
    let s_len = 2 * target.len() + 1;
    let label = |s: usize| {
        if s.is_multiple_of(2) {
            blank
        } else {
            target[s / 2]
        }
    };
    if steps == 0 {
        return if target.is_empty() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let skip = |s: usize| s >= 2 && label(s) != blank && label(s) != label(s - 2);
    let ninf = f64::NEG_INFINITY;
    let mut alpha = vec![ninf; steps * s_len];
    alpha[0] = lp(0, blank);
    if s_len > 1 {
        alpha[1] = lp(0, label(1));
    }
    for t in 1..steps {
        for s in 0..s_len {
            let prev = &alpha[(t - 1) * s_len..t * s_len];
            let mut a = prev[s];
            if s >= 1 {
                a = lse(a, prev[s - 1]);
            }
            if skip(s) {
                a = lse(a, prev[s - 2]);
            }
            alpha[t * s_len + s] = a + lp(t, label(s));
        }
    }
    let last = &alpha[(steps - 1) * s_len..];
    let ll = if s_len > 1 {
        lse(last[s_len - 1], last[s_len - 2])
    } else {
        last[0]
    };
    if ll == ninf {
        return f64::INFINITY;
    }
    let mut beta = vec![ninf; steps * s_len];
    beta[(steps - 1) * s_len + s_len - 1] = lp(steps - 1, blank);
    if s_len > 1 {
        beta[(steps - 1) * s_len + s_len - 2] = lp(steps - 1, label(s_len - 2));
    }
    for t in (0..steps - 1).rev() {
        for s in 0..s_len {
            let next = &beta[(t + 1) * s_len..(t + 2) * s_len];
            let mut b = next[s];
            if s + 1 < s_len {
                b = lse(b, next[s + 1]);
            }
            if s + 2 < s_len && skip(s + 2) {
                b = lse(b, next[s + 2]);
            }
            beta[t * s_len + s] = b + lp(t, label(s));
        }
    }
    let mut lcab = vec![ninf; classes];
    for t in 0..steps {
        lcab.iter_mut().for_each(|v| *v = ninf);
        for s in 0..s_len {
            let c = label(s);
            lcab[c] = lse(lcab[c], alpha[t * s_len + s] + beta[t * s_len + s]);
        }
        for (c, &l) in lcab.iter().enumerate() {
            if l > ninf {
                grad(t, c, -(l - ll - lp(t, c)).exp());
            }
        }
    }
    -ll
}
