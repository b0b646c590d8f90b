//! Per-thread scratch buffers for kernels that need temporary memory (the
//! column matrices of convolution), reused from call to call.
//!
//! A training step calls the same kernels with the same sizes every time.
//! Allocating a fresh multi-megabyte buffer per call costs more than it
//! seems: glibc serves big blocks with `mmap` and returns them on `free`,
//! so every call faults its pages in again and `vec![0; n]` zeroes them.
//! Here each thread keeps the buffers it used, so in the steady state a
//! kernel neither allocates nor faults nor zeroes.
//!
//! A [`Scratch`] hands out **stale contents**: whatever the last user left
//! (zeros only where the buffer grew). Kernels that take one must overwrite
//! every element they read.

use crate::Element;
use std::any::Any;
use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

/// At most this many idle buffers per element type and thread; more are
/// freed (kernels hold two at a time, so this is never reached in practice).
const MAX_IDLE: usize = 4;

thread_local! {
    static IDLE_F32: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
    static IDLE_F64: RefCell<Vec<Vec<f64>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on this thread's idle buffers of `E` (or on an empty list if
/// the thread is being torn down, or for an element type without a list).
fn with_idle<E: Element, R>(f: impl FnOnce(&mut Vec<Vec<E>>) -> R) -> R {
    let mut f = Some(f);
    let mut run = |list: &mut dyn Any| {
        list.downcast_mut::<Vec<Vec<E>>>()
            .map(|list| (f.take().expect("called once"))(list))
    };
    let done = IDLE_F32
        .try_with(|l| run(&mut *l.borrow_mut()))
        .ok()
        .flatten()
        .or_else(|| {
            IDLE_F64
                .try_with(|l| run(&mut *l.borrow_mut()))
                .ok()
                .flatten()
        });
    match done {
        Some(r) => r,
        None => (f.take().expect("not yet called"))(&mut Vec::new()),
    }
}

/// A buffer of `len` elements borrowed from the thread's idle list and given
/// back on drop. Its contents are stale (see the module doc).
///
/// ```
/// use nncore::kernels::scratch::Scratch;
/// let mut a = Scratch::<f32>::new(1000);
/// a.fill(1.0); // stale contents: overwrite before reading
/// assert_eq!(a.len(), 1000);
/// ```
pub struct Scratch<E: Element> {
    buf: Vec<E>,
    len: usize,
}

impl<E: Element> Scratch<E> {
    /// Borrows a buffer of `len` elements: the shortest idle one of this
    /// thread that holds `len`, else the longest, grown (with zeros). Best
    /// fit keeps a small request from taking (and a big one from regrowing)
    /// the buffer another caller needs at the same time.
    pub fn new(len: usize) -> Self {
        let mut buf = with_idle::<E, _>(|idle| {
            let fits = (0..idle.len())
                .filter(|&i| idle[i].len() >= len)
                .min_by_key(|&i| idle[i].len());
            let pick = fits.or_else(|| (0..idle.len()).max_by_key(|&i| idle[i].len()));
            pick.map(|i| idle.swap_remove(i)).unwrap_or_default()
        });
        if buf.len() < len {
            buf.resize(len, E::zero());
        }
        Scratch { buf, len }
    }
}

impl<E: Element> Deref for Scratch<E> {
    type Target = [E];
    fn deref(&self) -> &[E] {
        &self.buf[..self.len]
    }
}

impl<E: Element> DerefMut for Scratch<E> {
    fn deref_mut(&mut self) -> &mut [E] {
        &mut self.buf[..self.len]
    }
}

impl<E: Element> Drop for Scratch<E> {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.buf);
        with_idle::<E, _>(|idle| {
            if idle.len() < MAX_IDLE {
                idle.push(buf);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_reused_and_sized() {
        let ptr = {
            let mut a = Scratch::<f64>::new(100);
            a[99] = 7.0;
            a.as_ptr()
        };
        // The same allocation comes back, shorter view, stale contents kept.
        let b = Scratch::<f64>::new(50);
        assert_eq!((b.as_ptr(), b.len(), b[49]), (ptr, 50, 0.0));
        // Two at once are distinct; a longer request grows with zeros.
        let mut c = Scratch::<f64>::new(200);
        assert_ne!(b.as_ptr(), c.as_ptr());
        assert_eq!((c.len(), c[150]), (200, 0.0));
        c[0] = 3.0;
        let c_ptr = c.as_ptr();
        drop((b, c));
        // Best fit: 20 goes to the 100-buffer, 150 to the 200-buffer.
        let d = Scratch::<f64>::new(20);
        let e = Scratch::<f64>::new(150);
        assert_eq!((d.as_ptr(), e.as_ptr(), e[0]), (ptr, c_ptr, 3.0));
    }

    #[test]
    fn element_types_do_not_mix() {
        let a = Scratch::<f32>::new(8);
        let b = Scratch::<f64>::new(8);
        assert_eq!((a.len(), b.len()), (8, 8));
    }
}
