//! Element types of a statically shaped tensor: floats (which carry
//! gradients) and `i64` (class labels, indices).

use crate::{DynTensor, Element, LongTensor, Result};

/// What a `Tensor<S, D>` stores: `f32`/`f64` in a [`DynTensor`], `i64` in a
/// [`LongTensor`]. Because the element type is part of the tensor's type, a
/// loss that needs float targets does not accept integer labels, and the
/// other way round, at compile time.
///
/// ```
/// use nncore::{DType, DynTensor};
/// fn storage_of<D: DType>(_: &D::Storage) {}
/// storage_of::<f32>(&DynTensor::<f32>::zeros(&[1]).unwrap());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an element type of a Kiln tensor",
    note = "tensors hold f32 or f64 (float data) or i64 (class labels and indices)"
)]
pub trait DType: Sized + Send + Sync + 'static {
    /// The runtime tensor type that holds the data.
    type Storage: Clone + std::fmt::Debug + Send + Sync;
    /// The runtime sizes of the storage.
    fn storage_shape(storage: &Self::Storage) -> &[usize];
    /// Storage holding `data` in the given shape (an error if the length differs).
    fn storage_from_vec(data: Vec<Self>, dims: &[usize]) -> Result<Self::Storage>;
    /// The values of the storage, row-major.
    fn storage_to_vec(storage: &Self::Storage) -> Vec<Self>;
}

impl<E: Element> DType for E {
    type Storage = DynTensor<E>;
    fn storage_shape(storage: &DynTensor<E>) -> &[usize] {
        storage.shape()
    }
    fn storage_from_vec(data: Vec<E>, dims: &[usize]) -> Result<DynTensor<E>> {
        DynTensor::from_vec(data, dims)
    }
    fn storage_to_vec(storage: &DynTensor<E>) -> Vec<E> {
        storage.to_vec()
    }
}

impl DType for i64 {
    type Storage = LongTensor;
    fn storage_shape(storage: &LongTensor) -> &[usize] {
        storage.shape()
    }
    fn storage_from_vec(data: Vec<i64>, dims: &[usize]) -> Result<LongTensor> {
        LongTensor::from_vec(data, dims)
    }
    fn storage_to_vec(storage: &LongTensor) -> Vec<i64> {
        storage.data().to_vec()
    }
}

/// The data of a `Tensor<S, u8>` (or another integer type than `i64`):
/// class labels as they come from a file, before `.long()` turns them into
/// the `i64` indices the losses and `Embedding` take. It only holds and
/// returns the values; no op computes on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntStorage<T> {
    data: Vec<T>,
    shape: Vec<usize>,
}

/// An integer type other than `i64` that a tensor can hold as labels,
/// converted to `i64` by [`Tensor::long`](crate::Tensor::long).
pub trait IntLabel: Copy + std::fmt::Debug + Send + Sync + 'static {
    /// The value as an `i64` index; `None` if it does not fit.
    fn to_i64(self) -> Option<i64>;
}

macro_rules! int_labels {
    ($($t:ty),*) => {$(
        impl IntLabel for $t {
            #[inline]
            fn to_i64(self) -> Option<i64> {
                i64::try_from(self).ok()
            }
        }

        impl DType for $t {
            type Storage = IntStorage<$t>;
            fn storage_shape(storage: &IntStorage<$t>) -> &[usize] {
                &storage.shape
            }
            fn storage_from_vec(data: Vec<$t>, dims: &[usize]) -> Result<IntStorage<$t>> {
                let expected: usize = dims.iter().product();
                if data.len() != expected {
                    return Err(crate::Error::shape(
                        "Tensor::from_vec",
                        format!("{dims:?} ({expected} elements)"),
                        format!("{} elements", data.len()),
                    ));
                }
                Ok(IntStorage { data, shape: dims.to_vec() })
            }
            fn storage_to_vec(storage: &IntStorage<$t>) -> Vec<$t> {
                storage.data.clone()
            }
        }
    )*};
}

int_labels!(u8, u16, u32, u64, usize, i8, i16, i32);
