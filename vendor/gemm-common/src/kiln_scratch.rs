// KILN PATCH: this whole file is Kiln's addition to gemm-common 0.19.0; see
// KILN_PATCH.md beside Cargo.toml.
//
//! Per-thread scratch that `gemm_basic_generic` reuses from one call to the
//! next, instead of allocating its packing buffer and its "lhs block already
//! packed" flags on every call.
//!
//! A buffer is taken out of its thread-local slot for as long as the call
//! needs it and put back when its guard drops; no borrow of the slot is held
//! across the call. That keeps re-entrancy safe: a rayon worker waiting
//! inside gemm's parallel loop may run another task that calls gemm on the
//! same thread, and that nested call finds the slot empty and allocates
//! fresh, exactly as upstream always does.

use alloc::vec::Vec;
use core::cell::Cell;
use dyn_stack::{MemBuffer, StackReq};

/// The largest packing buffer a thread keeps between calls. A larger one (a
/// huge one-off product) is freed after its call rather than pinned for the
/// thread's lifetime.
const MAX_CACHED_PACKING_BYTES: usize = 16 << 20;

/// The most flags a thread keeps between calls (one per `MR` rows of an L2
/// block, so a few hundred at most in practice).
const MAX_CACHED_FLAGS: usize = 1 << 16;

#[cfg(feature = "std")]
std::thread_local! {
    static PACKING: Cell<Option<MemBuffer>> = const { Cell::new(None) };
    static CALL_FLAGS: Cell<Vec<bool>> = const { Cell::new(Vec::new()) };
    static WORKER_FLAGS: Cell<Vec<bool>> = const { Cell::new(Vec::new()) };
}

/// Which thread-local slot a buffer comes from and goes back to. The call's
/// own flags and the flags of a worker task are separate slots because the
/// calling thread also runs worker tasks while it holds the call's flags.
#[derive(Clone, Copy)]
pub(crate) enum FlagSlot {
    Call,
    Worker,
}

/// Runs `f` on this thread's slot, or returns `None` without std or while
/// the thread is being torn down.
#[cfg(feature = "std")]
fn with_packing<R>(f: impl FnOnce(&Cell<Option<MemBuffer>>) -> R) -> Option<R> {
    PACKING.try_with(f).ok()
}

#[cfg(not(feature = "std"))]
fn with_packing<R>(_: impl FnOnce(&Cell<Option<MemBuffer>>) -> R) -> Option<R> {
    None
}

#[cfg(feature = "std")]
fn with_flags<R>(slot: FlagSlot, f: impl FnOnce(&Cell<Vec<bool>>) -> R) -> Option<R> {
    match slot {
        FlagSlot::Call => CALL_FLAGS.try_with(f).ok(),
        FlagSlot::Worker => WORKER_FLAGS.try_with(f).ok(),
    }
}

#[cfg(not(feature = "std"))]
fn with_flags<R>(_: FlagSlot, _: impl FnOnce(&Cell<Vec<bool>>) -> R) -> Option<R> {
    None
}

/// A packing buffer holding at least `req`; it goes back to the thread's
/// slot when dropped (if not over the cap).
pub(crate) struct PackingBuffer(Option<MemBuffer>);

/// This thread's cached packing buffer if it fits `req`, else a fresh one.
pub(crate) fn packing_buffer(req: StackReq) -> PackingBuffer {
    let fits = |buf: &MemBuffer| {
        buf.len() >= req.size_bytes() && buf.as_ptr() as usize % req.align_bytes() == 0
    };
    let cached = with_packing(|slot| slot.take()).flatten();
    let buf = match cached {
        Some(buf) if fits(&buf) => buf,
        Some(small) => {
            // Keep the old one if the new one will be too big to cache.
            if req.size_bytes() > MAX_CACHED_PACKING_BYTES {
                with_packing(|slot| slot.set(Some(small)));
            }
            MemBuffer::new(req)
        }
        None => MemBuffer::new(req),
    };
    PackingBuffer(Some(buf))
}

impl core::ops::Deref for PackingBuffer {
    type Target = MemBuffer;
    fn deref(&self) -> &MemBuffer {
        self.0.as_ref().unwrap()
    }
}

impl core::ops::DerefMut for PackingBuffer {
    fn deref_mut(&mut self) -> &mut MemBuffer {
        self.0.as_mut().unwrap()
    }
}

impl Drop for PackingBuffer {
    fn drop(&mut self) {
        let Some(buf) = self.0.take() else { return };
        if buf.len() > MAX_CACHED_PACKING_BYTES {
            return;
        }
        // A nested call may have put its own buffer back meanwhile: keep the
        // larger of the two.
        with_packing(|slot| {
            let keep = match slot.take() {
                Some(other) if other.len() > buf.len() => other,
                _ => buf,
            };
            slot.set(Some(keep));
        });
    }
}

/// `len` flags, all `false`, from `slot`; they go back to it when dropped.
pub(crate) struct Flags {
    flags: Vec<bool>,
    slot: FlagSlot,
}

/// This thread's cached flags from `slot`, cleared to `len` times `false`
/// (allocating only if the cached ones are too short or already taken).
pub(crate) fn flags(slot: FlagSlot, len: usize) -> Flags {
    let mut flags = if len == 0 {
        Vec::new()
    } else {
        with_flags(slot, Cell::take).unwrap_or_default()
    };
    flags.clear();
    flags.resize(len, false);
    Flags { flags, slot }
}

impl core::ops::Deref for Flags {
    type Target = [bool];
    fn deref(&self) -> &[bool] {
        &self.flags
    }
}

impl core::ops::DerefMut for Flags {
    fn deref_mut(&mut self) -> &mut [bool] {
        &mut self.flags
    }
}

impl Drop for Flags {
    fn drop(&mut self) {
        let flags = core::mem::take(&mut self.flags);
        if flags.capacity() == 0 || flags.capacity() > MAX_CACHED_FLAGS {
            return;
        }
        with_flags(self.slot, |slot| {
            let keep = match slot.take() {
                other if other.capacity() > flags.capacity() => other,
                _ => flags,
            };
            slot.set(keep);
        });
    }
}
