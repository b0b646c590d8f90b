//! Reading untrusted files with bounded memory: the size is known (a
//! regular file) before anything is read, and every buffer sized from it
//! is reserved fallibly, so a path to `/dev/zero`, a FIFO or a file larger
//! than memory is an error rather than an endless read or an abort.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::{Error, Result};

/// Opens `path` for reading and returns its length; an error when it is
/// not a regular file (a directory, a character device such as
/// `/dev/zero`, a FIFO, a socket), whose length is not known in advance.
///
/// ```
/// let err = nncore::io::open_regular("/dev/zero").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "/dev/zero: is a character device, not a regular file; \
///      Kiln reads only files whose size is known before reading"
/// );
/// ```
pub fn open_regular(path: impl AsRef<Path>) -> Result<(File, u64)> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::bad_file(
            path,
            format!(
                "is {}, not a regular file; Kiln reads only files whose size is known before reading",
                kind(&meta.file_type())
            ),
        ));
    }
    Ok((file, meta.len()))
}

/// "a directory", "a character device", ...
fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Reads exactly `len` more bytes of `file` into a buffer reserved
/// fallibly after `prefix`: the caller decided `len` from the file's size
/// and header. A file that shrank meanwhile is an error.
pub(crate) fn read_exact_after(
    file: &mut File,
    path: &Path,
    prefix: &[u8],
    len: u64,
) -> Result<Vec<u8>> {
    let total = usize::try_from(len)
        .ok()
        .and_then(|l| l.checked_add(prefix.len()));
    let mut buf = Vec::new();
    if total.is_none_or(|t| buf.try_reserve_exact(t).is_err()) {
        return Err(Error::bad_file(
            path,
            format!(
                "cannot allocate {} bytes to read the file (out of memory)",
                u128::from(len) + prefix.len() as u128
            ),
        ));
    }
    buf.extend_from_slice(prefix);
    let read = file
        .take(len)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    if (read as u64) < len {
        return Err(Error::bad_file(
            path,
            format!("the file shrank while it was read: expected {len} more bytes, read {read}"),
        ));
    }
    Ok(buf)
}

/// Fills `buf` as far as the reader allows; returns how many bytes were read.
pub(crate) fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_refused_before_reading() {
        let dir = std::env::temp_dir();
        let err = open_regular(&dir).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "{}: is a directory, not a regular file; Kiln reads only files whose size is known before reading",
                dir.display()
            )
        );
    }

    #[test]
    fn a_file_that_is_shorter_than_decided_is_an_error() {
        let path = std::env::temp_dir().join(format!("kiln-short-{}", std::process::id()));
        std::fs::write(&path, b"abc").unwrap();
        let (mut file, size) = open_regular(&path).unwrap();
        assert_eq!(size, 3);
        let err = read_exact_after(&mut file, &path, b"xy", 5).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: the file shrank while it was read: expected 5 more bytes, read 3",
                path.display()
            )
        );
        let (mut file, _) = open_regular(&path).unwrap();
        assert_eq!(
            read_exact_after(&mut file, &path, b"xy", 3).unwrap(),
            b"xyabc"
        );
        let err = read_exact_after(&mut file, &path, b"", 1 << 42).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: cannot allocate 4398046511104 bytes to read the file (out of memory)",
                path.display()
            )
        );
        std::fs::remove_file(&path).unwrap();
    }
}
