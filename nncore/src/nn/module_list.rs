//! `nn.ModuleList`: an indexed list of modules.

use super::dyn_module::chain_dyn;
use super::module::training_flag;
use super::{DynForward, DynModule, Forward, Module, fmt_module};
use crate::{DynTensor, Error, Result};
use std::fmt;
use std::ops::{Index, IndexMut};

/// A list of modules, like `torch.nn.ModuleList`: its children are named
/// `0`, `1`, ... so their parameters are `0.weight`, `1.bias`, ...; it
/// prints as PyTorch does, folding runs of identical children into
/// `(0-2): 3 x Linear(...)`.
///
/// The element type chooses between static and runtime shapes:
///
/// - `ModuleList<Block>` (every element of one type) keeps static shapes: when `Block: Forward<X, Output = X>` the list
///   implements `Forward<X>` by applying every block in order, checked at
///   compile time.
/// - `ModuleList` (= `ModuleList<Box<dyn DynModule>>`) holds different
///   layer types, as the seed's `[Linear(784, 256), ReLU()]`. Its sizes are
///   only known at run time, so it runs through [`DynForward`]: a size that
///   does not fit is an [`Error::Shape`] naming the layer's index.
///
/// PyTorch's `ModuleList` has no `forward`; Kiln's chained forward is a
/// convenience for the common "apply every block" loop, and iteration
/// works as in PyTorch for anything else.
///
/// ```
/// use nncore::nn::{DynForward, Linear, ModuleExt, ModuleList, ReLU};
/// use nncore::shape::{U10, U256, U784};
/// use nncore::DynTensor;
/// let mut net: ModuleList = ModuleList::from_vec(vec![Box::new(Linear::<U784, U256>::new()), Box::new(ReLU::new())]);
/// net.append(Box::new(Linear::<U256, U10>::new()));
/// assert_eq!(net.len(), 3);
/// assert_eq!(net.get(-1).unwrap().type_name(), "Linear"); // net[-1]
/// assert_eq!(net.named_parameters()[2].0, "2.weight");
/// let y = net.forward_dyn(&DynTensor::zeros(&[2, 784]).unwrap()).unwrap();
/// assert_eq!(y.shape(), &[2, 10]);
/// ```
pub struct ModuleList<T = Box<dyn DynModule>> {
    items: Vec<T>,
    training: bool,
}

impl<T: Module> ModuleList<T> {
    /// An empty list, like `nn.ModuleList()`.
    pub fn new() -> Self {
        Self::from_vec(Vec::new())
    }

    /// A list of these modules, like `nn.ModuleList([...])`.
    pub fn from_vec(items: Vec<T>) -> Self {
        ModuleList {
            items,
            training: true,
        }
    }

    /// Appends a module at the end, like `append`.
    pub fn append(&mut self, module: T) -> &mut Self {
        self.items.push(module);
        self
    }

    /// Appends every module of `modules`, like `extend`.
    pub fn extend(&mut self, modules: impl IntoIterator<Item = T>) -> &mut Self {
        self.items.extend(modules);
        self
    }

    /// Inserts a module before position `index`, like `insert`: negative
    /// counts from the end as in Python (`-1` goes before the last module),
    /// `len()` appends, anything further is an error.
    ///
    /// ```
    /// use nncore::nn::{ModuleList, ReLU};
    /// let mut list = ModuleList::from_vec(vec![ReLU::new(), ReLU::new()]);
    /// list.insert(1, ReLU::new().inplace(true)).unwrap();
    /// assert_eq!(list[1].to_string(), "ReLU(inplace=True)");
    /// let err = list.insert(7, ReLU::new()).unwrap_err();
    /// assert_eq!(err.to_string(), "ModuleList.insert: index 7 is out of range [0, 4)");
    /// ```
    pub fn insert(&mut self, index: isize, module: T) -> Result<()> {
        let len = self.items.len();
        let at = if index < 0 {
            resolve(index, len)
        } else {
            resolve(index, len + 1)
        };
        let at = at.ok_or(Error::IndexOutOfRange {
            op: "ModuleList.insert",
            what: "index",
            index: index as i64,
            bound: len + 1,
        })?;
        self.items.insert(at, module);
        Ok(())
    }

    /// Removes and returns the module at `index` (negative from the end),
    /// like `pop`; `None` when out of range.
    pub fn pop(&mut self, index: isize) -> Option<T> {
        let at = resolve(index, self.items.len())?;
        Some(self.items.remove(at))
    }

    /// The module at `index`, negative indices counting from the end as
    /// in Python: `get(-1)` is PyTorch's `net[-1]`. `None` when out of range.
    pub fn get(&self, index: isize) -> Option<&T> {
        resolve(index, self.items.len()).map(|i| &self.items[i])
    }

    /// The module at `index`, mutably (negative from the end).
    pub fn get_mut(&mut self, index: isize) -> Option<&mut T> {
        resolve(index, self.items.len()).map(|i| &mut self.items[i])
    }

    /// Replaces the module at `index` (negative from the end), like
    /// `net[i] = module`; returns the old one.
    pub fn set(&mut self, index: isize, module: T) -> Result<T> {
        let len = self.items.len();
        let at = resolve(index, len).ok_or(Error::IndexOutOfRange {
            op: "ModuleList.set",
            what: "index",
            index: index as i64,
            bound: len,
        })?;
        Ok(std::mem::replace(&mut self.items[at], module))
    }

    /// The first module.
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    /// The last module, like `net[-1]`.
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    /// The number of modules, like `len(net)`.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The modules in order, like `for m in net`.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The modules in order, mutably.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// The modules as a slice (`&net.as_slice()[1..]` is `net[1:]`).
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }
}

/// A Python index into a sequence of `len`: negative counts from the end.
fn resolve(index: isize, len: usize) -> Option<usize> {
    let i = if index < 0 {
        len.checked_sub(index.unsigned_abs())?
    } else {
        index as usize
    };
    (i < len).then_some(i)
}

impl<T: Module> Default for ModuleList<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Module> FromIterator<T> for ModuleList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self::from_vec(iter.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a ModuleList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T> IntoIterator for ModuleList<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// `net[i]` for `i` in `0..len()`.
///
/// # Panics
/// When `i >= len()`, like a `Vec`; [`ModuleList::get`] returns `None`
/// instead and takes negative indices.
impl<T> Index<usize> for ModuleList<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.items[i]
    }
}

/// `net[i] = ...` in place.
///
/// # Panics
/// When `i >= len()`; [`ModuleList::set`] returns an error instead.
impl<T> IndexMut<usize> for ModuleList<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.items[i]
    }
}

impl<T: Module> Module for ModuleList<T> {
    training_flag!();
    fn type_name(&self) -> &str {
        "ModuleList"
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        let items = self.items.iter().enumerate();
        items
            .map(|(i, m)| (i.to_string(), m as &dyn Module))
            .collect()
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        let items = self.items.iter_mut().enumerate();
        items
            .map(|(i, m)| (i.to_string(), m as &mut dyn Module))
            .collect()
    }
    fn folds_repeated_children(&self) -> bool {
        true
    }
}

/// Applies every module in order on a runtime-shaped input; an error names
/// the layer: `ModuleList: shape mismatch: expected layer (2) Linear to get
/// [*, 256], found [2, 784]`.
impl<T: DynModule> DynForward for ModuleList<T> {
    fn forward_dyn(&self, input: &DynTensor) -> Result<DynTensor> {
        let layers = self.items.iter().enumerate();
        chain_dyn("ModuleList", layers.map(|(i, m)| (i.to_string(), m)), input)
    }
}

/// Applies every block in order with static shapes (each block maps `X`
/// to `X`, as a stack of residual blocks does).
///
/// ```
/// use nncore::nn::{Forward, Linear, ModuleList};
/// use nncore::shape::{Dyn, U8};
/// use nncore::Tensor;
/// let blocks: ModuleList<Linear<U8, U8>> = (0..3).map(|_| Linear::new()).collect();
/// let y: Tensor<(Dyn, U8)> = blocks.forward(Tensor::zeros((Dyn(2), U8::default())).unwrap());
/// assert_eq!(y.dims().as_slice(), &[2, 8]);
/// ```
impl<X, T: Forward<X, Output = X>> Forward<X> for ModuleList<T> {
    type Output = X;
    fn forward(&self, x: X) -> X {
        self.items.iter().fold(x, |x, block| block.forward(x))
    }
}

impl<T: Module> fmt::Display for ModuleList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Linear, ModuleExt, ReLU};
    use crate::shape::{U2, U3, U4};

    fn mixed() -> ModuleList {
        ModuleList::from_vec(vec![
            Box::new(Linear::<U4, U3>::new()),
            Box::new(ReLU::new()),
            Box::new(Linear::<U3, U2>::new()),
        ])
    }

    #[test]
    fn negative_indices_count_from_the_end() {
        let list = mixed();
        assert_eq!(list.get(-1).unwrap().extra_repr(), list[2].extra_repr());
        assert_eq!(list.get(-3).unwrap().type_name(), "Linear");
        assert!(list.get(-4).is_none());
        assert!(list.get(3).is_none());
        assert_eq!(list.last().unwrap().extra_repr(), list[2].extra_repr());
    }

    #[test]
    fn insert_pop_and_set_renumber_the_keys() {
        let mut list = mixed();
        list.insert(0, Box::new(ReLU::new())).unwrap();
        let names: Vec<String> = list.named_parameters().into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["1.weight", "1.bias", "3.weight", "3.bias"]);
        list.insert(-1, Box::new(ReLU::new())).unwrap();
        assert_eq!(list[3].type_name(), "ReLU");
        assert_eq!(list.pop(-1).unwrap().type_name(), "Linear");
        let old = list.set(0, Box::new(Linear::<U2, U2>::new())).unwrap();
        assert_eq!(old.type_name(), "ReLU");
        assert_eq!(
            list.set(9, Box::new(ReLU::new()))
                .err()
                .unwrap()
                .to_string(),
            "ModuleList.set: index 9 is out of range [0, 4)"
        );
    }

    #[test]
    fn a_size_mismatch_is_an_error_naming_the_layer() {
        let mut list = mixed();
        list.append(Box::new(Linear::<U4, U2>::new()));
        let err = list
            .forward_dyn(&DynTensor::zeros(&[5, 4]).unwrap())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ModuleList: shape mismatch: expected layer (3) Linear to get input [*, 4], found [5, 2]"
        );
    }

    #[test]
    fn eval_reaches_the_list_and_its_children() {
        let mut list = mixed();
        list.eval();
        assert!(!list.is_training());
        assert!(list.iter().all(|m| !m.is_training()));
        let mut empty = ModuleList::<ReLU>::new();
        empty.eval();
        assert!(!empty.is_training());
    }
}
