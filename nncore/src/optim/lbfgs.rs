//! L-BFGS, like `torch.optim.LBFGS`: one param group, driven by a closure
//! that recomputes the loss and the gradients.

use super::check;
use super::lbfgs_direction::{abs_max, dot, negated};
use super::line_search::strong_wolfe;
use super::{LrGroups, ParamGroup};
use crate::param::Parameter;
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
        let options = self.groups[0].options.clone();
        validate(&options)?;
        let first_loss = closure()?;
        self.state.func_evals += 1;
        let grad = self.flat_grad();
        if abs_max(&grad) <= options.tolerance_grad {
            return Ok(first_loss);
        }
        let mut state = std::mem::take(&mut self.state);
        let mut point = Point {
            loss: first_loss,
            direction: state.d.take().unwrap_or_default(),
            step_size: state.t,
            grad,
            evals: 1,
        };
        let result = self.iterate(&options, &mut state, &mut point, closure);
        state.d = Some(point.direction);
        state.t = point.step_size;
        self.state = state;
        result.map(|()| first_loss)
    }

    /// The iterations of one [`step`](Self::step), from `point`, stopping
    /// where PyTorch stops: after `max_iter` iterations or `max_eval`
    /// evaluations, or when the gradient, the step or the loss's change
    /// falls below its tolerance.
    fn iterate(
        &self,
        options: &LbfgsOptions,
        state: &mut LbfgsState,
        point: &mut Point,
        closure: &mut dyn FnMut() -> Result<f64>,
    ) -> Result<()> {
        for iteration in 1..=options.max_iter {
            let last = iteration == options.max_iter;
            state.n_iter += 1;
            point.direction = if state.n_iter == 1 {
                state.restart();
                negated(&point.grad)
            } else {
                state.remember_curvature(
                    options.history_size,
                    &point.grad,
                    &point.direction,
                    point.step_size,
                )?;
                state.two_loop_direction(&point.grad)
            };
            state.prev_flat_grad = Some(point.grad.clone());
            let last_loss = point.loss;
            state.prev_loss = Some(point.loss);
            point.step_size = if state.n_iter == 1 {
                // A first step of at most `lr` along the raw gradient.
                let grad_l1: f64 = point.grad.iter().map(|g| g.abs()).sum();
                f64::min(1.0, 1.0 / grad_l1) * options.lr
            } else {
                options.lr
            };
            let slope = dot(&point.grad, &point.direction);
            if slope > -options.tolerance_change {
                break;
            }
            let evals = match options.line_search_fn {
                Some(LineSearch::StrongWolfe) => {
                    self.strong_wolfe_step(options, point, slope, closure)?
                }
                None => self.fixed_step(point, last, closure)?,
            };
            point.evals += evals;
            state.func_evals += evals;
            let small_grad = abs_max(&point.grad) <= options.tolerance_grad;
            if last
                || point.evals >= options.max_eval()
                || small_grad
                || abs_max(&point.direction) * point.step_size.abs() <= options.tolerance_change
                || (point.loss - last_loss).abs() < options.tolerance_change
            {
                break;
            }
        }
        Ok(())
    }

    /// Moves by `step_size` along the direction and, unless this is the
    /// last iteration, re-evaluates there; returns the evaluations made.
    fn fixed_step(
        &self,
        point: &mut Point,
        last: bool,
        closure: &mut dyn FnMut() -> Result<f64>,
    ) -> Result<usize> {
        self.add_grad(point.step_size, &point.direction);
        if last {
            return Ok(0);
        }
        point.loss = closure()?;
        point.grad = self.flat_grad();
        Ok(1)
    }

    /// Finds a step size along the direction that meets the strong Wolfe
    /// conditions (within the evaluations `max_eval` leaves), moves there,
    /// and returns the evaluations made.
    fn strong_wolfe_step(
        &self,
        options: &LbfgsOptions,
        point: &mut Point,
        slope: f64,
        closure: &mut dyn FnMut() -> Result<f64>,
    ) -> Result<usize> {
        let start = self.snapshot();
        let direction = &point.direction;
        let mut loss_and_grad_at = |step_size: f64| -> Result<(f64, Vec<f64>)> {
            self.add_grad(step_size, direction);
            let loss = closure();
            let grad = self.flat_grad();
            self.restore(&start);
            Ok((loss?, grad))
        };
        // PyTorch's `max_ls=max_eval - current_evals`; below zero
        // (max_eval 0) PyTorch fails with an UnboundLocalError, Kiln
        // with this error.
        let max_evals = options.max_eval().checked_sub(point.evals).ok_or_else(|| {
            Error::option(
                "LBFGS",
                "max_eval",
                "the strong_wolfe line search needs max_eval of at least 1, got 0",
            )
        })?;
        let found = strong_wolfe(
            &mut loss_and_grad_at,
            point.step_size,
            direction,
            (point.loss, &point.grad, slope),
            max_evals,
        )?;
        point.loss = found.loss;
        point.grad = found.grad;
        point.step_size = found.t;
        self.add_grad(point.step_size, &point.direction);
        Ok(found.evals)
    }
}

/// Where the iterations of one step are: the loss and flat gradient at
/// the parameters, the search direction and step size of the last
/// iteration, and the closure evaluations made so far.
struct Point {
    loss: f64,
    grad: Vec<f64>,
    direction: Vec<f64>,
    step_size: f64,
    evals: usize,
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
