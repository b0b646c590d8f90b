//! Admission of a tensor's size before anything is allocated for it.
//!
//! A shape is a user's runtime number (a batch, a size read from a file, a
//! padding option), so its product may overflow `usize`, exceed the
//! largest allocation Rust allows (`isize::MAX` bytes, above which
//! `Vec::with_capacity` panics) or exceed what the machine can give (where
//! an infallible allocation aborts the process). Each of these is an
//! [`Error::TooLarge`] here, never a wrapped product, a panic or an abort:
//! constructors reserve their buffer fallibly ([`alloc_filled`]), and ops
//! whose output is larger than their inputs check it first ([`admit`]).

use crate::pool;
use crate::{Element, Error, Result, excerpt};
use std::mem::size_of;

/// Outputs of at least this many bytes are tried with a fallible
/// reservation before an op allocates them (see [`admit`]); below it an
/// allocation failure is not a realistic outcome of one op.
pub(crate) const TRIAL_BYTES: usize = 256 << 20;

/// `shape` as `[a, b, ...]`, cut short when very long.
fn describe(shape: &[usize]) -> String {
    excerpt(&format!("{shape:?}")).into_owned()
}

fn too_large(op: &'static str, shape: &[usize], reason: String) -> Error {
    Error::TooLarge {
        op,
        shape: describe(shape),
        reason,
    }
}

/// The number of elements of `shape` for elements of type `E`: an error
/// when the product overflows `usize` or the bytes exceed `isize::MAX`.
///
/// ```
/// use nncore::DynTensor;
/// assert_eq!(
///     DynTensor::<f32>::zeros(&[1 << 62]).unwrap_err().to_string(),
///     "zeros: shape [4611686018427387904] is too large: 18446744073709551616 bytes \
///      exceed the largest possible allocation (9223372036854775807 bytes)"
/// );
/// ```
pub(crate) fn checked_numel<E>(op: &'static str, shape: &[usize]) -> Result<usize> {
    let numel = shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| too_large(op, shape, "the product of its sizes overflows usize".into()))?;
    let bytes = numel as u128 * size_of::<E>() as u128;
    if bytes > isize::MAX as u128 {
        return Err(too_large(
            op,
            shape,
            format!(
                "{bytes} bytes exceed the largest possible allocation ({} bytes)",
                isize::MAX
            ),
        ));
    }
    Ok(numel)
}

/// The error of an allocation of `numel` elements that the allocator refused.
fn out_of_memory<E>(op: &'static str, shape: &[usize], numel: usize) -> Error {
    too_large(
        op,
        shape,
        format!(
            "cannot allocate {} bytes (out of memory)",
            numel * size_of::<E>()
        ),
    )
}

/// The number of elements of an op's output of `shape`, after
/// [`checked_numel`] and, for outputs of [`TRIAL_BYTES`] or more, a
/// fallible reservation of that size (freed again): an output the machine
/// cannot hold is an error rather than an abort inside the op.
pub(crate) fn admit<E>(op: &'static str, shape: &[usize]) -> Result<usize> {
    let numel = checked_numel::<E>(op, shape)?;
    let bytes = numel * size_of::<E>();
    if bytes >= TRIAL_BYTES && Vec::<u8>::new().try_reserve_exact(bytes).is_err() {
        return Err(out_of_memory::<E>(op, shape, numel));
    }
    Ok(numel)
}

/// `value` repeated over `shape`, in a buffer reserved fallibly (from the
/// [`pool`] when it has one of that size): the constructors' allocation.
pub(crate) fn alloc_filled<E: Element>(
    op: &'static str,
    shape: &[usize],
    value: E,
) -> Result<Vec<E>> {
    let numel = checked_numel::<E>(op, shape)?;
    pool::try_take_filled(numel, value).map_err(|_| out_of_memory::<E>(op, shape, numel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_too_many_bytes_and_out_of_memory_are_errors() {
        let msg = |r: Result<usize>| r.unwrap_err().to_string();
        assert_eq!(
            msg(checked_numel::<f32>("zeros", &[1 << 32, 1 << 32, 0, 3])),
            "zeros: shape [4294967296, 4294967296, 0, 3] is too large: the product of its sizes overflows usize"
        );
        assert_eq!(checked_numel::<f32>("zeros", &[0, 1 << 40]).unwrap(), 0);
        assert_eq!(
            msg(checked_numel::<f64>("add", &[1 << 60])),
            "add: shape [1152921504606846976] is too large: 9223372036854775808 bytes \
             exceed the largest possible allocation (9223372036854775807 bytes)"
        );
        // 4 TiB: more than any machine this runs on has, so the reservation fails.
        assert_eq!(
            msg(admit::<f32>("linear", &[1 << 30, 1 << 10])),
            "linear: shape [1073741824, 1024] is too large: cannot allocate 4398046511104 bytes (out of memory)"
        );
        assert_eq!(admit::<f32>("linear", &[1 << 20, 1 << 7]).unwrap(), 1 << 27);
        let filled = alloc_filled::<f32>("full", &[1 << 40], 1.0).unwrap_err();
        assert_eq!(
            filled.to_string(),
            "full: shape [1099511627776] is too large: cannot allocate 4398046511104 bytes (out of memory)"
        );
    }

    #[test]
    fn a_very_long_shape_is_cut_short_in_the_message() {
        let shape = vec![1 << 20; 1000];
        let text = checked_numel::<f32>("zeros", &shape)
            .unwrap_err()
            .to_string();
        assert!(text.len() < 400, "{text}");
        assert!(
            text.contains("1… (9000 bytes in all) is too large"),
            "{text}"
        );
    }
}
