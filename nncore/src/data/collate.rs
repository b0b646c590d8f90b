//! Stacking examples into a batch (PyTorch's `default_collate`): a tensor
//! of shape `S` per example becomes one tensor of shape `(Dyn, S...)`, the
//! batch size its runtime first dimension; class indices become a
//! `Tensor<(Dyn,), i64>` (PyTorch's LongTensor of targets); a tuple is
//! collated field by field.

use crate::Element;
use crate::Tensor;
use crate::shape::{Dyn, InsertDim, InsertRule, Shape};

/// How examples of one type are stacked into a batch, like PyTorch's
/// `default_collate`.
///
/// ```
/// use nncore::data::Collate;
/// use nncore::{Tensor, shape::*};
///
/// let samples = vec![
///     (Tensor::<(U2,)>::from_vec(vec![1.0, 2.0], (U2::new(),))?, 3i64),
///     (Tensor::<(U2,)>::from_vec(vec![4.0, 5.0], (U2::new(),))?, 7i64),
/// ];
/// let (x, y): (Tensor<(Dyn, U2)>, Tensor<(Dyn,), i64>) = Collate::collate(samples);
/// assert_eq!(x.to_vec(), [1.0, 2.0, 4.0, 5.0]);
/// assert_eq!(y.to_vec(), [3, 7]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub trait Collate: Sized {
    /// The batch of many `Self`.
    type Batch;

    /// Stacks `samples` (at least one, in order) into one batch.
    ///
    /// # Panics
    /// If `samples` is empty (the loader never makes an empty batch), or if
    /// tensors with a runtime-sized ([`Dyn`]) dimension differ in that size,
    /// as `torch.stack` raises: a dataset whose examples differ in length
    /// pads them itself, or its batches are built by hand from
    /// [`DataLoader::batches`](super::DataLoader::batches).
    fn collate(samples: Vec<Self>) -> Self::Batch;
}

impl<S: Shape + InsertRule<0>, E: Element> Collate for Tensor<S, E> {
    type Batch = Tensor<InsertDim<S, 0, Dyn>, E>;

    fn collate(samples: Vec<Self>) -> Self::Batch {
        Tensor::stack::<0>(&samples).unwrap_or_else(|e| {
            panic!("DataLoader: the examples of a batch cannot be stacked: {e}")
        })
    }
}

/// Class indices become PyTorch's int64 target tensor.
impl Collate for i64 {
    type Batch = Tensor<(Dyn,), i64>;

    fn collate(samples: Vec<i64>) -> Self::Batch {
        let n = samples.len();
        Tensor::from_vec(samples, (Dyn(n),)).expect("a vector of n values has shape [n]")
    }
}

/// Scalars (regression targets) become a 1-D tensor.
impl Collate for f32 {
    type Batch = Tensor<(Dyn,)>;

    fn collate(samples: Vec<f32>) -> Self::Batch {
        let n = samples.len();
        Tensor::from_vec(samples, (Dyn(n),)).expect("a vector of n values has shape [n]")
    }
}

macro_rules! collate_tuple {
    ($($t:ident $list:ident $item:ident),*) => {
        /// Each field collated on its own, as PyTorch collates a tuple.
        impl<$($t: Collate),*> Collate for ($($t,)*) {
            type Batch = ($($t::Batch,)*);

            fn collate(samples: Vec<Self>) -> Self::Batch {
                $(let mut $list = Vec::with_capacity(samples.len());)*
                for ($($item,)*) in samples {
                    $($list.push($item);)*
                }
                ($($t::collate($list),)*)
            }
        }
    };
}

collate_tuple!(A a_list a);
collate_tuple!(A a_list a, B b_list b);
collate_tuple!(A a_list a, B b_list b, C c_list c);
