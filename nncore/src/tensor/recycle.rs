//! Graph nodes that outlive their tensor: when the last handle of a tensor
//! is dropped its `Arc<Node>` is emptied (data and gradient buffers and the
//! op's inputs go back to the [`pool`](super::pool)) and kept as a spare,
//! which the next tensor made on this thread reuses, allocation and all.
//!
//! Freeing a graph is iterative: the inputs of a freed node are queued and
//! released one at a time by the outermost drop, so a graph millions of ops
//! deep frees without deep recursion.

use super::{DynTensor, Node};
use crate::Element;
use crate::autograd::{Backward, GradFn};
use crate::pool;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The node a dropped handle points to while its own node is recycled (one
/// per thread and element type, shared by reference count).
struct Placeholder<E: Element>(Option<Arc<Node<E>>>);

impl<E: Element> Default for Placeholder<E> {
    fn default() -> Self {
        Placeholder(None)
    }
}

/// Inputs of freed nodes waiting to be dropped, and whether a drop further
/// up this thread's stack is already draining them.
struct Pending<E: Element> {
    tensors: Vec<DynTensor<E>>,
    draining: bool,
}

impl<E: Element> Default for Pending<E> {
    fn default() -> Self {
        Pending {
            tensors: Vec::new(),
            draining: false,
        }
    }
}

#[nnmacro::__compiled_once]
fn empty_node<E: Element>() -> Node<E> {
    Node {
        id: 0,
        shape: super::Dims::new(&[]),
        data: RwLock::new(Vec::new()),
        version: AtomicU64::new(0),
        requires_grad: AtomicBool::new(false),
        grad: Mutex::new(None),
        grad_fn: None,
    }
}

/// A node holding `data`, reusing a spare one when there is one.
#[nnmacro::__compiled_once]
pub(super) fn new_node<E: Element>(
    data: Vec<E>,
    shape: super::Dims,
    grad_fn: Option<GradFn<E>>,
) -> Arc<Node<E>> {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let requires_grad = grad_fn.is_some();
    let mut spare = pool::take_spare::<Arc<Node<E>>>();
    if let Some(node) = spare.as_mut().and_then(Arc::get_mut) {
        node.id = id;
        node.shape = shape;
        *node.data.get_mut().unwrap_or_else(|e| e.into_inner()) = data;
        *node.version.get_mut() = 0;
        *node.requires_grad.get_mut() = requires_grad;
        node.grad_fn = grad_fn;
        return spare.expect("matched above");
    }
    Arc::new(Node {
        id,
        shape,
        data: RwLock::new(data),
        version: AtomicU64::new(0),
        requires_grad: AtomicBool::new(requires_grad),
        grad: Mutex::new(None),
        grad_fn,
    })
}

/// Recycles the node of a handle being dropped, if the handle is its last.
#[nnmacro::__compiled_once]
pub(super) fn release_node<E: Element>(slot: &mut Arc<Node<E>>) {
    let Some(placeholder) = pool::local(|p: &mut Placeholder<E>| {
        Arc::clone(p.0.get_or_insert_with(|| Arc::new(empty_node())))
    }) else {
        return;
    };
    let mut arc = std::mem::replace(slot, placeholder);
    let Some(node) = Arc::get_mut(&mut arc) else {
        return;
    };
    if node.data.is_poisoned() || node.grad.is_poisoned() {
        return;
    }
    let data = std::mem::take(node.data.get_mut().unwrap_or_else(|e| e.into_inner()));
    let grad = node
        .grad
        .get_mut()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    let grad_fn = node.grad_fn.take();
    node.shape = super::Dims::new(&[]);
    pool::give_back(data);
    if let Some(g) = grad {
        pool::give_back(g);
    }
    pool::give_spare(arc);
    if let Some(grad_fn) = grad_fn {
        grad_fn.free();
    }
}

/// Keeps an op's rule for reuse and drops its inputs iteratively (a freed
/// tensor's graph node, or a node a backward pass released).
#[nnmacro::__compiled_once]
pub(crate) fn release_graph_parts<E: Element>(
    op: Option<Box<dyn Backward<E>>>,
    mut inputs: Vec<DynTensor<E>>,
) {
    if let Some(mut op) = op
        && op.release()
    {
        op.into_spares();
    }
    let queued = pool::local(|p: &mut Pending<E>| {
        p.tensors.append(&mut inputs);
        std::mem::replace(&mut p.draining, true)
    });
    pool::give_back(inputs);
    if queued != Some(false) {
        // Already draining further up (or no pool: the inputs, if still
        // here, drop recursively).
        return;
    }
    while let Some(Some(t)) = pool::local(|p: &mut Pending<E>| p.tensors.pop()) {
        drop(t);
    }
    pool::local(|p: &mut Pending<E>| p.draining = false);
}
