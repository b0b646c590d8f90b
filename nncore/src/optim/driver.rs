//! The generic optimizer driver shared by every algorithm: param groups,
//! per-parameter state, `zero_grad` and `step` (its `state_dict` is in
//! `state_dict.rs`, the option checks in `check.rs`).

use super::state::StateEntries;
use super::{LrGroups, SparseGrad};
use crate::param::Parameter;
use crate::{Element, Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};

/// The hyper-parameters of one param group. Every optimizer has a learning
/// rate, which schedulers read and write; some have a momentum that
/// `OneCycleLR` cycles (SGD's and RMSprop's `momentum`, `betas.0` of the
/// Adam family).
pub trait GroupOptions:
    Clone + std::fmt::Debug + Send + Sync + Serialize + DeserializeOwned
{
    /// The learning rate.
    fn lr(&self) -> f64;
    /// Sets the learning rate (schedulers do this between steps).
    fn set_lr(&mut self, lr: f64);
    /// The momentum schedulers may cycle, if the optimizer has one.
    fn momentum(&self) -> Option<f64> {
        None
    }
    /// Sets that momentum (ignored by optimizers without one).
    fn set_momentum(&mut self, _momentum: f64) {}
}

/// An optimization algorithm: what one step does to one parameter.
///
/// `foreach`, `fused`, `capturable` and `differentiable` of PyTorch's
/// constructors are implementation strategies with no effect on the
/// numbers; Kiln has one implementation and no such options.
pub trait Algorithm: Send + Sync + 'static {
    /// Hyper-parameters, per param group.
    type Options: GroupOptions;
    /// Per-parameter state (momentum buffers, step counts, ...), created
    /// empty the first time a parameter has a gradient.
    type State<E: Element>: StateEntries<E> + Default + Clone + std::fmt::Debug + Send + Sync;

    /// The class name (`SGD`, `Adam`) used in error messages.
    const NAME: &'static str;
    /// Whether the algorithm takes row-sparse gradients instead of dense
    /// ones (`SparseAdam`).
    const SPARSE: bool = false;

    /// Rejects options PyTorch rejects, naming the option.
    fn validate(options: &Self::Options) -> Result<()>;

    /// Updates `param` in place from a dense `grad`.
    fn update<E: Element>(
        options: &Self::Options,
        state: &mut Self::State<E>,
        param: &mut [E],
        grad: &[E],
    );

    /// Updates `param` from a row-sparse gradient; only called when
    /// [`Algorithm::SPARSE`] is true.
    fn update_sparse<E: Element>(
        _options: &Self::Options,
        _state: &mut Self::State<E>,
        _param: &mut [E],
        _grad: &SparseGrad<E>,
    ) {
    }
}

/// A group of parameters sharing hyper-parameters, like an entry of
/// PyTorch's `optimizer.param_groups`.
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{ParamGroup, SgdOptions, SGD};
/// let (backbone, head) = (Parameter::new(vec![1.0], &[1]), Parameter::new(vec![1.0], &[1]));
/// let mut opt = SGD::new(vec![head], SgdOptions { lr: 0.1, ..Default::default() }).unwrap();
/// opt.add_param_group(ParamGroup::new(vec![backbone], SgdOptions { lr: 0.01, ..Default::default() })).unwrap();
/// assert_eq!(opt.param_groups()[1].options.lr, 0.01);
/// ```
#[derive(Clone, Debug)]
pub struct ParamGroup<O, E: Element = f32> {
    /// The parameters (shared handles with the model).
    pub params: Vec<Parameter<E>>,
    /// The group's hyper-parameters; change them between steps freely.
    pub options: O,
}

impl<O, E: Element> ParamGroup<O, E> {
    /// A group of `params` with `options`.
    pub fn new(params: Vec<Parameter<E>>, options: O) -> Self {
        ParamGroup { params, options }
    }
}

/// An optimizer over parameters: the driver for any [`Algorithm`].
/// `E` is the parameters' element type (`f32` for models).
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{SgdOptions, SGD};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = SGD::new(vec![w.clone()], SgdOptions { lr: 0.5, ..Default::default() }).unwrap();
/// *w.grad_lock() = Some(vec![2.0]);
/// opt.step().unwrap();
/// assert_eq!(w.to_vec(), vec![0.0]);
/// opt.zero_grad();
/// assert!(w.grad().is_none());
/// ```
pub struct Optimizer<A: Algorithm, E: Element = f32> {
    defaults: A::Options,
    pub(super) groups: Vec<ParamGroup<A::Options, E>>,
    /// Each parameter's state, by [`Parameter::id`].
    pub(super) state: HashMap<u64, A::State<E>>,
}

impl<A: Algorithm, E: Element> Optimizer<A, E> {
    /// An optimizer over one group holding `params`, with `defaults` as its
    /// options. Fails on options PyTorch rejects or a parameter given twice.
    pub fn new(params: Vec<Parameter<E>>, defaults: A::Options) -> Result<Self> {
        Self::with_groups(vec![ParamGroup::new(params, defaults.clone())], defaults)
    }

    /// An optimizer over several groups (PyTorch's list of dicts); each
    /// group carries its own options, `defaults` is what
    /// [`Optimizer::defaults`] reports.
    pub fn with_groups(
        groups: Vec<ParamGroup<A::Options, E>>,
        defaults: A::Options,
    ) -> Result<Self> {
        A::validate(&defaults)?;
        let mut opt = Optimizer {
            defaults,
            groups: Vec::new(),
            state: HashMap::new(),
        };
        for group in groups {
            opt.add_param_group(group)?;
        }
        Ok(opt)
    }

    /// Adds a group (e.g. to unfreeze a backbone later with a smaller lr),
    /// like `add_param_group`. A parameter already in a group is an error.
    pub fn add_param_group(&mut self, group: ParamGroup<A::Options, E>) -> Result<()> {
        A::validate(&group.options)?;
        let mut seen: HashSet<u64> = self
            .groups
            .iter()
            .flat_map(|g| g.params.iter().map(|p| p.id()))
            .collect();
        for p in &group.params {
            if !seen.insert(p.id()) {
                return Err(Error::option(
                    A::NAME,
                    "params",
                    "some parameters appear in more than one parameter group".to_string(),
                ));
            }
        }
        self.groups.push(group);
        Ok(())
    }

    /// The options the optimizer was built with, like `defaults`.
    pub fn defaults(&self) -> &A::Options {
        &self.defaults
    }

    /// The param groups, like `param_groups`.
    pub fn param_groups(&self) -> &[ParamGroup<A::Options, E>] {
        &self.groups
    }

    /// The param groups, mutably: change a group's options between steps
    /// (the next `step` validates them and fails, changing nothing, on a
    /// value PyTorch rejects).
    pub fn param_groups_mut(&mut self) -> &mut [ParamGroup<A::Options, E>] {
        &mut self.groups
    }

    /// The state of one parameter, `None` before its first step.
    pub fn state(&self, param: &Parameter<E>) -> Option<&A::State<E>> {
        self.state.get(&param.id())
    }

    /// Clears the gradients of all parameters (set to none, PyTorch's default).
    pub fn zero_grad(&self) {
        for p in self.groups.iter().flat_map(|g| &g.params) {
            p.zero_grad();
        }
    }

    /// Performs one optimization step on every parameter that has a
    /// gradient and requires one. On an error (invalid options, a sparse
    /// gradient for a dense optimizer or the reverse) no parameter changes.
    pub fn step(&mut self) -> Result<()> {
        for group in &self.groups {
            A::validate(&group.options)?;
            for p in group.params.iter().filter(|p| p.requires_grad()) {
                let dense = p.grad_lock().is_some();
                let sparse = p.sparse_grad_lock().is_some();
                if sparse && !A::SPARSE {
                    return Err(Error::option(
                        A::NAME,
                        "params",
                        format!(
                            "{} does not support sparse gradients, please consider SparseAdam instead",
                            A::NAME
                        ),
                    ));
                }
                if dense && !sparse && A::SPARSE {
                    return Err(Error::option(
                        A::NAME,
                        "params",
                        format!(
                            "{} does not support dense gradients, please consider Adam instead",
                            A::NAME
                        ),
                    ));
                }
            }
        }
        for group in &self.groups {
            for p in group.params.iter().filter(|p| p.requires_grad()) {
                if A::SPARSE {
                    let slot = p.sparse_grad_lock();
                    let Some(grad) = slot.as_ref() else { continue };
                    let state = self.state.entry(p.id()).or_default();
                    A::update_sparse(&group.options, state, &mut p.data_mut(), grad);
                } else {
                    let slot = p.grad_lock();
                    let Some(grad) = slot.as_ref() else { continue };
                    let state = self.state.entry(p.id()).or_default();
                    A::update(&group.options, state, &mut p.data_mut(), grad);
                }
            }
        }
        Ok(())
    }
}

impl<A: Algorithm, E: Element> LrGroups for Optimizer<A, E> {
    fn optimizer_name(&self) -> &'static str {
        A::NAME
    }
    fn num_groups(&self) -> usize {
        self.groups.len()
    }
    fn group_lr(&self, group: usize) -> f64 {
        self.groups[group].options.lr()
    }
    fn set_group_lr(&mut self, group: usize, lr: f64) {
        self.groups[group].options.set_lr(lr);
    }
    fn group_momentum(&self, group: usize) -> Option<f64> {
        self.groups[group].options.momentum()
    }
    fn set_group_momentum(&mut self, group: usize, momentum: f64) {
        self.groups[group].options.set_momentum(momentum);
    }
}
