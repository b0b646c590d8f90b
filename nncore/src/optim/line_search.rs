//! The strong-Wolfe line search of `torch.optim.LBFGS`
//! (`_strong_wolfe` and `_cubic_interpolate` of PyTorch's lbfgs.py),
//! ported step for step so trajectories match.

use crate::Result;

/// The minimizer of the cubic interpolating two points and their
/// derivatives, clamped to `bounds` (default: between the points).
pub(crate) fn cubic_interpolate(
    (x1, f1, g1): (f64, f64, f64),
    (x2, f2, g2): (f64, f64, f64),
    bounds: Option<(f64, f64)>,
) -> f64 {
    let (lo, hi) = bounds.unwrap_or(if x1 <= x2 { (x1, x2) } else { (x2, x1) });
    let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        let min_pos = if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        };
        min_pos.max(lo).min(hi)
    } else {
        (lo + hi) / 2.0
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// What the line search found: loss, flat gradient, step and evaluations.
pub(crate) struct Found {
    pub loss: f64,
    pub grad: Vec<f64>,
    pub t: f64,
    pub evals: usize,
}

/// Searches along `d` from the current point (loss `f`, gradient `g`,
/// directional derivative `gtd`) starting at step `t`; `obj(t)` evaluates
/// loss and flat gradient at `x + t d` (and restores `x`). `max_ls` bounds
/// the evaluations after the first: LBFGS passes what is left of its
/// `max_eval` budget, as PyTorch does (`max_ls=max_eval - current_evals`),
/// so a small `max_eval` cuts the search short there too.
pub(crate) fn strong_wolfe(
    obj: &mut dyn FnMut(f64) -> Result<(f64, Vec<f64>)>,
    mut t: f64,
    d: &[f64],
    (f, g, gtd): (f64, &[f64], f64),
    max_ls: usize,
) -> Result<Found> {
    // PyTorch's defaults, which LBFGS does not override (its own
    // `tolerance_change` is not passed on).
    let (c1, c2, tolerance_change) = (1e-4, 0.9, 1e-9);
    let d_norm = d.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let (mut f_new, mut g_new) = obj(t)?;
    let mut evals = 1;
    let mut gtd_new = dot(&g_new, d);
    let (mut t_prev, mut f_prev, mut g_prev, mut gtd_prev) = (0.0, f, g.to_vec(), gtd);
    let mut done = false;
    let mut ls_iter = 0;
    let mut bracket: Vec<f64> = Vec::new();
    let mut bracket_f: Vec<f64> = Vec::new();
    let mut bracket_g: Vec<Vec<f64>> = Vec::new();
    let mut bracket_gtd: Vec<f64> = Vec::new();
    while ls_iter < max_ls {
        if f_new > f + c1 * t * gtd || (ls_iter > 1 && f_new >= f_prev) {
            bracket = vec![t_prev, t];
            bracket_f = vec![f_prev, f_new];
            bracket_g = vec![g_prev.clone(), g_new.clone()];
            bracket_gtd = vec![gtd_prev, gtd_new];
            break;
        }
        if gtd_new.abs() <= -c2 * gtd {
            bracket = vec![t];
            bracket_f = vec![f_new];
            bracket_g = vec![g_new.clone()];
            done = true;
            break;
        }
        if gtd_new >= 0.0 {
            bracket = vec![t_prev, t];
            bracket_f = vec![f_prev, f_new];
            bracket_g = vec![g_prev.clone(), g_new.clone()];
            bracket_gtd = vec![gtd_prev, gtd_new];
            break;
        }
        let min_step = t + 0.01 * (t - t_prev);
        let max_step = t * 10.0;
        let tmp = t;
        t = cubic_interpolate(
            (t_prev, f_prev, gtd_prev),
            (t, f_new, gtd_new),
            Some((min_step, max_step)),
        );
        t_prev = tmp;
        f_prev = f_new;
        g_prev = g_new.clone();
        gtd_prev = gtd_new;
        (f_new, g_new) = obj(t)?;
        evals += 1;
        gtd_new = dot(&g_new, d);
        ls_iter += 1;
    }
    if ls_iter == max_ls {
        bracket = vec![0.0, t];
        bracket_f = vec![f, f_new];
        bracket_g = vec![g.to_vec(), g_new.clone()];
        bracket_gtd = vec![gtd, gtd_new];
    }

    // Zoom: shrink the bracket until a point satisfies the conditions.
    let mut insuf_progress = false;
    let order = |bf: &[f64]| {
        if bf[0] <= bf[bf.len() - 1] {
            (0, 1)
        } else {
            (1, 0)
        }
    };
    let (mut low, mut high) = order(&bracket_f);
    while !done && ls_iter < max_ls {
        if (bracket[1] - bracket[0]).abs() * d_norm < tolerance_change {
            break;
        }
        t = cubic_interpolate(
            (bracket[0], bracket_f[0], bracket_gtd[0]),
            (bracket[1], bracket_f[1], bracket_gtd[1]),
            None,
        );
        let (bmax, bmin) = (bracket[0].max(bracket[1]), bracket[0].min(bracket[1]));
        let eps = 0.1 * (bmax - bmin);
        if (bmax - t).min(t - bmin) < eps {
            if insuf_progress || t >= bmax || t <= bmin {
                t = if (t - bmax).abs() < (t - bmin).abs() {
                    bmax - eps
                } else {
                    bmin + eps
                };
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }
        (f_new, g_new) = obj(t)?;
        evals += 1;
        gtd_new = dot(&g_new, d);
        ls_iter += 1;
        if f_new > f + c1 * t * gtd || f_new >= bracket_f[low] {
            bracket[high] = t;
            bracket_f[high] = f_new;
            bracket_g[high] = g_new.clone();
            bracket_gtd[high] = gtd_new;
            (low, high) = order(&bracket_f);
        } else {
            if gtd_new.abs() <= -c2 * gtd {
                done = true;
            } else if gtd_new * (bracket[high] - bracket[low]) >= 0.0 {
                bracket[high] = bracket[low];
                bracket_f[high] = bracket_f[low];
                bracket_g[high] = bracket_g[low].clone();
                bracket_gtd[high] = bracket_gtd[low];
            }
            bracket[low] = t;
            bracket_f[low] = f_new;
            bracket_g[low] = g_new.clone();
            bracket_gtd[low] = gtd_new;
        }
    }
    let low = low.min(bracket.len() - 1);
    Ok(Found {
        loss: bracket_f[low],
        grad: bracket_g[low].clone(),
        t: bracket[low],
        evals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cubic_interpolation_finds_the_minimum_of_a_cubic() {
        // f(x) = (x - 1)^2 sampled at 0 and 3: the cubic through it is the
        // parabola itself, minimum at 1.
        let x = cubic_interpolate((0.0, 1.0, -2.0), (3.0, 4.0, 4.0), None);
        assert!((x - 1.0).abs() < 1e-12, "{x}");
    }

    #[test]
    fn strong_wolfe_accepts_a_step_meeting_both_conditions() {
        // f(x) = (x - 2)^2 from 0 along d = 1: t = 1 already satisfies
        // sufficient decrease and |f'(1)| = 2 <= 0.9 * 4.
        let mut obj = |t: f64| Ok(((t - 2.0) * (t - 2.0), vec![2.0 * (t - 2.0)]));
        let found = strong_wolfe(&mut obj, 1.0, &[1.0], (4.0, &[-4.0], -4.0), 25).unwrap();
        assert_eq!((found.t, found.loss, found.evals), (1.0, 1.0, 1));
    }

    #[test]
    fn strong_wolfe_zooms_into_a_bracket_when_the_step_is_too_long() {
        // From t = 10 (f = 64 > 4) the bracket [0, 10] is zoomed; the cubic
        // through a parabola lands on its minimum, t = 2.
        let mut obj = |t: f64| Ok(((t - 2.0) * (t - 2.0), vec![2.0 * (t - 2.0)]));
        let found = strong_wolfe(&mut obj, 10.0, &[1.0], (4.0, &[-4.0], -4.0), 25).unwrap();
        assert!((found.t - 2.0).abs() < 1e-9, "{}", found.t);
        assert_eq!(found.evals, 2);
    }

    #[test]
    fn no_evaluations_left_keeps_the_better_of_the_start_and_the_first_step() {
        // max_ls = 0 (LBFGS with max_eval 1): PyTorch brackets [0, t] at
        // once and returns its lower end without zooming.
        let mut obj = |t: f64| Ok(((t - 2.0) * (t - 2.0), vec![2.0 * (t - 2.0)]));
        let found = strong_wolfe(&mut obj, 10.0, &[1.0], (4.0, &[-4.0], -4.0), 0).unwrap();
        assert_eq!((found.t, found.loss, found.evals), (0.0, 4.0, 1));
        let found = strong_wolfe(&mut obj, 3.0, &[1.0], (4.0, &[-4.0], -4.0), 0).unwrap();
        assert_eq!((found.t, found.loss, found.evals), (3.0, 1.0, 1));
    }
}
