//! The quasi-Newton part of L-BFGS: the curvature pairs it remembers and
//! the search direction they give (Nocedal & Wright, algorithm 7.4), on
//! [`LbfgsState`] whose fields keep PyTorch's state names (`old_dirs` are
//! the gradient changes `y`, `old_stps` the steps `s`, `ro` their `1 / y·s`,
//! `h_diag` the initial inverse-Hessian scale).

use super::lbfgs::LbfgsState;
use crate::{Error, Result};

/// `a · b`.
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The largest magnitude, `max |a_i|` (0 for an empty slice).
pub(super) fn abs_max(a: &[f64]) -> f64 {
    a.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// `-a`: steepest descent along a gradient.
pub(super) fn negated(a: &[f64]) -> Vec<f64> {
    a.iter().map(|x| -x).collect()
}

impl LbfgsState {
    /// Forgets the curvature history, as at the first iteration.
    pub(super) fn restart(&mut self) {
        self.old_dirs.clear();
        self.old_stps.clear();
        self.ro.clear();
        self.h_diag = 1.0;
    }

    /// Stores the pair of the last iteration — the step taken
    /// (`last_direction * last_step_size`) and the gradient's change —
    /// when it has positive curvature (`y·s > 1e-10`), dropping the oldest
    /// beyond `history_size`, and rescales the initial inverse Hessian to
    /// `y·s / y·y`.
    pub(super) fn remember_curvature(
        &mut self,
        history_size: usize,
        grad: &[f64],
        last_direction: &[f64],
        last_step_size: f64,
    ) -> Result<()> {
        let last_grad = self.prev_flat_grad.as_deref().unwrap_or(&[]);
        let grad_change: Vec<f64> = grad.iter().zip(last_grad).map(|(a, b)| a - b).collect();
        let step: Vec<f64> = last_direction.iter().map(|x| x * last_step_size).collect();
        let curvature = dot(&grad_change, &step);
        if curvature <= 1e-10 {
            return Ok(());
        }
        if history_size == 0 {
            // PyTorch: IndexError, pop from empty list.
            return Err(Error::option(
                "LBFGS",
                "history_size",
                "history_size must be at least 1 to store an update",
            ));
        }
        if self.old_dirs.len() == history_size {
            self.old_dirs.remove(0);
            self.old_stps.remove(0);
            self.ro.remove(0);
        }
        self.h_diag = curvature / dot(&grad_change, &grad_change);
        self.old_dirs.push(grad_change);
        self.old_stps.push(step);
        self.ro.push(1.0 / curvature);
        Ok(())
    }

    /// The search direction `-H grad`, with `H` the inverse Hessian the
    /// stored pairs describe, by the two-loop recursion: newest to oldest
    /// pair removing each one's component from the gradient, scaling by
    /// `h_diag`, then oldest to newest adding the corrections back.
    pub(super) fn two_loop_direction(&self, grad: &[f64]) -> Vec<f64> {
        let pairs = self.old_dirs.len();
        let mut alphas = vec![0.0; pairs];
        let mut q = negated(grad);
        for i in (0..pairs).rev() {
            alphas[i] = dot(&self.old_stps[i], &q) * self.ro[i];
            for (qj, grad_change) in q.iter_mut().zip(&self.old_dirs[i]) {
                *qj -= alphas[i] * grad_change;
            }
        }
        let mut direction: Vec<f64> = q.iter().map(|x| x * self.h_diag).collect();
        for (i, alpha) in alphas.iter().enumerate() {
            let beta = dot(&self.old_dirs[i], &direction) * self.ro[i];
            for (dj, step) in direction.iter_mut().zip(&self.old_stps[i]) {
                *dj += (alpha - beta) * step;
            }
        }
        direction
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pair_gives_the_secant_direction() {
        // f = x² (Hessian 2): one step s = 1 changes the gradient by y = 2,
        // so H = s·y / y·y = 1/2 and the direction at gradient 4 is -2.
        let mut state = LbfgsState {
            prev_flat_grad: Some(vec![2.0]),
            ..Default::default()
        };
        state.restart();
        state.remember_curvature(10, &[4.0], &[1.0], 1.0).unwrap();
        assert_eq!((state.h_diag, state.ro.clone()), (0.5, vec![0.5]));
        assert_eq!(state.two_loop_direction(&[4.0]), vec![-2.0]);
        // negative curvature is not stored
        state.prev_flat_grad = Some(vec![4.0]);
        state.remember_curvature(10, &[3.0], &[1.0], 1.0).unwrap();
        assert_eq!(state.old_dirs.len(), 1);
        assert_eq!((abs_max(&[1.0, -3.0]), abs_max(&[])), (3.0, 0.0));
    }
}
