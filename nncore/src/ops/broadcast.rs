//! NumPy/PyTorch broadcasting: the output shape of a binary op, the input
//! index of every output element, and the reduction of an output gradient
//! back to an input's shape.

use crate::{Error, Result};

/// The broadcast shape of `a` and `b` (dims aligned from the right; a dim of
/// 1 stretches), or an error naming `op`.
pub(crate) fn broadcast_shape(op: &'static str, a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let rank = a.len().max(b.len());
    let mut out = vec![0; rank];
    for i in 0..rank {
        let da = if i + a.len() >= rank {
            a[i + a.len() - rank]
        } else {
            1
        };
        let db = if i + b.len() >= rank {
            b[i + b.len() - rank]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::shape(
                    op,
                    format!("shapes broadcastable with {a:?}"),
                    format!("{b:?}"),
                ));
            }
        };
    }
    // Two tensors that exist can broadcast to one that cannot; the op
    // allocates a `usize` index per output element.
    crate::tensor::admit::<usize>(op, &out)?;
    Ok(out)
}

/// For every element of `out_shape` (row-major), the flat index into a
/// tensor of shape `in_shape` that broadcasts to it.
pub(crate) fn broadcast_indices(in_shape: &[usize], out_shape: &[usize]) -> Vec<usize> {
    let rank = out_shape.len();
    let offset = rank - in_shape.len();
    // Strides of the input aligned to the output, 0 where the input broadcasts.
    let mut strides = vec![0usize; rank];
    let mut stride = 1;
    for i in (0..in_shape.len()).rev() {
        strides[i + offset] = if in_shape[i] == 1 { 0 } else { stride };
        stride *= in_shape[i];
    }
    let numel: usize = out_shape.iter().product();
    let mut indices = Vec::with_capacity(numel);
    let mut counter = vec![0usize; rank];
    let mut current = 0usize;
    for _ in 0..numel {
        indices.push(current);
        for d in (0..rank).rev() {
            counter[d] += 1;
            current += strides[d];
            if counter[d] < out_shape[d] {
                break;
            }
            current -= strides[d] * counter[d];
            counter[d] = 0;
        }
    }
    indices
}

/// Sums an output gradient into the shape of an input that was broadcast.
pub(crate) fn reduce_to<E: crate::Element>(
    grad: &[E],
    indices: Option<&[usize]>,
    in_numel: usize,
) -> Vec<E> {
    match indices {
        None => grad.to_vec(),
        Some(idx) => {
            let mut out = vec![E::zero(); in_numel];
            for (g, &i) in grad.iter().zip(idx) {
                out[i] += *g;
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_broadcast_from_the_right() {
        assert_eq!(
            broadcast_shape("t", &[4, 1, 3], &[5, 1]).unwrap(),
            vec![4, 5, 3]
        );
        assert_eq!(broadcast_shape("t", &[], &[2]).unwrap(), vec![2]);
        assert_eq!(
            broadcast_shape("add", &[2, 3], &[4])
                .unwrap_err()
                .to_string(),
            "add: shape mismatch: expected shapes broadcastable with [2, 3], found [4]"
        );
    }

    #[test]
    fn indices_follow_strides() {
        assert_eq!(broadcast_indices(&[3], &[2, 3]), vec![0, 1, 2, 0, 1, 2]);
        assert_eq!(broadcast_indices(&[2, 1], &[2, 3]), vec![0, 0, 0, 1, 1, 1]);
        assert_eq!(broadcast_indices(&[], &[2]), vec![0, 0]);
    }
}
