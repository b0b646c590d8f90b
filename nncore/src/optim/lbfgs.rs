//! L-BFGS, like `torch.optim.LBFGS`: one param group, driven by a closure
//! that recomputes the loss and the gradients.

use super::driver::check;
use super::line_search::strong_wolfe;
use super::{LrGroups, ParamGroup};
use crate::nn::Parameter;
use crate::{Element, Error, Result};
use serde::{Deserialize, Serialize};

/// The line search of [`LBFGS`] (PyTorch's `line_search_fn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineSearch {
    /// `"strong_wolfe"`.
    #[serde(rename = "strong_wolfe")]
    StrongWolfe,
}

/// `torch.optim.LBFGS`'s options and PyTorch's defaults.
///
/// ```
/// use nncore::optim::LbfgsOptions;
/// let o = LbfgsOptions::default();
/// assert_eq!((o.max_iter, o.history_size, o.max_eval()), (20, 100, 25));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LbfgsOptions {
    /// Learning rate (the step length before any line search).
    pub lr: f64,
    /// Maximal iterations per `step`.
    pub max_iter: usize,
    /// Maximal function evaluations per `step` (`None`: `max_iter * 5 / 4`).
    pub max_eval: Option<usize>,
    /// Stop when the largest gradient element is at most this.
    pub tolerance_grad: f64,
    /// Stop when the function or the step changes less than this.
    pub tolerance_change: f64,
    /// Number of past updates kept.
    pub history_size: usize,
    /// `None` (fixed step `lr`) or the strong-Wolfe line search.
    pub line_search_fn: Option<LineSearch>,
}

impl Default for LbfgsOptions {
    fn default() -> Self {
        LbfgsOptions {
            lr: 1.0,
            max_iter: 20,
            max_eval: None,
            tolerance_grad: 1e-7,
            tolerance_change: 1e-9,
            history_size: 100,
            line_search_fn: None,
        }
    }
}

impl LbfgsOptions {
    /// `max_eval`, or PyTorch's default `max_iter * 5 // 4`.
    pub fn max_eval(&self) -> usize {
        self.max_eval.unwrap_or(self.max_iter * 5 / 4)
    }
}

/// LBFGS's state (PyTorch keeps it on the first parameter): counters, the
/// last direction and step, and the curvature history, over all
/// parameters flattened in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LbfgsState {
    /// Closure evaluations so far.
    pub func_evals: usize,
    /// Iterations so far.
    pub n_iter: usize,
    /// The last search direction.
    pub d: Option<Vec<f64>>,
    /// The last step length.
    pub t: f64,
    /// Past gradient differences `y`.
    pub old_dirs: Vec<Vec<f64>>,
    /// Past steps `s`.
    pub old_stps: Vec<Vec<f64>>,
    /// `1 / y·s` of each past update.
    pub ro: Vec<f64>,
    /// The initial Hessian scale `y·s / y·y`.
    pub h_diag: f64,
    /// The gradient at the last iteration.
    pub prev_flat_grad: Option<Vec<f64>>,
    /// The loss at the last iteration.
    pub prev_loss: Option<f64>,
}

/// [`LBFGS::state_dict`]: the group's options and the state, exact in
/// memory (serde-able; its vectors span all parameters flattened).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LbfgsStateDict {
    /// The param group's options.
    pub options: LbfgsOptions,
    /// The number of parameter elements the state spans.
    pub numel: usize,
    /// The state.
    pub state: LbfgsState,
}

/// `torch.optim.LBFGS`. Computations run in `f64` over the flattened
/// parameters; the parameters are updated in their own type.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{LbfgsOptions, LineSearch, LBFGS};
/// // minimize (x - 3)^2
/// let x = Parameter::<f64>::of(vec![0.0], &[1]);
/// let opts = LbfgsOptions { line_search_fn: Some(LineSearch::StrongWolfe), ..Default::default() };
/// let mut opt = LBFGS::new(vec![x.clone()], opts)?;
/// let p = x.clone();
/// opt.step(|| {
///     let v = p.to_vec()[0];
///     *p.grad_lock() = Some(vec![2.0 * (v - 3.0)]);
///     Ok((v - 3.0) * (v - 3.0))
/// })?;
/// assert!((x.to_vec()[0] - 3.0).abs() < 1e-6);
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct LBFGS<E: Element = f32> {
    defaults: LbfgsOptions,
    groups: Vec<ParamGroup<LbfgsOptions, E>>,
    state: LbfgsState,
}

fn validate(o: &LbfgsOptions) -> Result<()> {
    check::lr("LBFGS", o.lr)?;
    if o.max_iter == 0 {
        return Err(Error::option(
            "LBFGS",
            "max_iter",
            "max_iter must be at least 1",
        ));
    }
    Ok(())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn abs_max(a: &[f64]) -> f64 {
    a.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

impl<E: Element> LBFGS<E> {
    /// An LBFGS over `params` (one group, as PyTorch requires).
    pub fn new(params: Vec<Parameter<E>>, options: LbfgsOptions) -> Result<Self> {
        validate(&options)?;
        let mut seen = std::collections::HashSet::new();
        if !params.iter().all(|p| seen.insert(p.id())) {
            return Err(Error::option(
                "LBFGS",
                "params",
                "some parameters appear in more than one parameter group",
            ));
        }
        Ok(LBFGS {
            defaults: options.clone(),
            groups: vec![ParamGroup::new(params, options)],
            state: LbfgsState::default(),
        })
    }

    /// The options it was built with.
    pub fn defaults(&self) -> &LbfgsOptions {
        &self.defaults
    }

    /// The one param group.
    pub fn param_groups(&self) -> &[ParamGroup<LbfgsOptions, E>] {
        &self.groups
    }

    /// The one param group, mutably (change `lr` between steps).
    pub fn param_groups_mut(&mut self) -> &mut [ParamGroup<LbfgsOptions, E>] {
        &mut self.groups
    }

    /// The state.
    pub fn state(&self) -> &LbfgsState {
        &self.state
    }

    /// Clears the gradients (set to none).
    pub fn zero_grad(&self) {
        for p in &self.groups[0].params {
            p.zero_grad();
        }
    }

    /// The options and state, like `state_dict()`.
    ///
    /// ```
    /// use nncore::nn::Parameter;
    /// use nncore::optim::{LbfgsOptions, LBFGS};
    /// let x = Parameter::<f64>::of(vec![0.0, 0.0], &[2]);
    /// let mut opt = LBFGS::new(vec![x.clone()], LbfgsOptions::default())?;
    /// let p = x.clone();
    /// opt.step(|| {
    ///     let v = p.to_vec();
    ///     *p.grad_lock() = Some(vec![2.0 * (v[0] - 1.0), 2.0 * (v[1] + 1.0)]);
    ///     Ok((v[0] - 1.0).powi(2) + (v[1] + 1.0).powi(2))
    /// })?;
    /// let saved = opt.state_dict();
    /// let mut resumed = LBFGS::new(vec![x.clone()], LbfgsOptions::default())?;
    /// resumed.load_state_dict(&saved)?;
    /// assert_eq!(resumed.state(), opt.state());
    /// // another set of parameters is refused
    /// let mut other = LBFGS::new(vec![Parameter::<f64>::of(vec![0.0], &[1])], LbfgsOptions::default())?;
    /// assert!(other.load_state_dict(&saved).is_err());
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn state_dict(&self) -> LbfgsStateDict {
        LbfgsStateDict {
            options: self.groups[0].options.clone(),
            numel: self.params().iter().map(|p| p.numel()).sum(),
            state: self.state.clone(),
        }
    }

    /// Restores [`LBFGS::state_dict`]. A state for another number of
    /// parameter elements, or inconsistent, is an error naming LBFGS and
    /// `state_dict`; the optimizer is left unchanged.
    pub fn load_state_dict(&mut self, sd: &LbfgsStateDict) -> Result<()> {
        let bad = |reason: String| Error::option("LBFGS", "state_dict", reason);
        let numel: usize = self.params().iter().map(|p| p.numel()).sum();
        if sd.numel != numel {
            return Err(bad(format!(
                "the state is for {} parameter elements, the optimizer has {numel}",
                sd.numel
            )));
        }
        let s = &sd.state;
        let vectors =
            s.d.iter()
                .chain(&s.prev_flat_grad)
                .chain(&s.old_dirs)
                .chain(&s.old_stps);
        if vectors.clone().any(|v| v.len() != numel)
            || s.old_dirs.len() != s.old_stps.len()
            || s.old_dirs.len() != s.ro.len()
        {
            return Err(bad("inconsistent history lengths".into()));
        }
        validate(&sd.options)?;
        self.groups[0].options = sd.options.clone();
        self.state = sd.state.clone();
        Ok(())
    }

    fn params(&self) -> &[Parameter<E>] {
        &self.groups[0].params
    }

    fn flat_grad(&self) -> Vec<f64> {
        let mut out = Vec::new();
        for p in self.params() {
            match p.grad_lock().as_ref() {
                Some(g) => out.extend(g.iter().map(|x| x.as_f64())),
                None => out.extend(std::iter::repeat_n(0.0, p.numel())),
            }
        }
        out
    }

    fn add_grad(&self, t: f64, d: &[f64]) {
        let mut offset = 0;
        for p in self.params() {
            let mut data = p.data_mut();
            let n = data.len();
            for (x, &di) in data.iter_mut().zip(&d[offset..offset + n]) {
                *x += E::of(di) * E::of(t);
            }
            offset += n;
        }
    }

    fn snapshot(&self) -> Vec<Vec<E>> {
        self.params().iter().map(|p| p.to_vec()).collect()
    }

    fn restore(&self, x: &[Vec<E>]) {
        for (p, v) in self.params().iter().zip(x) {
            p.data_mut().copy_from_slice(v);
        }
    }

    /// One `step(closure)`: up to `max_iter` L-BFGS iterations, each
    /// re-evaluating the closure (zero the gradients, compute the loss,
    /// back-propagate, return the loss); returns the loss of the first
    /// evaluation, as PyTorch does. The closure is a required argument, so
    /// a step without one (an error in PyTorch) does not compile:
    ///
    /// ```compile_fail
    /// use nncore::optim::{LbfgsOptions, LBFGS};
    /// let mut opt = LBFGS::<f32>::new(vec![], LbfgsOptions::default()).unwrap();
    /// opt.step(None);
    /// ```
    pub fn step(&mut self, mut closure: impl FnMut() -> Result<f64>) -> Result<f64> {
        // One compiled body for every closure type.
        let closure: &mut dyn FnMut() -> Result<f64> = &mut closure;
        let o = self.groups[0].options.clone();
        validate(&o)?;
        let (lr, max_iter, max_eval) = (o.lr, o.max_iter, o.max_eval());

        let orig_loss = closure()?;
        let mut loss = orig_loss;
        let mut current_evals = 1;
        self.state.func_evals += 1;
        let mut flat_grad = self.flat_grad();
        if abs_max(&flat_grad) <= o.tolerance_grad {
            return Ok(orig_loss);
        }
        let mut st = std::mem::take(&mut self.state);
        let mut d = st.d.take().unwrap_or_default();
        let mut t = st.t;
        let mut n_iter = 0;
        let result = (|| -> Result<()> {
            while n_iter < max_iter {
                n_iter += 1;
                st.n_iter += 1;
                if st.n_iter == 1 {
                    d = flat_grad.iter().map(|g| -g).collect();
                    st.old_dirs.clear();
                    st.old_stps.clear();
                    st.ro.clear();
                    st.h_diag = 1.0;
                } else {
                    let prev = st.prev_flat_grad.as_deref().unwrap_or(&[]);
                    let y: Vec<f64> = flat_grad.iter().zip(prev).map(|(a, b)| a - b).collect();
                    let s: Vec<f64> = d.iter().map(|x| x * t).collect();
                    let ys = dot(&y, &s);
                    if ys > 1e-10 {
                        if o.history_size == 0 {
                            // PyTorch: IndexError, pop from empty list.
                            return Err(Error::option(
                                "LBFGS",
                                "history_size",
                                "history_size must be at least 1 to store an update",
                            ));
                        }
                        if st.old_dirs.len() == o.history_size {
                            st.old_dirs.remove(0);
                            st.old_stps.remove(0);
                            st.ro.remove(0);
                        }
                        st.h_diag = ys / dot(&y, &y);
                        st.old_dirs.push(y);
                        st.old_stps.push(s);
                        st.ro.push(1.0 / ys);
                    }
                    let num_old = st.old_dirs.len();
                    let mut al = vec![0.0; num_old];
                    let mut q: Vec<f64> = flat_grad.iter().map(|g| -g).collect();
                    for i in (0..num_old).rev() {
                        al[i] = dot(&st.old_stps[i], &q) * st.ro[i];
                        for (qj, yj) in q.iter_mut().zip(&st.old_dirs[i]) {
                            *qj -= al[i] * yj;
                        }
                    }
                    let mut r: Vec<f64> = q.iter().map(|x| x * st.h_diag).collect();
                    for (i, al_i) in al.iter().enumerate() {
                        let be_i = dot(&st.old_dirs[i], &r) * st.ro[i];
                        for (rj, sj) in r.iter_mut().zip(&st.old_stps[i]) {
                            *rj += (al_i - be_i) * sj;
                        }
                    }
                    d = r;
                }
                st.prev_flat_grad = Some(flat_grad.clone());
                let prev_loss = loss;
                st.prev_loss = Some(loss);
                t = if st.n_iter == 1 {
                    let sum: f64 = flat_grad.iter().map(|g| g.abs()).sum();
                    f64::min(1.0, 1.0 / sum) * lr
                } else {
                    lr
                };
                let gtd = dot(&flat_grad, &d);
                if gtd > -o.tolerance_change {
                    break;
                }
                let ls_evals;
                let mut opt_cond = false;
                match o.line_search_fn {
                    Some(LineSearch::StrongWolfe) => {
                        let x = self.snapshot();
                        let mut obj = |step: f64| -> Result<(f64, Vec<f64>)> {
                            self.add_grad(step, &d);
                            let value = closure();
                            let g = self.flat_grad();
                            self.restore(&x);
                            Ok((value?, g))
                        };
                        // PyTorch's `max_ls=max_eval - current_evals`; below
                        // zero (max_eval 0) PyTorch fails with an
                        // UnboundLocalError, Kiln with this error.
                        let max_ls = max_eval.checked_sub(current_evals).ok_or_else(|| {
                            Error::option(
                                "LBFGS",
                                "max_eval",
                                "the strong_wolfe line search needs max_eval of at least 1, got 0",
                            )
                        })?;
                        let found = strong_wolfe(&mut obj, t, &d, (loss, &flat_grad, gtd), max_ls)?;
                        loss = found.loss;
                        flat_grad = found.grad;
                        t = found.t;
                        ls_evals = found.evals;
                        self.add_grad(t, &d);
                        opt_cond = abs_max(&flat_grad) <= o.tolerance_grad;
                    }
                    None => {
                        self.add_grad(t, &d);
                        if n_iter != max_iter {
                            loss = closure()?;
                            flat_grad = self.flat_grad();
                            opt_cond = abs_max(&flat_grad) <= o.tolerance_grad;
                            ls_evals = 1;
                        } else {
                            ls_evals = 0;
                        }
                    }
                }
                current_evals += ls_evals;
                st.func_evals += ls_evals;
                if n_iter == max_iter
                    || current_evals >= max_eval
                    || opt_cond
                    || abs_max(&d) * t.abs() <= o.tolerance_change
                    || (loss - prev_loss).abs() < o.tolerance_change
                {
                    break;
                }
            }
            Ok(())
        })();
        st.d = Some(d);
        st.t = t;
        self.state = st;
        result.map(|()| orig_loss)
    }
}

impl<E: Element> LrGroups for LBFGS<E> {
    fn optimizer_name(&self) -> &'static str {
        "LBFGS"
    }
    fn num_groups(&self) -> usize {
        1
    }
    fn group_lr(&self, _group: usize) -> f64 {
        self.groups[0].options.lr
    }
    fn set_group_lr(&mut self, _group: usize, lr: f64) {
        self.groups[0].options.lr = lr;
    }
    fn group_momentum(&self, _group: usize) -> Option<f64> {
        None
    }
    fn set_group_momentum(&mut self, _group: usize, _momentum: f64) {}
}
