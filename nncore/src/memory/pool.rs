//! A per-thread pool of heap buffers, so that a warmed-up training step or
//! inference forward allocates nothing.
//!
//! Every op takes its output `Vec` here ([`take_zeroed`], [`take_filled`],
//! [`take_copied`], [`take_empty`]); a tensor's storage, a freed gradient
//! and a graph node give their buffers back when they are dropped, so the
//! next step of the same model finds buffers of the same sizes waiting.
//! Kernels that need scratch space take it here too and hand it back with
//! [`give_back`] (or let a tensor own it).
//!
//! Buffers are kept by element type and exact capacity, in the pool of the
//! thread that drops them (a buffer freed on a rayon worker serves that
//! worker's next op). The pool is bounded: at most [`MAX_PER_SIZE`] idle
//! buffers of one type and capacity, and at most [`MAX_IDLE_BYTES`] of idle
//! buffers per thread; a buffer given back beyond either bound is freed.
//! Every `take_*` but [`take_overwritable`] returns a buffer with the
//! contents it names, so results do not depend on the pool;
//! `take_overwritable` is for kernels that write every element (a gemm
//! that does not read its output), and skips the fill.
//!
//! ```
//! use nncore::pool;
//! let a: Vec<f32> = pool::take_zeroed(1000);
//! let address = a.as_ptr();
//! pool::give_back(a);
//! let b: Vec<f32> = pool::take_filled(1000, 1.0);
//! assert_eq!(b.as_ptr(), address); // the same heap block, refilled
//! assert!(b.iter().all(|&v| v == 1.0));
//! ```

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::mem::size_of;

/// Idle buffers one thread keeps at most, in bytes (64 MiB): the pool
/// should hold about one step's working set, and an op that allocates its
/// output itself instead of taking it here feeds the pool buffers nobody
/// takes, which this bound caps. At 32 MiB the cnn benchmark's step (batch
/// 32 of 32x32x32 activations, 4 MiB each) missed twice a step; at 64 MiB
/// it misses none and its peak live heap does not move (45.0 MB).
pub const MAX_IDLE_BYTES: usize = 64 << 20;

/// Idle buffers of one element type and capacity one thread keeps at most.
/// A step can free more than a few tensors of one small size at a time:
/// at 8, a LeNet step's cross entropy missed the pool once a step. The
/// byte bound below keeps the big sizes in check.
pub const MAX_PER_SIZE: usize = 16;

/// Spare objects (graph nodes, backward rules, scratch) of one type one
/// thread keeps at most.
pub(crate) const MAX_SPARES: usize = 256;

/// A hasher for keys that are already well mixed or small integers
/// (`TypeId`s, capacities): one multiply, no SipHash on the hot path.
#[derive(Default)]
struct QuickHasher(u64);

impl Hasher for QuickHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
    fn write_usize(&mut self, n: usize) {
        self.0 ^= n as u64;
    }
}

type QuickMap<K, V> = HashMap<K, V, BuildHasherDefault<QuickHasher>>;

/// One thread's pools, one typed value per type.
#[derive(Default)]
struct Registry {
    idle_bytes: usize,
    typed: QuickMap<TypeId, Box<dyn Any>>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

/// Runs `f` on this thread's value of type `T` (created on first use) and
/// the count of idle bytes. `None` when the pool is not available: while
/// the thread is exiting, or re-entered from inside `f` (callers then fall
/// back to the plain allocator, so the pool is never needed for
/// correctness).
fn with_registry<T: Default + 'static, R>(f: impl FnOnce(&mut T, &mut usize) -> R) -> Option<R> {
    REGISTRY
        .try_with(|cell| {
            let mut registry = cell.try_borrow_mut().ok()?;
            let Registry { idle_bytes, typed } = &mut *registry;
            let slot = typed
                .entry(TypeId::of::<T>())
                .or_insert_with(|| Box::new(T::default()));
            let value = slot.downcast_mut::<T>()?;
            Some(f(value, idle_bytes))
        })
        .ok()
        .flatten()
}

/// Runs `f` on this thread's value of type `T`, created with `T::default()`
/// on first use (engine scratch, node spares). `None` when unavailable
/// (thread exit, re-entry); `f` must not drop tensors or use the pool.
pub(crate) fn local<T: Default + 'static, R>(f: impl FnOnce(&mut T) -> R) -> Option<R> {
    with_registry(|value, _| f(value))
}

/// Idle `Vec<T>`s by capacity.
struct VecPool<T>(QuickMap<usize, Vec<Vec<T>>>);

impl<T> Default for VecPool<T> {
    fn default() -> Self {
        VecPool(QuickMap::default())
    }
}

/// An empty `Vec` with room for exactly `capacity` elements, from the pool
/// when one was given back, else freshly allocated.
///
/// ```
/// let mut v: Vec<u32> = nncore::pool::take_empty(3);
/// v.extend([1, 2, 3]);
/// assert_eq!(v.capacity(), 3);
/// ```
pub fn take_empty<T: 'static>(capacity: usize) -> Vec<T> {
    let mut v = take_empty_keeping_values(capacity);
    v.clear();
    v
}

/// A pooled buffer of capacity `capacity` as it was given back: plain-data
/// buffers keep their values (see [`give_back`]).
fn take_empty_keeping_values<T: 'static>(capacity: usize) -> Vec<T> {
    pooled(capacity).unwrap_or_else(|| Vec::with_capacity(capacity))
}

/// The pooled buffer of capacity `capacity`, if one is idle.
fn pooled<T: 'static>(capacity: usize) -> Option<Vec<T>> {
    if capacity == 0 || size_of::<T>() == 0 {
        return None;
    }
    let bytes = capacity * size_of::<T>();
    with_registry(|pool: &mut VecPool<T>, idle| {
        let v = pool.0.get_mut(&capacity)?.pop()?;
        *idle -= bytes;
        Some(v)
    })
    .flatten()
}

/// [`take_filled`] whose allocation may fail: a buffer the allocator
/// refuses is an error instead of an abort (the constructors' path, where
/// a user's runtime size becomes an allocation).
pub(crate) fn try_take_filled<T: Clone + 'static>(
    len: usize,
    value: T,
) -> Result<Vec<T>, std::collections::TryReserveError> {
    let mut v = match pooled(len) {
        Some(mut v) => {
            v.clear();
            v
        }
        None => {
            let mut v = Vec::new();
            v.try_reserve_exact(len)?;
            v
        }
    };
    v.resize(len, value);
    Ok(v)
}

/// A buffer of `len` elements whose values are unspecified (stale values of
/// an earlier use, or zeros): for a kernel that overwrites every element,
/// such as `kernels::matmul` with `accumulate == false`, so the pool
/// saves the zeroing pass as well as the allocation.
///
/// ```
/// let mut c: Vec<f32> = nncore::pool::take_overwritable(4);
/// assert_eq!(c.len(), 4);
/// c.fill(1.0);
/// ```
pub fn take_overwritable<E: crate::Element>(len: usize) -> Vec<E> {
    let mut v = take_empty_keeping_values(len);
    v.resize(len, E::zero());
    v
}

/// `len` copies of `value` in a pooled buffer, like `vec![value; len]`.
///
/// ```
/// assert_eq!(nncore::pool::take_filled(2, 7i64), vec![7, 7]);
/// ```
pub fn take_filled<T: Clone + 'static>(len: usize, value: T) -> Vec<T> {
    let mut v = take_empty(len);
    v.resize(len, value);
    v
}

/// `len` zeros in a pooled buffer, like `vec![0.0; len]`.
///
/// ```
/// assert_eq!(nncore::pool::take_zeroed::<f64>(3), vec![0.0; 3]);
/// ```
pub fn take_zeroed<E: crate::Element>(len: usize) -> Vec<E> {
    take_filled(len, E::zero())
}

/// A copy of `values` in a pooled buffer, like `values.to_vec()`.
///
/// ```
/// assert_eq!(nncore::pool::take_copied(&[1.0f32, 2.0]), vec![1.0, 2.0]);
/// ```
pub fn take_copied<T: Copy + 'static>(values: &[T]) -> Vec<T> {
    let mut v = take_empty(values.len());
    v.extend_from_slice(values);
    v
}

/// The items of an exact-size iterator in a pooled buffer, like
/// `iter.collect::<Vec<_>>()`.
///
/// ```
/// let squares: Vec<u32> = nncore::pool::take_collected((1..4u32).map(|i| i * i));
/// assert_eq!(squares, vec![1, 4, 9]);
/// ```
pub fn take_collected<T: 'static>(iter: impl ExactSizeIterator<Item = T>) -> Vec<T> {
    let mut v = take_empty(iter.len());
    v.extend(iter);
    v
}

/// Gives a buffer back for reuse (its elements are dropped first). A buffer
/// the pool cannot keep (bounds reached, thread exiting) is freed.
///
/// ```
/// nncore::pool::give_back(vec![0u8; 16]);
/// ```
pub fn give_back<T: 'static>(mut v: Vec<T>) {
    // Drop the elements here, outside the pool: they may be tensors. Plain
    // data keeps its values, for `take_overwritable`.
    if std::mem::needs_drop::<T>() {
        v.clear();
    }
    let capacity = v.capacity();
    if capacity == 0 || size_of::<T>() == 0 {
        return;
    }
    let bytes = capacity * size_of::<T>();
    // A buffer the pool refuses comes back out and is freed here.
    let _refused = with_registry(|pool: &mut VecPool<T>, idle| {
        if *idle + bytes > MAX_IDLE_BYTES {
            return Some(v);
        }
        let bucket = pool.0.entry(capacity).or_default();
        if bucket.len() >= MAX_PER_SIZE {
            return Some(v);
        }
        bucket.push(v);
        *idle += bytes;
        None
    });
}

/// Spare objects of one type, last in first out.
struct Spares<T>(Vec<T>);

impl<T> Default for Spares<T> {
    fn default() -> Self {
        Spares(Vec::new())
    }
}

/// A spare object of type `T` kept by [`give_spare`], if any.
pub(crate) fn take_spare<T: 'static>() -> Option<T> {
    local(|spares: &mut Spares<T>| spares.0.pop()).flatten()
}

/// Keeps `value` for [`take_spare`]; it must hold nothing that drops
/// tensors or uses the pool when it is finally dropped (a value beyond
/// [`MAX_SPARES`] is dropped here, outside the pool).
pub(crate) fn give_spare<T: 'static>(value: T) {
    let _refused = local(|spares: &mut Spares<T>| {
        if spares.0.len() >= MAX_SPARES {
            return Some(value);
        }
        spares.0.push(value);
        None
    });
}

/// `value` in a reused `Box` when one of its type was given back with
/// [`give_box`], else in a new one.
pub(crate) fn boxed<T: 'static>(value: T) -> Box<T> {
    if size_of::<T>() == 0 {
        return Box::new(value);
    }
    match take_spare::<Box<T>>() {
        Some(mut b) => {
            *b = value;
            b
        }
        None => Box::new(value),
    }
}

/// Keeps a box for [`boxed`]. Its stale contents stay until it is reused,
/// so they must own nothing worth freeing (see `Backward::release`).
pub(crate) fn give_box<T: 'static>(b: Box<T>) {
    if size_of::<T>() != 0 {
        give_spare(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_back_buffer_is_reused_by_capacity_and_refilled() {
        let a: Vec<f64> = take_filled(37, 5.0);
        let address = a.as_ptr();
        give_back(a);
        let other: Vec<f64> = take_zeroed(38);
        assert_ne!(other.as_ptr(), address);
        let b: Vec<f64> = take_zeroed(37);
        assert_eq!(b.as_ptr(), address);
        assert_eq!(b, vec![0.0; 37]);
    }

    #[test]
    fn an_overwritable_buffer_has_the_asked_length_and_reuses_its_block() {
        let a: Vec<f32> = take_filled(29, 3.0);
        let address = a.as_ptr();
        give_back(a);
        let b: Vec<f32> = take_overwritable(29);
        assert_eq!((b.as_ptr(), b.len()), (address, 29));
        let fresh: Vec<f32> = take_overwritable(31);
        assert_eq!(fresh, vec![0.0; 31]);
    }

    #[test]
    fn the_pool_keeps_at_most_max_per_size_buffers_of_one_size() {
        let held: Vec<Vec<u16>> = (0..MAX_PER_SIZE + 3).map(|_| take_empty(11)).collect();
        held.into_iter().for_each(give_back);
        let kept = local(|p: &mut VecPool<u16>| p.0[&11].len()).unwrap();
        assert_eq!(kept, MAX_PER_SIZE);
    }

    #[test]
    fn a_buffer_past_the_byte_bound_is_freed() {
        let big: Vec<u8> = take_empty(MAX_IDLE_BYTES + 1);
        give_back(big);
        let kept = local(|p: &mut VecPool<u8>| p.0.get(&(MAX_IDLE_BYTES + 1)).map(Vec::len));
        assert_eq!(kept, Some(None));
    }

    #[test]
    fn boxes_are_reused_with_the_new_value() {
        let b = boxed([1u64, 2]);
        let address: *const [u64; 2] = &*b;
        give_box(b);
        let c = boxed([3u64, 4]);
        assert_eq!(&*c as *const [u64; 2], address);
        assert_eq!(*c, [3, 4]);
    }
}
