//! A tensor's sizes, stored inline up to [`INLINE_RANK`] dimensions so that
//! making a tensor of an ordinary rank allocates nothing for its shape.

use std::ops::Deref;

/// Ranks stored without a heap allocation (PyTorch tensors are rarely
/// above 5-D: N, C, D, H, W).
pub(crate) const INLINE_RANK: usize = 6;

/// The sizes of each dimension.
#[derive(Clone, Debug)]
pub(crate) enum Dims {
    Inline {
        rank: u8,
        sizes: [usize; INLINE_RANK],
    },
    Heap(Vec<usize>),
}

impl Dims {
    /// The sizes `shape`, inline when the rank allows.
    pub(crate) fn new(shape: &[usize]) -> Self {
        if shape.len() <= INLINE_RANK {
            let mut sizes = [0; INLINE_RANK];
            sizes[..shape.len()].copy_from_slice(shape);
            Dims::Inline {
                rank: shape.len() as u8,
                sizes,
            }
        } else {
            Dims::Heap(shape.to_vec())
        }
    }

    /// `shape` with its last size replaced by `last` (a `Linear` output);
    /// `shape` must not be empty.
    pub(crate) fn with_last(shape: &[usize], last: usize) -> Self {
        let mut dims = Dims::new(shape);
        let sizes: &mut [usize] = match &mut dims {
            Dims::Inline { rank, sizes } => &mut sizes[..*rank as usize],
            Dims::Heap(v) => v,
        };
        if let Some(l) = sizes.last_mut() {
            *l = last;
        }
        dims
    }
}

impl FromIterator<usize> for Dims {
    /// Collects sizes inline, moving to the heap only past [`INLINE_RANK`].
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut sizes = [0; INLINE_RANK];
        let mut iter = iter.into_iter();
        for rank in 0..=INLINE_RANK {
            match iter.next() {
                None => {
                    return Dims::Inline {
                        rank: rank as u8,
                        sizes,
                    };
                }
                Some(d) if rank < INLINE_RANK => sizes[rank] = d,
                Some(d) => {
                    let mut v = sizes.to_vec();
                    v.push(d);
                    v.extend(iter);
                    return Dims::Heap(v);
                }
            }
        }
        unreachable!("the loop returns by rank INLINE_RANK")
    }
}

impl Deref for Dims {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        match self {
            Dims::Inline { rank, sizes } => &sizes[..*rank as usize],
            Dims::Heap(v) => v,
        }
    }
}

impl AsRef<[usize]> for Dims {
    fn as_ref(&self) -> &[usize] {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_shapes_read_back_the_same() {
        assert_eq!(&*Dims::new(&[]), &[] as &[usize]);
        assert_eq!(&*Dims::new(&[2, 3, 4, 5, 6, 7]), &[2, 3, 4, 5, 6, 7]);
        assert!(matches!(Dims::new(&[1; 7]), Dims::Heap(_)));
        assert_eq!(&*Dims::new(&[1, 2, 3, 4, 5, 6, 7]), &[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(&*Dims::with_last(&[4, 3, 9], 2), &[4, 3, 2]);
        assert_eq!(&*Dims::with_last(&[1; 8], 2), &[1, 1, 1, 1, 1, 1, 1, 2]);
        for rank in 0..9 {
            let sizes: Vec<usize> = (1..=rank).collect();
            assert_eq!(&*sizes.iter().copied().collect::<Dims>(), &sizes[..]);
        }
    }
}
