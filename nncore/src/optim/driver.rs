//! The generic optimizer driver shared by every algorithm.

use crate::nn::Parameter;
use crate::{Element, Error, Result};
use std::collections::HashMap;

/// The hyper-parameters of one param group. Every optimizer has a learning
/// rate, which schedulers read and write.
pub trait GroupOptions: Clone + std::fmt::Debug + Send + Sync {
    /// The learning rate.
    fn lr(&self) -> f64;
    /// Sets the learning rate (schedulers do this between steps).
    fn set_lr(&mut self, lr: f64);
}

/// An optimization algorithm: what one step does to one parameter.
pub trait Algorithm: Send + Sync + 'static {
    /// Hyper-parameters, per param group.
    type Options: GroupOptions;
    /// Per-parameter state (momentum buffers, step counts, ...), created
    /// empty the first time a parameter has a gradient.
    type State<E: Element>: Default + Clone + std::fmt::Debug + Send + Sync;

    /// The class name (`SGD`, `Adam`) used in error messages.
    const NAME: &'static str;

    /// Rejects options PyTorch rejects, naming the option.
    fn validate(options: &Self::Options) -> Result<()>;

    /// Updates `param` in place from `grad`.
    fn update<E: Element>(
        options: &Self::Options,
        state: &mut Self::State<E>,
        param: &mut [E],
        grad: &[E],
    );
}

/// A group of parameters sharing hyper-parameters, like an entry of
/// PyTorch's `optimizer.param_groups`.
#[derive(Clone, Debug)]
pub struct ParamGroup<O> {
    /// The parameters (shared handles with the model).
    pub params: Vec<Parameter>,
    /// The group's hyper-parameters; change them between steps freely.
    pub options: O,
}

/// An optimizer over parameters: the driver for any [`Algorithm`].
///
/// ```
/// use nncore::nn::Parameter;
/// use nncore::optim::{SgdOptions, SGD};
/// let w = Parameter::new(vec![1.0], &[1]);
/// let mut opt = SGD::new(vec![w.clone()], SgdOptions { lr: 0.5, ..Default::default() }).unwrap();
/// *w.grad_lock() = Some(vec![2.0]);
/// opt.step().unwrap();
/// assert_eq!(w.to_vec(), vec![0.0]);
/// ```
pub struct Optimizer<A: Algorithm> {
    defaults: A::Options,
    groups: Vec<ParamGroup<A::Options>>,
    state: HashMap<u64, A::State<f32>>,
}

impl<A: Algorithm> Optimizer<A> {
    /// An optimizer over one group holding `params`, with `defaults` as its
    /// options. Fails on options PyTorch rejects or a parameter given twice.
    pub fn new(params: Vec<Parameter>, defaults: A::Options) -> Result<Self> {
        A::validate(&defaults)?;
        let mut opt = Optimizer {
            defaults: defaults.clone(),
            groups: Vec::new(),
            state: HashMap::new(),
        };
        opt.add_param_group(ParamGroup {
            params,
            options: defaults,
        })?;
        Ok(opt)
    }

    /// Adds a group (e.g. to unfreeze a backbone later with a smaller lr),
    /// like `add_param_group`. A parameter already in a group is an error.
    pub fn add_param_group(&mut self, group: ParamGroup<A::Options>) -> Result<()> {
        A::validate(&group.options)?;
        let mut seen: std::collections::HashSet<u64> = self
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
    pub fn param_groups(&self) -> &[ParamGroup<A::Options>] {
        &self.groups
    }

    /// The param groups, mutably: change a group's options between steps.
    pub fn param_groups_mut(&mut self) -> &mut [ParamGroup<A::Options>] {
        &mut self.groups
    }

    /// The state of one parameter, `None` before its first step.
    pub fn state(&self, param: &Parameter) -> Option<&A::State<f32>> {
        self.state.get(&param.id())
    }

    /// Clears the gradients of all parameters (set to none, PyTorch's default).
    pub fn zero_grad(&self) {
        for p in self.groups.iter().flat_map(|g| &g.params) {
            p.zero_grad();
        }
    }

    /// Performs one optimization step on every parameter that has a
    /// gradient and requires one.
    pub fn step(&mut self) -> Result<()> {
        for group in &self.groups {
            A::validate(&group.options)?;
        }
        for group in &self.groups {
            for p in &group.params {
                if !p.requires_grad() {
                    continue;
                }
                let grad_slot = p.grad_lock();
                let Some(grad) = grad_slot.as_ref() else {
                    continue;
                };
                let state = self.state.entry(p.id()).or_default();
                A::update(&group.options, state, &mut p.data_mut(), grad);
            }
        }
        Ok(())
    }
}

/// Whether an option is a number >= 0 (NaN is not), as PyTorch checks
/// `0.0 <= lr`.
pub(crate) fn non_negative(value: f64) -> bool {
    value >= 0.0
}
