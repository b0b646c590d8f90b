//! The backward pass: one reverse topological walk over the graph.

use super::{BackwardContext, anomaly};
use crate::{DynTensor, Element, Error, Result};
use std::collections::HashMap;

/// Back-propagates `grad_output` (the gradient of some scalar with respect to
/// `root`, same number of elements as `root`) through the graph, like
/// `root.backward(gradient=grad_output)`. Leaves that require a gradient
/// accumulate it.
///
/// ```
/// use nncore::{autograd::backward_with, DynTensor};
/// let x = DynTensor::<f64>::from_vec(vec![1.0, 2.0], &[2]).unwrap().requires_grad_(true);
/// let y = x.mul_scalar(3.0);
/// backward_with(&y, vec![1.0, 10.0]).unwrap();
/// assert_eq!(x.grad().unwrap(), vec![3.0, 30.0]);
/// ```
pub fn backward_with<E: Element>(root: &DynTensor<E>, grad_output: Vec<E>) -> Result<()> {
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
    let order = topological_order(root);
    let mut grads: HashMap<u64, Vec<E>> = HashMap::new();
    grads.insert(root.id(), grad_output);
    let anomaly = anomaly::is_anomaly_enabled();
    for tensor in order.iter().rev() {
        let Some(grad) = grads.remove(&tensor.id()) else {
            continue;
        };
        let Some(grad_fn) = &tensor.node.grad_fn else {
            accumulate_leaf(tensor, grad);
            continue;
        };
        let needs: Vec<bool> = grad_fn.inputs.iter().map(|t| t.requires_grad()).collect();
        let output = tensor.data();
        let input_grads = grad_fn.op.backward(&BackwardContext {
            inputs: &grad_fn.inputs,
            output: &output,
            output_shape: tensor.shape(),
            grad_output: &grad,
            needs: &needs,
        })?;
        drop(output);
        for (i, ((input, g), need)) in grad_fn
            .inputs
            .iter()
            .zip(input_grads)
            .zip(needs)
            .enumerate()
        {
            let Some(g) = g else { continue };
            if !need {
                continue;
            }
            debug_assert_eq!(
                g.len(),
                input.numel(),
                "{} returned a gradient of the wrong size",
                grad_fn.op.name()
            );
            if anomaly
                && let Some(found) = anomaly::describe_non_finite("returned", &g, input.shape())
            {
                let detail = format!("{found} as the gradient of its input {i}");
                anomaly::record(anomaly::Anomaly {
                    op: grad_fn.op.name(),
                    pass: anomaly::Pass::Backward,
                    detail: detail.clone(),
                });
                return Err(Error::NonFinite {
                    op: "backward",
                    detail: format!("{} {detail} (anomaly mode)", grad_fn.op.name()),
                });
            }
            match grads.get_mut(&input.id()) {
                Some(acc) => acc.iter_mut().zip(&g).for_each(|(a, b)| *a += *b),
                None => {
                    grads.insert(input.id(), g);
                }
            }
        }
    }
    Ok(())
}

fn accumulate_leaf<E: Element>(leaf: &DynTensor<E>, grad: Vec<E>) {
    if !leaf.requires_grad() {
        return;
    }
    let mut slot = leaf.grad_lock();
    match slot.as_mut() {
        Some(acc) => acc.iter_mut().zip(&grad).for_each(|(a, b)| *a += *b),
        None => *slot = Some(grad),
    }
}

/// Tensors reachable from `root` through tensors that require a gradient,
/// each after all of its inputs (iterative DFS: deep graphs must not
/// overflow the stack).
fn topological_order<E: Element>(root: &DynTensor<E>) -> Vec<DynTensor<E>> {
    let mut order = Vec::new();
    let mut visited = std::collections::HashSet::new();
    let mut stack: Vec<(DynTensor<E>, bool)> = vec![(root.clone(), false)];
    while let Some((tensor, expanded)) = stack.pop() {
        if expanded {
            order.push(tensor);
            continue;
        }
        if !visited.insert(tensor.id()) {
            continue;
        }
        stack.push((tensor.clone(), true));
        if let Some(grad_fn) = &tensor.node.grad_fn {
            for input in &grad_fn.inputs {
                if input.requires_grad() && !visited.contains(&input.id()) {
                    stack.push((input.clone(), false));
                }
            }
        }
    }
    order
}
