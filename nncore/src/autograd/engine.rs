//! The backward pass: one reverse topological walk over the graph.
//!
//! The walk's bookkeeping (order, visited set, pending gradients) lives in
//! per-thread scratch that is cleared, not freed, between passes, and
//! every gradient buffer goes back to the [`pool`](crate::pool) once added
//! where it belongs, so a warmed-up backward pass allocates nothing.
//!
//! Unless the graph is retained, each op is released right after it ran:
//! its saved buffers and input handles go back to the pool during the
//! pass, so the activations of a graph are freed by `backward()`, not when
//! the loss is dropped.

use super::{BackwardContext, anomaly};
use crate::{DynTensor, Element, Error, Result, pool};
use std::collections::{HashMap, HashSet};

/// What one backward pass needs besides the graph, reused across passes.
struct Scratch<E: Element> {
    /// Tensors in topological order (inputs before the ops using them).
    order: Vec<DynTensor<E>>,
    stack: Vec<(DynTensor<E>, bool)>,
    visited: HashSet<u64>,
    /// Gradients not yet handed to their tensor's op, by tensor id.
    grads: HashMap<u64, Vec<E>>,
    needs: Vec<bool>,
}

impl<E: Element> Default for Scratch<E> {
    fn default() -> Self {
        Scratch {
            order: Vec::new(),
            stack: Vec::new(),
            visited: HashSet::new(),
            grads: HashMap::new(),
            needs: Vec::new(),
        }
    }
}

impl<E: Element> Scratch<E> {
    /// Empties the scratch, keeping its capacity (tensors and leftover
    /// gradients of a failed pass drop here).
    fn clear(&mut self) {
        self.order.clear();
        self.stack.clear();
        self.visited.clear();
        self.grads.drain().for_each(|(_, g)| pool::give_back(g));
        self.needs.clear();
    }
}

/// Options of a backward pass, like the keyword arguments of PyTorch's
/// `tensor.backward()`.
///
/// ```
/// use nncore::autograd::BackwardOptions;
/// assert!(!BackwardOptions::default().retain_graph); // PyTorch's default
/// assert!(BackwardOptions::default().retain_graph(true).retain_graph);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackwardOptions {
    /// Keep what the ops saved, so that the graph can be back-propagated
    /// through again (`retain_graph=True`). Off by default: the pass frees
    /// the graph's saved values as it goes, and a second pass through an op
    /// that saved something fails.
    pub retain_graph: bool,
}

impl BackwardOptions {
    /// Sets [`retain_graph`](Self::retain_graph).
    pub fn retain_graph(self, retain_graph: bool) -> Self {
        BackwardOptions { retain_graph }
    }
}

/// Back-propagates `grad_output` (the gradient of some scalar with respect to
/// `root`, same number of elements as `root`) through the graph, like
/// `root.backward(gradient=grad_output)`. Leaves that require a gradient
/// accumulate it. The graph is released; see [`backward_with_options`].
///
/// ```
/// use nncore::{autograd::backward_with, DynTensor};
/// let x = DynTensor::<f64>::from_vec(vec![1.0, 2.0], &[2]).unwrap().requires_grad_(true);
/// let y = x.mul_scalar(3.0);
/// backward_with(&y, vec![1.0, 10.0]).unwrap();
/// assert_eq!(x.grad().unwrap(), vec![3.0, 30.0]);
/// ```
#[nnmacro::__compiled_once]
pub fn backward_with<E: Element>(root: &DynTensor<E>, grad_output: Vec<E>) -> Result<()> {
    backward_with_options(root, grad_output, BackwardOptions::default())
}

/// [`backward_with`] with options, like
/// `root.backward(gradient=grad_output, retain_graph=True)`.
///
/// ```
/// use nncore::{autograd::{backward_with_options, BackwardOptions}, DynTensor};
/// let x = DynTensor::<f64>::from_vec(vec![1.0, 2.0], &[2])?.requires_grad_(true);
/// let y = x.mul(&x)?;
/// let keep = BackwardOptions::default().retain_graph(true);
/// backward_with_options(&y, vec![1.0, 1.0], keep)?;
/// backward_with_options(&y, vec![1.0, 1.0], BackwardOptions::default())?;
/// assert_eq!(x.grad().unwrap(), vec![4.0, 8.0]);
/// assert!(backward_with_options(&y, vec![1.0, 1.0], keep).is_err()); // released
/// # Ok::<(), nncore::Error>(())
/// ```
#[nnmacro::__compiled_once]
pub fn backward_with_options<E: Element>(
    root: &DynTensor<E>,
    grad_output: Vec<E>,
    options: BackwardOptions,
) -> Result<()> {
    if !root.requires_grad() {
        return Err(Error::Autograd(
            "element 0 of tensors does not require grad and does not have a grad_fn".into(),
        ));
    }
    if grad_output.len() != root.numel() {
        return Err(Error::shape(
            "backward",
            format!("{} gradient values", root.numel()),
            grad_output.len().to_string(),
        ));
    }
    // Taken out of the pool for the pass: a backward rule that itself runs a
    // backward pass gets a scratch of its own.
    let mut scratch = pool::take_spare::<Scratch<E>>().unwrap_or_default();
    let result = run(root, grad_output, options, &mut scratch);
    scratch.clear();
    pool::give_spare(scratch);
    result
}

#[nnmacro::__compiled_once]
fn run<E: Element>(
    root: &DynTensor<E>,
    grad_output: Vec<E>,
    options: BackwardOptions,
    s: &mut Scratch<E>,
) -> Result<()> {
    topological_order(root, s);
    s.grads.insert(root.id(), grad_output);
    let anomaly = anomaly::is_anomaly_enabled();
    for tensor in s.order.iter().rev() {
        let Some(grad) = s.grads.remove(&tensor.id()) else {
            continue;
        };
        let Some(grad_fn) = &tensor.node.grad_fn else {
            accumulate_leaf(tensor, grad);
            continue;
        };
        let recorded = grad_fn.lock();
        let op = grad_fn.runnable(&recorded, tensor)?;
        s.needs.clear();
        s.needs
            .extend(recorded.inputs.iter().map(|t| t.requires_grad()));
        let output = tensor.data();
        let mut input_grads = op.backward(&BackwardContext {
            inputs: &recorded.inputs,
            output: &output,
            output_shape: tensor.shape(),
            grad_output: &grad,
            needs: &s.needs,
        })?;
        drop(output);
        pool::give_back(grad);
        for (i, ((input, g), &need)) in recorded
            .inputs
            .iter()
            .zip(input_grads.drain(..))
            .zip(&s.needs)
            .enumerate()
        {
            let Some(g) = g else { continue };
            if !need {
                pool::give_back(g);
                continue;
            }
            debug_assert_eq!(
                g.len(),
                input.numel(),
                "{} returned a gradient of the wrong size",
                grad_fn.name()
            );
            if anomaly
                && let Some(found) = anomaly::describe_non_finite("returned", &g, input.shape())
            {
                let detail = format!("{found} as the gradient of its input {i}");
                anomaly::record(anomaly::Anomaly {
                    op: grad_fn.name(),
                    pass: anomaly::Pass::Backward,
                    detail: detail.clone(),
                });
                return Err(Error::NonFinite {
                    op: "backward",
                    detail: format!("{} {detail} (anomaly mode)", grad_fn.name()),
                });
            }
            match s.grads.get_mut(&input.id()) {
                Some(acc) => add_into(acc, g),
                None => {
                    s.grads.insert(input.id(), g);
                }
            }
        }
        pool::give_back(input_grads);
        if !options.retain_graph {
            grad_fn.release(recorded);
        }
    }
    Ok(())
}

/// `acc += g`, then `g`'s buffer goes back to the pool.
#[nnmacro::__compiled_once]
fn add_into<E: Element>(acc: &mut [E], g: Vec<E>) {
    acc.iter_mut().zip(&g).for_each(|(a, b)| *a += *b);
    pool::give_back(g);
}

#[nnmacro::__compiled_once]
fn accumulate_leaf<E: Element>(leaf: &DynTensor<E>, grad: Vec<E>) {
    if !leaf.requires_grad() {
        pool::give_back(grad);
        return;
    }
    let mut slot = leaf.grad_lock();
    match slot.as_mut() {
        Some(acc) => add_into(acc, grad),
        None => *slot = Some(grad),
    }
}

/// Fills `s.order` with the tensors reachable from `root` through tensors
/// that require a gradient, each after all of its inputs (iterative DFS:
/// deep graphs must not overflow the stack).
#[nnmacro::__compiled_once]
fn topological_order<E: Element>(root: &DynTensor<E>, s: &mut Scratch<E>) {
    s.stack.push((root.clone(), false));
    while let Some((tensor, expanded)) = s.stack.pop() {
        if expanded {
            s.order.push(tensor);
            continue;
        }
        if !s.visited.insert(tensor.id()) {
            continue;
        }
        s.stack.push((tensor.clone(), true));
        if let Some(grad_fn) = &tensor.node.grad_fn {
            for input in &grad_fn.lock().inputs {
                if input.requires_grad() && !s.visited.contains(&input.id()) {
                    s.stack.push((input.clone(), false));
                }
            }
        }
    }
}
