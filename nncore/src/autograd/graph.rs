//! An op's record in the graph, and the two things PyTorch refuses to do
//! with it: run it after a `backward()` freed what it saved, and run it on
//! values changed in place since the forward saved them.
//!
//! The record sits behind a mutex because a backward pass that does not
//! retain the graph empties it (its rule's saved buffers and its input
//! handles are freed, so the intermediate activations they kept alive go
//! back to the pool) while other handles to the output still exist. The
//! lock is taken once per op per pass, never contended in a training step.

use super::{Backward, Saved};
use crate::{DynTensor, Element, Error, Result, pool};
use std::sync::{Mutex, MutexGuard};

/// PyTorch's message for a second backward through a released graph
/// (`torch/csrc/autograd/saved_variable.cpp`, `ERR_BACKWARD_TWICE`), with
/// Kiln's spelling of `retain_graph=True` after it.
pub(crate) const BACKWARD_TWICE: &str = "Trying to backward through the graph a second time \
(or directly access saved tensors after they have already been freed). Saved intermediate \
values of the graph are freed when you call .backward() or autograd.grad(). Specify \
retain_graph=True if you need to backward through the graph a second time or if you need to \
access saved tensors after calling backward. (In Kiln: \
backward_with_options(BackwardOptions::default().retain_graph(true)).)";

/// Where the hint of PyTorch's in-place message points to anomaly mode,
/// Kiln names what changes a tensor in place (anomaly mode would not find it).
const INPLACE_HINT: &str = "Hint: it was changed in place (an optimizer step, an init \
function, load_state_dict or data_mut) after the forward pass that saved it; call backward() \
before the change, or run the forward pass again after it.";

/// An op's record in the graph: its backward rule, its inputs and the
/// versions the inputs had when the op saved them.
pub struct GradFn<E: Element> {
    name: &'static str,
    saved: Saved,
    recorded: Mutex<Recorded<E>>,
}

/// The part of a [`GradFn`] a backward pass releases.
pub(crate) struct Recorded<E: Element> {
    /// The rule; `None` once a backward pass released it.
    op: Option<Box<dyn Backward<E>>>,
    /// The op's inputs: the graph's edges, and the saved values of those
    /// the rule reads.
    pub(crate) inputs: Vec<DynTensor<E>>,
    /// `versions[i]`: the version of `inputs[i]` when the op saved it.
    versions: Vec<u64>,
}

impl<E: Element> GradFn<E> {
    /// Records `op` over `inputs` (no allocation once the pool is warm).
    pub(crate) fn new<B: Backward<E> + 'static>(op: B, inputs: &[&DynTensor<E>]) -> Self {
        GradFn {
            name: op.name(),
            saved: op.saved(),
            recorded: Mutex::new(Recorded {
                op: Some(pool::boxed(op) as Box<dyn Backward<E>>),
                inputs: pool::take_collected(inputs.iter().map(|t| (*t).clone())),
                versions: pool::take_collected(inputs.iter().map(|t| t.version())),
            }),
        }
    }

    /// The rule's name (`"AddBackward"`), kept after the rule is released.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Locks the record for one backward step or one look at the inputs.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Recorded<E>> {
        self.recorded.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The rule, ready to run for `output`: fails when a backward pass
    /// released it, or when a value it reads changed in place since the
    /// forward (the output is saved at version 0, being new then).
    pub(crate) fn runnable<'r>(
        &self,
        recorded: &'r Recorded<E>,
        output: &DynTensor<E>,
    ) -> Result<&'r dyn Backward<E>> {
        let Some(op) = recorded.op.as_deref() else {
            return Err(Error::Autograd(BACKWARD_TWICE.into()));
        };
        let inputs = recorded.inputs.iter().zip(&recorded.versions);
        for (i, (input, &saved_at)) in inputs.enumerate() {
            if self.saved.reads_input(i) && input.version() != saved_at {
                return Err(self.modified(&format!("input {i}"), input, saved_at));
            }
        }
        if self.saved.reads_output() && output.version() != 0 {
            return Err(self.modified("output 0", output, 0));
        }
        Ok(op)
    }

    /// PyTorch's in-place message, with Kiln's description of the tensor.
    fn modified(&self, which: &str, tensor: &DynTensor<E>, expected: u64) -> Error {
        Error::Autograd(format!(
            "one of the variables needed for gradient computation has been modified by an \
             inplace operation: [{} {:?}], which is {which} of {}, is at version {}; expected \
             version {expected} instead. {INPLACE_HINT}",
            E::DTYPE,
            tensor.shape(),
            self.name,
            tensor.version(),
        ))
    }

    /// After a backward pass that does not retain the graph: frees what the
    /// rule saved and the input handles, unless the rule reads nothing (then
    /// the node stays usable, as PyTorch's nodes without saved tensors do).
    pub(crate) fn release(&self, mut recorded: MutexGuard<'_, Recorded<E>>) {
        if self.saved.is_nothing() {
            return;
        }
        let op = recorded.op.take();
        let inputs = std::mem::take(&mut recorded.inputs);
        let versions = std::mem::take(&mut recorded.versions);
        drop(recorded);
        free(op, inputs, versions);
    }

    /// Frees the whole record (its tensor's last handle is gone).
    pub(crate) fn free(self) {
        let Recorded {
            op,
            inputs,
            versions,
        } = self
            .recorded
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        free(op, inputs, versions);
    }
}

#[nnmacro::__compiled_once]
fn free<E: Element>(
    op: Option<Box<dyn Backward<E>>>,
    inputs: Vec<DynTensor<E>>,
    versions: Vec<u64>,
) {
    pool::give_back(versions);
    crate::tensor::release_graph_parts(op, inputs);
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
