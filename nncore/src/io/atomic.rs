//! Atomic file replacement.
//!
//! Checkpoints are overwritten during training; a crash or a full disk in the
//! middle of a save must not destroy the previous checkpoint. So the new
//! content goes to a temporary file in the same directory (same filesystem,
//! so the rename is atomic), is flushed to disk, and only then renamed over
//! the target; the directory is synced so the rename itself survives a
//! power cut. On any error the temporary file is removed and the target is
//! left as it was.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// Where the save fails, for tests of the cleanup path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailPoint {
    /// No failure: a real save.
    None,
    /// Fail after the temporary file is written and synced, before the rename.
    BeforeRename,
}

/// Writes `bytes` to `path` atomically; see the module docs.
///
/// If only the final directory sync fails, the new content is already in
/// place but might not survive a power cut; the error is still returned.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], fail: FailPoint) -> Result<()> {
    let tmp = temp_path(path)?;
    let result = write_and_rename(path, &tmp, bytes, fail);
    if result.is_err() {
        // Best effort: the original error matters more than a failed cleanup.
        let _ = fs::remove_file(&tmp);
    }
    result?;
    sync_dir(path)
}

/// `.NAME.tmp-<pid>-<n>` next to `path`. The per-process counter keeps two
/// threads saving the same file from sharing a temporary file.
fn temp_path(path: &Path) -> Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let Some(name) = path.file_name() else {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path does not name a file",
            ),
        ));
    };
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp_name = format!(".{}.tmp-{}-{n}", name.to_string_lossy(), std::process::id());
    Ok(path.with_file_name(tmp_name))
}

fn write_and_rename(path: &Path, tmp: &Path, bytes: &[u8], fail: FailPoint) -> Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|e| Error::io(tmp, e))?;
    file.write_all(bytes).map_err(|e| Error::io(tmp, e))?;
    file.flush().map_err(|e| Error::io(tmp, e))?;
    file.sync_all().map_err(|e| Error::io(tmp, e))?;
    drop(file);
    if fail == FailPoint::BeforeRename {
        return Err(Error::io(
            path,
            std::io::Error::other("simulated failure before rename"),
        ));
    }
    fs::rename(tmp, path).map_err(|e| Error::io(path, e))
}

/// Syncs the directory holding `path`, so the rename is durable.
#[cfg(unix)]
fn sync_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}

/// Windows cannot open a directory as a file to sync it; NTFS journals the
/// rename itself.
#[cfg(not(unix))]
fn sync_dir(_path: &Path) -> Result<()> {
    Ok(())
}
