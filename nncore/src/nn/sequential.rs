//! `nn.Sequential`: layers applied one after another.
//!
//! The layers are held in a cons list `(A, (B, (C, ())))`, written by the
//! `sequential!` macro, so a chain of any length has one static type and
//! its forward is checked link by link by the compiler.

use super::summary::{ChainSummary, InputDeclared, Summary};
use super::{Forward, Module, fmt_module};
use crate::Tensor;
use crate::shape::Shape;
use std::fmt;
use std::marker::PhantomData;

/// Layers applied in order, like `torch.nn.Sequential`. Build it with the
/// `sequential!` macro (`kiln::sequential![Linear(784, 256), ReLU, Linear(256, 10)]`);
/// name its type with `kiln::Sequential![...]`.
///
/// `I` is the input shape declared with `sequential![input (1, 28, 28);
/// ...]` (`(Dyn, U1, U28, U28)`), or [`NoInput`]. It does not restrict
/// `forward`; it lets [`summary`](Sequential::summary) print every layer's
/// output shape without an example input.
///
/// ```
/// use nncore::nn::{Linear, ModuleExt, ReLU, Sequential};
/// use nncore::shape::{U2, U3, U4};
/// let net = Sequential::new((Linear::<U4, U3>::new(), (ReLU::new(), (Linear::<U3, U2>::new(), ()))));
/// assert_eq!(net.named_parameters()[2].0, "2.weight");
/// ```
pub struct Sequential<L, I = NoInput> {
    layers: L,
    input: PhantomData<fn() -> I>,
}

/// The input shape parameter of a [`Sequential`] built without one.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoInput;

impl<L> Sequential<L> {
    /// Wraps a cons list of layers. (Unbounded, so that a non-module given
    /// to `sequential!` is reported once, at that layer.)
    pub fn new(layers: L) -> Self {
        Sequential {
            layers,
            input: PhantomData,
        }
    }
}

impl<L, I: Shape> Sequential<L, I> {
    /// Wraps a cons list of layers that takes input shape `I`, what
    /// `sequential![input (1, 28, 28); ...]` writes.
    pub fn with_input(layers: L) -> Self {
        Sequential {
            layers,
            input: PhantomData,
        }
    }
}

impl<L, I> Sequential<L, I> {
    /// The summary for the declared input: each layer's output shape and
    /// parameter count, and the totals, like `torchinfo.summary(model,
    /// input_size)`. The shapes are the types the compiler computed for
    /// each layer's output; nothing runs.
    ///
    /// ```
    /// use nncore::nn::{Flatten, Linear, Sequential};
    /// use nncore::shape::{Dyn, U10, U28, U784};
    /// let net = Sequential::<_, (Dyn, U28, U28)>::with_input((Flatten::new(), (Linear::<U784, U10>::new(), ())));
    /// let summary = net.summary();
    /// assert_eq!(summary.input, "[*, 28, 28]");
    /// assert_eq!((summary.rows[1].output.as_str(), summary.rows[1].params), ("[*, 10]", 7850));
    /// ```
    pub fn summary(&self) -> Summary
    where
        I: InputDeclared<L>,
    {
        Summary {
            input: I::describe(),
            rows: I::rows(&self.layers),
        }
    }

    /// The summary for input shape `S` (`(Dyn, U1, U28, U28)`), for a
    /// sequential built without one; see [`summary`](Sequential::summary).
    pub fn summary_for<S: Shape>(&self) -> Summary
    where
        Tensor<S>: ChainSummary<L>,
    {
        let mut rows = Vec::new();
        <Tensor<S> as ChainSummary<L>>::rows(&self.layers, 0, &mut rows);
        Summary {
            input: S::describe(),
            rows,
        }
    }
}

impl<L: Chain, I> Sequential<L, I> {
    /// The layers as a cons list: `net.layers().0` is the first layer,
    /// `net.layers().1.0` the second.
    pub fn layers(&self) -> &L {
        &self.layers
    }

    /// The layers, mutably.
    pub fn layers_mut(&mut self) -> &mut L {
        &mut self.layers
    }

    /// The number of layers.
    pub fn len(&self) -> usize {
        L::LEN
    }

    /// Whether there are no layers.
    pub fn is_empty(&self) -> bool {
        L::LEN == 0
    }
}

impl<L, I> Sequential<L, I> {
    /// Runs the layers in order, like calling an `nn.Sequential`; the same
    /// as [`Forward::forward`], which containers and generic code use.
    ///
    /// An inherent method so that `model.forward(x)` on a sequential asks
    /// only `X: ChainForward<L>`, a blanket impl over the input: a shape
    /// error then shows the failing layer's message without a list of the
    /// `Forward` impls.
    ///
    /// ```
    /// use nncore::nn::{Linear, ReLU, Sequential};
    /// use nncore::shape::{Dyn, U2, U3, U4};
    /// use nncore::Tensor;
    /// let net = Sequential::new((Linear::<U4, U3>::new(), (ReLU::new(), (Linear::<U3, U2>::new(), ()))));
    /// let y: Tensor<(Dyn, U2)> = net.forward(Tensor::zeros((Dyn(5), U4::new())).unwrap());
    /// assert_eq!(y.dims().as_slice(), &[5, 2]);
    /// ```
    pub fn forward<X: ChainForward<L>>(&self, x: X) -> X::Output {
        x.chain_forward(&self.layers)
    }
}

/// A cons list of modules: `()` or `(Module, Chain)`.
#[doc(hidden)]
pub trait Chain: Send + Sync {
    const LEN: usize;
    fn push_children<'a>(&'a self, index: usize, out: &mut Vec<(String, &'a dyn Module)>);
    fn push_children_mut<'a>(
        &'a mut self,
        index: usize,
        out: &mut Vec<(String, &'a mut dyn Module)>,
    );
}

impl Chain for () {
    const LEN: usize = 0;
    fn push_children<'a>(&'a self, _: usize, _: &mut Vec<(String, &'a dyn Module)>) {}
    fn push_children_mut<'a>(&'a mut self, _: usize, _: &mut Vec<(String, &'a mut dyn Module)>) {}
}

impl<A: Module, R: Chain> Chain for (A, R) {
    const LEN: usize = 1 + R::LEN;
    fn push_children<'a>(&'a self, index: usize, out: &mut Vec<(String, &'a dyn Module)>) {
        out.push((index.to_string(), &self.0));
        self.1.push_children(index + 1, out);
    }
    fn push_children_mut<'a>(
        &'a mut self,
        index: usize,
        out: &mut Vec<(String, &'a mut dyn Module)>,
    ) {
        out.push((index.to_string(), &mut self.0));
        self.1.push_children_mut(index + 1, out);
    }
}

/// The forward pass through a cons list of layers `L`, implemented on the
/// input `X`: each layer's output feeds the next.
///
/// It is implemented on the input rather than on the list so that a shape
/// error inside a `sequential!` reports only the failing layer's rule: the
/// compiler lists "other types implementing" the trait of the outermost
/// failed bound, and finds none to list for a blanket impl over `X`.
#[doc(hidden)]
pub trait ChainForward<L> {
    type Output;
    fn chain_forward(self, layers: &L) -> Self::Output;
}

impl<X> ChainForward<()> for X {
    type Output = X;
    fn chain_forward(self, _: &()) -> X {
        self
    }
}

impl<X, A: Forward<X>, R> ChainForward<(A, R)> for X
where
    A::Output: ChainForward<R>,
{
    type Output = <A::Output as ChainForward<R>>::Output;
    fn chain_forward(self, layers: &(A, R)) -> Self::Output {
        layers.0.forward(self).chain_forward(&layers.1)
    }
}

/// Every layer built with its defaults (PyTorch's initialisation, a bias
/// where the layer has one): so a model whose type is written with
/// `Sequential![...]` needs no second list of its layers.
///
/// ```
/// use nncore::nn::{Linear, ModuleExt, ReLU, Sequential};
/// use nncore::shape::{U2, U3};
/// let net = Sequential::<(Linear<U3, U2>, (ReLU, ()))>::default();
/// assert_eq!(net.num_parameters(), 3 * 2 + 2);
/// ```
impl<L: Default, I> Default for Sequential<L, I> {
    fn default() -> Self {
        Sequential {
            layers: L::default(),
            input: PhantomData,
        }
    }
}

impl<L: Chain, I> Module for Sequential<L, I> {
    fn type_name(&self) -> &str {
        "Sequential"
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        let mut out = Vec::with_capacity(L::LEN);
        self.layers.push_children(0, &mut out);
        out
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        let mut out = Vec::with_capacity(L::LEN);
        self.layers.push_children_mut(0, &mut out);
        out
    }
}

impl<X: ChainForward<L>, L, I> Forward<X> for Sequential<L, I> {
    type Output = X::Output;
    fn forward(&self, x: X) -> Self::Output {
        x.chain_forward(&self.layers)
    }
}

impl<L: Chain, I> fmt::Display for Sequential<L, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}
