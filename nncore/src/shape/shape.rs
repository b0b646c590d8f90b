//! Shapes: tuples of dimensions, rank 0 to 4, and their runtime form
//! [`Dims`].

use core::fmt::{self, Debug, Display};

use typenum::{U0, U1, U2, U3, U4, Unsigned};

use super::dim::Dim;

/// The largest rank a [`Shape`] has.
pub const MAX_RANK: usize = 4;

/// The runtime sizes of a shape: up to [`MAX_RANK`] sizes, `Copy`, printed
/// like PyTorch's `torch.Size` contents: `[64, 1, 28, 28]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dims {
    sizes: [usize; MAX_RANK],
    len: usize,
}

impl Dims {
    /// The sizes in `sizes`, or `None` if there are more than [`MAX_RANK`].
    pub fn from_slice(sizes: &[usize]) -> Option<Self> {
        let mut out = Dims {
            sizes: [0; MAX_RANK],
            len: sizes.len(),
        };
        out.sizes.get_mut(..sizes.len())?.copy_from_slice(sizes);
        Some(out)
    }

    /// The sizes, outermost first.
    #[inline]
    pub fn as_slice(&self) -> &[usize] {
        &self.sizes[..self.len]
    }

    /// The rank (number of dimensions).
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether this is the shape of a scalar (rank 0).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of elements: the product of the sizes (1 for a scalar).
    #[inline]
    pub fn numel(&self) -> usize {
        self.as_slice().iter().product()
    }
}

impl Debug for Dims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(self, f)
    }
}

impl Display for Dims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, size) in self.as_slice().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{size}")?;
        }
        f.write_str("]")
    }
}

/// A tensor shape: a tuple of [`Dim`]s, from `()` (a scalar) to
/// `(A, B, C, D)`.
pub trait Shape: Copy + Debug + Send + Sync + 'static {
    /// The number of dimensions.
    const RANK: usize;

    /// The runtime sizes.
    fn dims(&self) -> Dims;

    /// Builds the shape from runtime sizes, filling [`Dyn`](super::Dyn)
    /// dimensions from them. `None` if the rank differs or a static
    /// dimension differs from its runtime size.
    fn from_dims(dims: &[usize]) -> Option<Self>;

    /// The shape as runtime errors print it: static sizes in decimal, `*`
    /// for a runtime ([`Dyn`](super::Dyn)) size.
    ///
    /// ```
    /// use nncore::shape::{Dyn, Shape, U1, U28};
    /// assert_eq!(<(Dyn, U1, U28, U28)>::describe(), "[*, 1, 28, 28]");
    /// ```
    fn describe() -> String;
}

macro_rules! impl_shape {
    ($rank:literal; $($d:ident $v:ident $i:tt),*) => {
        impl<$($d: Dim),*> Shape for ($($d,)*) {
            const RANK: usize = $rank;

            #[inline]
            fn dims(&self) -> Dims {
                let mut sizes = [0; MAX_RANK];
                $(sizes[$i] = self.$i.size();)*
                let _ = &mut sizes;
                Dims { sizes, len: $rank }
            }

            fn describe() -> String {
                let sizes: [Option<usize>; $rank] = [$(<$d as Dim>::STATIC_SIZE),*];
                let parts: Vec<String> = sizes
                    .iter()
                    .map(|s| s.map_or_else(|| "*".to_owned(), |n| n.to_string()))
                    .collect();
                format!("[{}]", parts.join(", "))
            }

            #[inline]
            fn from_dims(dims: &[usize]) -> Option<Self> {
                match dims {
                    [$($v),*] => Some(($(<$d as Dim>::from_size(*$v)?,)*)),
                    _ => None,
                }
            }
        }
    };
}

impl_shape!(0;);
impl_shape!(1; A a 0);
impl_shape!(2; A a 0, B b 1);
impl_shape!(3; A a 0, B b 1, C c 2);
impl_shape!(4; A a 0, B b 1, C c 2, D d 3);

/// The rank of a shape as a typenum number, for rules that compare ranks
/// at the type level.
pub trait TypeRank {
    /// `U0` to `U4`.
    type Rank: Unsigned;
}

/// The rank of shape `S` as a typenum number.
pub type RankOf<S> = <S as TypeRank>::Rank;

impl TypeRank for () {
    type Rank = U0;
}
impl<A> TypeRank for (A,) {
    type Rank = U1;
}
impl<A, B> TypeRank for (A, B) {
    type Rank = U2;
}
impl<A, B, C> TypeRank for (A, B, C) {
    type Rank = U3;
}
impl<A, B, C, D> TypeRank for (A, B, C, D) {
    type Rank = U4;
}
