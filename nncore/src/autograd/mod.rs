//! Reverse-mode differentiation.
//!
//! Each op that produces a tensor from tensors requiring a gradient attaches
//! a [`GradFn`]: its [`Backward`] rule and handles to its inputs. `backward`
//! walks that graph once in reverse topological order, so a tensor used
//! twice (a layer applied twice, a residual connection) receives the sum of
//! its gradients, as in PyTorch.
//!
//! Backward rules are written per op, beside the op (one folder per op in
//! `ops/`); there is no central match over ops.
//!
//! As in PyTorch, a graph serves one backward pass: the pass frees what
//! each op saved (unless asked to retain the graph with
//! [`BackwardOptions::retain_graph`]), and a second pass through an op that
//! saved something fails. Every tensor carries a
//! [`version`](DynTensor::version) that in-place changes bump; a backward
//! pass fails when a value an op saved changed since the forward. Both
//! refusals only concern what an op declares it reads ([`Saved`]).

mod anomaly;
mod engine;
mod grad_mode;
pub mod gradcheck;
mod graph;
mod saved;

pub use engine::{BackwardOptions, backward_with, backward_with_options};
pub use grad_mode::{NoGradGuard, is_grad_enabled, no_grad};
pub use graph::GradFn;
pub use saved::Saved;

use crate::{DynTensor, Element, Result};

/// The backward rule of one op: given the gradient of the op's output,
/// returns the gradient of each input (or `None` for inputs that need none).
///
/// Implementations hold whatever the forward pass saved (argmax indices,
/// sizes, options); inputs and output are handed over by the engine.
pub trait Backward<E: Element>: Send + Sync + Reuse {
    /// The op's name as shown by `grad_fn_name` and in anomaly reports
    /// (`"AddBackward"`, `"ConvolutionBackward"`).
    fn name(&self) -> &'static str;

    /// Computes the input gradients. `needs[i]` says whether input `i`
    /// requires a gradient; return `None` in that slot when it does not.
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>>;

    /// Which inputs' values (and whether the output's values, and buffers
    /// of its own) this rule reads: what PyTorch's op would save. The
    /// engine checks exactly these against in-place changes and frees them
    /// after a backward pass that does not retain the graph. The default,
    /// [`Saved::ALL`], is always safe; a rule that reads less says so, so
    /// that an in-place change of an input it does not read is accepted
    /// (an `add` does not read its inputs), as in PyTorch.
    fn saved(&self) -> Saved {
        Saved::ALL
    }

    /// Called when the graph node holding this rule is freed: give back to
    /// the [`pool`](crate::pool) whatever buffers the forward saved here and
    /// return `true` when `self` then owns nothing worth freeing, so that
    /// its box can be kept for the next op of the same type (a kept box
    /// holds its stale value until reused). The default says yes for rules
    /// of plain data (sizes, options) and no for any rule owning a `Vec`
    /// or a tensor, whose box is then freed.
    fn release(&mut self) -> bool {
        !std::mem::needs_drop::<Self>()
    }
}

/// Lets the engine keep the box of a freed [`Backward`] rule for the next op
/// of its type. Implemented for every type; nothing to write.
pub trait Reuse {
    /// Keeps this box among the thread's spares.
    fn into_spares(self: Box<Self>);
}

impl<T: Send + Sync + 'static> Reuse for T {
    fn into_spares(self: Box<Self>) {
        crate::pool::give_box(self);
    }
}

/// The input gradients a [`Backward`] rule returns, in a pooled `Vec` (the
/// engine gives it back once it has read it), like `vec![..]`.
///
/// ```
/// let grads = nncore::autograd::input_grads([Some(vec![1.0f32]), None]);
/// assert_eq!(grads, vec![Some(vec![1.0]), None]);
/// ```
pub fn input_grads<E: Element, const N: usize>(grads: [Option<Vec<E>>; N]) -> Vec<Option<Vec<E>>> {
    crate::pool::take_collected(grads.into_iter())
}

/// What a backward rule may read.
pub struct BackwardContext<'a, E: Element> {
    /// The op's inputs, in the order the op recorded them.
    pub inputs: &'a [DynTensor<E>],
    /// The op's output values.
    pub output: &'a [E],
    /// The output's shape.
    pub output_shape: &'a [usize],
    /// The gradient of the loss with respect to the output.
    pub grad_output: &'a [E],
    /// Which inputs need a gradient.
    pub needs: &'a [bool],
}

impl<E: Element> DynTensor<E> {
    /// Builds an op's output, recording `backward` in the graph when grad
    /// mode is on and any input requires a gradient. This is how every op
    /// in `ops/` creates its result.
    ///
    /// ```
    /// # use nncore::{DynTensor, autograd::{Backward, BackwardContext}, Result};
    /// struct DoubleBackward;
    /// impl Backward<f64> for DoubleBackward {
    ///     fn name(&self) -> &'static str { "DoubleBackward" }
    ///     fn backward(&self, c: &BackwardContext<'_, f64>) -> Result<Vec<Option<Vec<f64>>>> {
    ///         Ok(vec![Some(c.grad_output.iter().map(|g| 2.0 * g).collect())])
    ///     }
    /// }
    /// let x = DynTensor::<f64>::ones(&[2]).unwrap().requires_grad_(true);
    /// let y = DynTensor::from_op(x.data().iter().map(|v| 2.0 * v).collect(), vec![2], &[&x], || DoubleBackward);
    /// y.sum().backward().unwrap();
    /// assert_eq!(x.grad().unwrap(), vec![2.0, 2.0]);
    /// ```
    ///
    /// Take `data` from the [`pool`](crate::pool) (`pool::take_zeroed`) and
    /// pass the shape as an array or slice, and the op allocates nothing
    /// once warmed up: its node, its rule's box and its input list are
    /// recycled too.
    pub fn from_op<B: Backward<E> + 'static>(
        data: Vec<E>,
        shape: impl AsRef<[usize]>,
        inputs: &[&DynTensor<E>],
        backward: impl FnOnce() -> B,
    ) -> Self {
        debug_assert_eq!(
            data.len(),
            shape.as_ref().iter().product::<usize>(),
            "op output size"
        );
        let track = is_grad_enabled() && inputs.iter().any(|t| t.requires_grad());
        let grad_fn = track.then(|| GradFn::new(backward(), inputs));
        let out = Self::with_grad_fn(data, shape, grad_fn);
        anomaly::check_forward(&out);
        out
    }

    /// Computes the gradient of this scalar with respect to every leaf that
    /// requires one, accumulating into their `.grad()`, like
    /// `loss.backward()`.
    ///
    /// Fails when the tensor has more than one element (use
    /// [`backward_with`] with an explicit output gradient), does not
    /// require a gradient, goes through a graph an earlier backward pass
    /// released, or reads a value changed in place since the forward.
    /// The graph is released afterwards; see
    /// [`backward_with_options`](Self::backward_with_options) to keep it.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let x = DynTensor::<f64>::from_vec(vec![1.0, 2.0], &[2])?.requires_grad_(true);
    /// let loss = x.mul(&x)?.sum();
    /// loss.backward()?;
    /// assert_eq!(x.grad().unwrap(), vec![2.0, 4.0]);
    /// let again = loss.backward().unwrap_err().to_string();
    /// assert!(again.contains("Trying to backward through the graph a second time"), "{again}");
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn backward(&self) -> Result<()> {
        self.backward_with_options(BackwardOptions::default())
    }

    /// [`backward`](Self::backward) with options, like
    /// `loss.backward(retain_graph=True)`.
    ///
    /// ```
    /// use nncore::{DynTensor, autograd::BackwardOptions};
    /// let x = DynTensor::<f64>::from_vec(vec![1.0, 2.0], &[2])?.requires_grad_(true);
    /// let loss = x.mul(&x)?.sum();
    /// loss.backward_with_options(BackwardOptions::default().retain_graph(true))?;
    /// loss.backward()?; // allowed: the first pass kept the graph
    /// assert_eq!(x.grad().unwrap(), vec![4.0, 8.0]);
    /// # Ok::<(), nncore::Error>(())
    /// ```
    pub fn backward_with_options(&self, options: BackwardOptions) -> Result<()> {
        if self.numel() != 1 {
            return Err(crate::Error::Autograd(format!(
                "backward() needs a scalar output, got shape {:?}; use backward_with(grad_output)",
                self.shape()
            )));
        }
        backward_with_options(self, crate::pool::take_filled(1, E::one()), options)
    }
}

pub use anomaly::{Anomaly, Pass, detect_anomaly, first_anomaly, is_anomaly_enabled};
