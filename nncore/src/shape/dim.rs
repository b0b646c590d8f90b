//! Dimensions: a size known to the compiler (a typenum unsigned) or at run
//! time ([`Dyn`]), plus the poison size [`Invalid`].

use core::fmt::Debug;

use typenum::{Bit, UInt, UTerm, Unsigned};

/// One dimension of a shape: a static size (typenum `U28`, a zero-sized
/// type) or a runtime size ([`Dyn`]).
pub trait Dim: Copy + Debug + Send + Sync + 'static {
    /// The size of this dimension.
    fn size(&self) -> usize;

    /// Builds the dimension from a runtime size: `None` if `self` is static
    /// and `size` differs from it.
    fn from_size(size: usize) -> Option<Self>;

    /// The size if the compiler knows it (`Some(28)` for `U28`), `None`
    /// for a runtime size; used to describe a shape in runtime errors.
    const STATIC_SIZE: Option<usize> = None;
}

/// A dimension whose size is a compile-time constant (typenum's `UTerm` and
/// `UInt`, i.e. `U0`, `U1`, ... ).
pub trait StaticDim: Dim + Unsigned + Default {}

impl Dim for UTerm {
    const STATIC_SIZE: Option<usize> = Some(0);
    #[inline]
    fn size(&self) -> usize {
        0
    }

    #[inline]
    fn from_size(size: usize) -> Option<Self> {
        (size == 0).then_some(UTerm)
    }
}

impl StaticDim for UTerm {}

impl<U: StaticDim, B: Bit + Debug + Send + Sync> Dim for UInt<U, B> {
    const STATIC_SIZE: Option<usize> = Some(Self::USIZE);
    #[inline]
    fn size(&self) -> usize {
        Self::USIZE
    }

    #[inline]
    fn from_size(size: usize) -> Option<Self> {
        (size == Self::USIZE).then(Self::default)
    }
}

impl<U: StaticDim, B: Bit + Debug + Send + Sync> StaticDim for UInt<U, B> {}

/// A dimension whose size is known only at run time (a batch, a sequence
/// length). Shape rules accept it at compile time; the operation checks it
/// when it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dyn(pub usize);

impl Dim for Dyn {
    #[inline]
    fn size(&self) -> usize {
        self.0
    }

    #[inline]
    fn from_size(size: usize) -> Option<Self> {
        Some(Dyn(size))
    }
}

/// The size of a dimension computed by a shape rule that has already
/// failed (a kernel larger than its input, a wrong rank).
///
/// Every rule accepts it, so one mistake gives one compile error instead of
/// a cascade through the layers that follow. A program that compiles never
/// contains it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Invalid;

impl Dim for Invalid {
    #[inline]
    fn size(&self) -> usize {
        0
    }

    #[inline]
    fn from_size(_size: usize) -> Option<Self> {
        None
    }
}

/// A dimension usable as a generic batch size: `Dyn` or any static size.
///
/// Generic model code over the batch (`fn forward<B: BatchDim>(&self, x:
/// Tensor<(B, U64)>)`) needs this bound rather than plain [`Dim`] where two
/// tensors of the batch meet (a residual add): it tells the compiler that
/// `B` agrees with itself, which it cannot prove for an arbitrary `B`.
///
/// ```
/// use nncore::shape::{BatchDim, Dyn, U32, U64};
/// use nncore::Tensor;
/// fn residual<B: BatchDim>(x: Tensor<(B, U64)>) -> Tensor<(B, U64)> {
///     x.relu() + x
/// }
/// let _ = residual(Tensor::<(Dyn, U64)>::zeros((Dyn(4), U64::new())).unwrap());
/// let _ = residual(Tensor::<(U32, U64)>::zeros((U32::new(), U64::new())).unwrap());
/// ```
pub trait BatchDim: Dim + crate::shape::arith::DimCompat<Self, Output = typenum::B1> {}

impl<T: Dim + crate::shape::arith::DimCompat<T, Output = typenum::B1>> BatchDim for T {}
