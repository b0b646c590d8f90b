//! The generic optimizer driver shared by every algorithm.

use super::state::StateEntries;
use super::state_dict::{GroupState, OptimizerStateDict, decode_options, encode_options};
use super::{LrGroups, SparseGrad};
use crate::nn::Parameter;
use crate::{Element, Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap, HashSet};

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
    groups: Vec<ParamGroup<A::Options, E>>,
    state: HashMap<u64, A::State<E>>,
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

    /// The optimizer's state, like `state_dict()`: each group's options and
    /// parameter indices (counted across groups in order), and each
    /// parameter's state by index. Save it with
    /// [`OptimizerStateDict::save`] beside the model.
    pub fn state_dict(&self) -> OptimizerStateDict<E> {
        let mut groups = Vec::new();
        let mut state = BTreeMap::new();
        let mut index = 0;
        for g in &self.groups {
            let mut params = Vec::new();
            let mut shapes = Vec::new();
            for p in &g.params {
                if let Some(s) = self.state.get(&p.id()) {
                    let entries = s
                        .entries()
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect();
                    state.insert(index, entries);
                }
                params.push(index);
                shapes.push(p.shape().to_vec());
                index += 1;
            }
            groups.push(GroupState {
                params,
                shapes,
                options: encode_options(&g.options),
            });
        }
        OptimizerStateDict {
            optimizer: A::NAME.to_string(),
            groups,
            state,
        }
    }

    /// Restores a [`Optimizer::state_dict`]: group options and parameter
    /// state. A state dict of another optimizer type, another number of
    /// groups or parameters, or parameters of other shapes is an error,
    /// and the optimizer is left unchanged.
    pub fn load_state_dict(&mut self, sd: &OptimizerStateDict<E>) -> Result<()> {
        let bad = |reason: String| Error::option(A::NAME, "state_dict", reason);
        if sd.optimizer != A::NAME {
            return Err(bad(format!(
                "the state dict is from a {} optimizer, not {}",
                sd.optimizer,
                A::NAME
            )));
        }
        if sd.groups.len() != self.groups.len() {
            return Err(bad(format!(
                "loaded state dict has a different number of parameter groups ({}, the optimizer has {})",
                sd.groups.len(),
                self.groups.len()
            )));
        }
        let mut options = Vec::new();
        let mut states = HashMap::new();
        for (g, saved) in self.groups.iter().zip(&sd.groups) {
            if saved.params.len() != g.params.len() {
                return Err(bad(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group".into(),
                ));
            }
            let o: A::Options =
                decode_options(&saved.options).map_err(|e| bad(format!("bad options: {e}")))?;
            A::validate(&o)?;
            options.push(o);
            for ((p, &index), shape) in g.params.iter().zip(&saved.params).zip(&saved.shapes) {
                if p.shape() != shape.as_slice() {
                    return Err(bad(format!(
                        "parameter {index} has shape {:?}, the saved state is for shape {shape:?}",
                        p.shape()
                    )));
                }
                if let Some(entries) = sd.state.get(&index) {
                    let s = A::State::<E>::from_entries(A::NAME, entries, p.numel())?;
                    states.insert(p.id(), s);
                }
            }
        }
        for (g, o) in self.groups.iter_mut().zip(options) {
            g.options = o;
        }
        self.state = states;
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

/// Whether an option is a number >= 0 (NaN is not), as PyTorch checks
/// `0.0 <= lr`.
pub(crate) fn non_negative(value: f64) -> bool {
    value >= 0.0
}

/// PyTorch's common checks, each an error naming the optimizer and option
/// with PyTorch's message.
pub(crate) mod check {
    use super::non_negative;
    use crate::py_float;
    use crate::{Error, Result};

    /// `0.0 <= lr`.
    pub fn lr(op: &'static str, lr: f64) -> Result<()> {
        at_least_zero(op, "lr", lr, "Invalid learning rate")
    }

    /// `0.0 <= eps`.
    pub fn eps(op: &'static str, eps: f64) -> Result<()> {
        at_least_zero(op, "eps", eps, "Invalid epsilon value")
    }

    /// `0.0 <= weight_decay`.
    pub fn weight_decay(op: &'static str, wd: f64) -> Result<()> {
        at_least_zero(op, "weight_decay", wd, "Invalid weight_decay value")
    }

    /// `0.0 <= value` with PyTorch's `{what}: {value}` message.
    pub fn at_least_zero(
        op: &'static str,
        option: &'static str,
        value: f64,
        what: &str,
    ) -> Result<()> {
        if non_negative(value) {
            Ok(())
        } else {
            Err(Error::option(
                op,
                option,
                format!("{what}: {}", py_float(value)),
            ))
        }
    }

    /// `0.0 <= beta < 1.0` for both betas.
    pub fn betas(op: &'static str, betas: (f64, f64)) -> Result<()> {
        for (i, b) in [betas.0, betas.1].into_iter().enumerate() {
            if !(0.0..1.0).contains(&b) {
                return Err(Error::option(
                    op,
                    "betas",
                    format!("Invalid beta parameter at index {i}: {}", py_float(b)),
                ));
            }
        }
        Ok(())
    }
}
