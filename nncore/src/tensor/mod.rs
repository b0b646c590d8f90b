//! The runtime-shaped tensor: dims known at run time, data in a shared
//! buffer, and the autograd links that make it differentiable.
//!
//! A [`DynTensor`] is a cheap handle (an `Arc`): cloning it shares the same
//! data and the same gradient, exactly like assigning a `torch.Tensor` to a
//! second Python name. Parameters are such handles too, so a model and its
//! optimizer see the same weights.

mod construct;
mod dims;
mod long;
mod recycle;
mod size;

pub(crate) use dims::Dims;
pub use long::LongTensor;
pub(crate) use recycle::release_graph_parts;
pub(crate) use size::admit;

use crate::autograd::GradFn;
use crate::pool;
use crate::{Element, Error, Result};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A tensor whose sizes are known at run time.
///
/// This is the functional layer (think `torch.Tensor` with
/// `torch.nn.functional`): every op checks its sizes at run time and returns
/// [`Result`]. The statically shaped `Tensor<S>` wraps it.
///
/// ```
/// use nncore::DynTensor;
/// let x = DynTensor::<f64>::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
/// assert_eq!(x.shape(), &[2, 2]);
/// assert_eq!(x.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
/// ```
pub struct DynTensor<E: Element = f32> {
    pub(crate) node: Arc<Node<E>>,
}

/// The shared state behind a tensor handle.
pub(crate) struct Node<E: Element> {
    pub(crate) id: u64,
    pub(crate) shape: Dims,
    /// Written only through parameters (optimizer steps, `init`, loading).
    pub(crate) data: RwLock<Vec<E>>,
    /// Bumped by every in-place change of `data` (PyTorch's `_version`).
    pub(crate) version: AtomicU64,
    pub(crate) requires_grad: AtomicBool,
    /// The accumulated gradient of a leaf, `None` until a backward reaches it
    /// (PyTorch's `.grad is None`).
    pub(crate) grad: Mutex<Option<Vec<E>>>,
    /// How this tensor was computed, when it was computed from tensors that
    /// require a gradient and grad mode was on.
    pub(crate) grad_fn: Option<GradFn<E>>,
}

impl<E: Element> Clone for DynTensor<E> {
    fn clone(&self) -> Self {
        DynTensor {
            node: Arc::clone(&self.node),
        }
    }
}

impl<E: Element> Drop for DynTensor<E> {
    /// The last handle of a tensor gives its buffers and its graph node back
    /// to the thread's [`pool`].
    fn drop(&mut self) {
        if Arc::strong_count(&self.node) == 1 {
            recycle::release_node(&mut self.node);
        }
    }
}

impl<E: Element> DynTensor<E> {
    /// Wraps data and a shape into a new leaf tensor (no gradient).
    pub(crate) fn leaf(data: Vec<E>, shape: impl AsRef<[usize]>) -> Self {
        debug_assert_eq!(data.len(), shape.as_ref().iter().product::<usize>());
        Self::with_grad_fn(data, shape, None)
    }

    /// A new tensor; its graph node comes from the thread's spare nodes when
    /// one is free (see [`pool`]), so making a tensor allocates nothing
    /// once a step has warmed the pool up.
    pub(crate) fn with_grad_fn(
        data: Vec<E>,
        shape: impl AsRef<[usize]>,
        grad_fn: Option<GradFn<E>>,
    ) -> Self {
        DynTensor {
            node: recycle::new_node(data, Dims::new(shape.as_ref()), grad_fn),
        }
    }

    /// Creates a tensor from row-major data; fails when the length does not
    /// match the shape.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert!(DynTensor::<f32>::from_vec(vec![1.0; 5], &[2, 3]).is_err());
    /// ```
    pub fn from_vec(data: Vec<E>, shape: &[usize]) -> Result<Self> {
        // Checked: a shape from a file may multiply past usize::MAX.
        let numel = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        if numel != Some(data.len()) {
            let expected = numel.map_or_else(|| "more".to_string(), |n| n.to_string());
            return Err(Error::shape(
                "from_vec",
                format!("{expected} elements for shape {shape:?}"),
                format!("{} elements", data.len()),
            ));
        }
        Ok(Self::leaf(data, shape))
    }

    /// The sizes of each dimension.
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }

    /// The number of dimensions.
    pub fn rank(&self) -> usize {
        self.node.shape.len()
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        self.node.shape.iter().product()
    }

    /// A unique identity of the underlying storage (stable across clones of
    /// the handle), used to key optimizer state and detect duplicates.
    pub fn id(&self) -> u64 {
        self.node.id
    }

    /// Whether two handles share the same storage.
    pub fn same_storage(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.node, &other.node)
    }

    /// Reads the data. Holding the guard blocks optimizer updates of a
    /// parameter, so keep it short.
    pub fn data(&self) -> RwLockReadGuard<'_, Vec<E>> {
        self.node.data.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the data in place, like `with torch.no_grad(): p.copy_(...)`.
    /// Used by optimizers, initialisers and weight loading. Bumps the
    /// [`version`](Self::version): a graph that saved this tensor before
    /// refuses to back-propagate through it afterwards.
    pub fn data_mut(&self) -> RwLockWriteGuard<'_, Vec<E>> {
        let guard = self.node.data.write().unwrap_or_else(|e| e.into_inner());
        self.node.version.fetch_add(1, Ordering::Relaxed);
        guard
    }

    /// How many times the data was changed in place (through
    /// [`data_mut`](Self::data_mut): optimizer steps, `init` functions,
    /// `load_state_dict`), like PyTorch's `tensor._version`. A new tensor
    /// is at version 0; `requires_grad_` does not count.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let w = DynTensor::<f32>::zeros(&[2]).unwrap().requires_grad_(true);
    /// assert_eq!(w.version(), 0);
    /// w.data_mut()[0] = 1.0;
    /// nncore::init::ones_(&w);
    /// assert_eq!(w.version(), 2);
    /// ```
    pub fn version(&self) -> u64 {
        self.node.version.load(Ordering::Relaxed)
    }

    /// Copies the data out.
    pub fn to_vec(&self) -> Vec<E> {
        self.data().clone()
    }

    /// The single value of a one-element tensor (a loss), like `.item()`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// assert_eq!(DynTensor::scalar(2.5f32).item(), 2.5);
    /// ```
    ///
    /// # Panics
    /// When the tensor has more than one element (a contract violation, as in
    /// PyTorch).
    pub fn item(&self) -> E {
        let d = self.data();
        assert_eq!(
            d.len(),
            1,
            "item() needs a tensor with one element, got shape {:?}",
            self.shape()
        );
        d[0]
    }

    /// Whether gradients flow to or through this tensor.
    pub fn requires_grad(&self) -> bool {
        self.node.requires_grad.load(Ordering::Relaxed)
    }

    /// Marks a leaf as needing a gradient (or not), like `requires_grad_()`.
    /// Returns the same handle for chaining.
    pub fn requires_grad_(self, requires_grad: bool) -> Self {
        self.set_requires_grad(requires_grad);
        self
    }

    /// Sets `requires_grad` through a shared handle (parameters are shared).
    pub fn set_requires_grad(&self, requires_grad: bool) {
        self.node
            .requires_grad
            .store(requires_grad, Ordering::Relaxed);
    }

    /// Whether this tensor was created by the user rather than by an op.
    pub fn is_leaf(&self) -> bool {
        self.node.grad_fn.is_none()
    }

    /// The name of the op that produced this tensor, like `grad_fn` in
    /// PyTorch (`None` for leaves).
    pub fn grad_fn_name(&self) -> Option<&'static str> {
        self.node.grad_fn.as_ref().map(|g| g.name())
    }

    /// The accumulated gradient, `None` before any backward reached it or
    /// after `zero_grad` (set to none, PyTorch's default).
    pub fn grad(&self) -> Option<Vec<E>> {
        self.grad_lock().clone()
    }

    /// The gradient as a tensor of the same shape.
    pub fn grad_tensor(&self) -> Option<DynTensor<E>> {
        self.grad().map(|g| Self::leaf(g, self.shape()))
    }

    /// Locks the gradient slot, for optimizers that read it in place.
    pub fn grad_lock(&self) -> MutexGuard<'_, Option<Vec<E>>> {
        self.node.grad.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Clears the gradient (sets it to `None`); its buffer goes back to the
    /// [`pool`] for the next backward pass.
    pub fn zero_grad(&self) {
        let old = self.grad_lock().take();
        if let Some(g) = old {
            pool::give_back(g);
        }
    }

    /// A new leaf with the same data and no history, like `.detach()`
    /// (the data is copied; Kiln never aliases a parameter's buffer).
    pub fn detach(&self) -> Self {
        Self::leaf(pool::take_copied(&self.data()), self.shape())
    }

    /// Converts the element type (`f32` to `f64` and back), as a new leaf.
    pub fn cast<F: Element>(&self) -> DynTensor<F> {
        DynTensor::leaf(
            self.data().iter().map(|x| F::of(x.as_f64())).collect(),
            self.shape(),
        )
    }

    /// Checks that this tensor has exactly the given shape.
    pub fn expect_shape(&self, op: &'static str, shape: &[usize]) -> Result<()> {
        if self.shape() != shape {
            return Err(Error::shape(
                op,
                format!("{shape:?}"),
                format!("{:?}", self.shape()),
            ));
        }
        Ok(())
    }
}

impl<E: Element> fmt::Debug for DynTensor<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = self.data();
        let shown: Vec<E> = data.iter().take(8).copied().collect();
        write!(f, "DynTensor(shape={:?}, data={:?}", self.shape(), shown)?;
        if data.len() > 8 {
            write!(f, " ...")?;
        }
        if let Some(name) = self.grad_fn_name() {
            write!(f, ", grad_fn={name}")?;
        } else if self.requires_grad() {
            write!(f, ", requires_grad=True")?;
        }
        write!(f, ")")
    }
}
