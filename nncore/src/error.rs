//! The one error type of Kiln.
//!
//! Every fallible operation returns [`Result<T>`]. Each variant names the
//! operation, file or tensor involved and what was expected versus found, so
//! the message alone tells a user what to fix.

use std::borrow::Cow;
use std::path::PathBuf;

/// The most bytes of a user's data (a file's content, a key, a line) an
/// error message quotes; see [`excerpt`].
pub const EXCERPT_BYTES: usize = 200;

/// `text` as it is when it is at most [`EXCERPT_BYTES`] long, else its
/// first 200 bytes (cut on a character boundary) and how long it was, so an
/// error about a 5 MB file does not quote the 5 MB. Every error message
/// that embeds text from a file or from a user goes through it.
///
/// ```
/// use nncore::excerpt;
/// assert_eq!(excerpt("12"), "12");
/// let long = "7".repeat(5 << 20);
/// assert_eq!(excerpt(&long), format!("{}… (5242880 bytes in all)", "7".repeat(200)));
/// ```
pub fn excerpt(text: &str) -> Cow<'_, str> {
    if text.len() <= EXCERPT_BYTES {
        return Cow::Borrowed(text);
    }
    let mut end = EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}… ({} bytes in all)", &text[..end], text.len()))
}

/// Everything that can go wrong at run time in Kiln.
///
/// Shape errors of statically shaped models are compile errors and never
/// reach this type; what remains are runtime sizes (batch, data from files),
/// bad options, I/O and numerical faults.
///
/// ```
/// use nncore::Error;
/// let e = Error::Shape { op: "add", expected: "[2, 3]".into(), found: "[3, 2]".into() };
/// assert_eq!(e.to_string(), "add: shape mismatch: expected [2, 3], found [3, 2]");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Runtime sizes that do not fit an operation.
    #[error("{op}: shape mismatch: expected {expected}, found {found}")]
    Shape {
        /// The operation or layer that rejected its input.
        op: &'static str,
        /// What the operation needs, e.g. `[*, 784]`.
        expected: String,
        /// What it was given.
        found: String,
    },
    /// An option or argument outside its allowed range.
    #[error("{op}: invalid {option}: {reason}")]
    InvalidOption {
        /// The layer, loss, optimizer or function.
        op: &'static str,
        /// The option's name as PyTorch spells it.
        option: &'static str,
        /// Why the value is rejected, naming the value.
        reason: String,
    },
    /// An index (class label, embedding row, ...) out of its range.
    #[error("{op}: {what} {index} is out of range [0, {bound})")]
    IndexOutOfRange {
        /// The operation.
        op: &'static str,
        /// What the index indexes, e.g. `target`.
        what: &'static str,
        /// The offending value.
        index: i64,
        /// The exclusive upper bound.
        bound: usize,
    },
    /// A file that could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file whose content is not what it claims to be.
    #[error("{}: {reason}", path.display())]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A state_dict that does not fit the model or optimizer it is loaded into.
    #[error("{context}: tensor `{key}`: {reason}")]
    StateDict {
        /// The file or object being loaded.
        context: String,
        /// The first tensor that does not fit.
        key: String,
        /// What does not fit.
        reason: String,
    },
    /// A tensor whose size does not fit in memory: the product of its sizes
    /// overflows, it exceeds the largest allocation Rust allows
    /// (`isize::MAX` bytes), or the allocator refused it.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let err = DynTensor::<f32>::zeros(&[1 << 32, 1 << 32]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "zeros: shape [4294967296, 4294967296] is too large: the product of its sizes overflows usize"
    /// );
    /// ```
    #[error("{op}: shape {shape} is too large: {reason}")]
    TooLarge {
        /// The constructor or op that would have made the tensor.
        op: &'static str,
        /// The shape, as `[a, b, ...]` (cut short when very long).
        shape: String,
        /// Why it does not fit.
        reason: String,
    },
    /// Autograd misuse: backward through a graph that needs no gradient, etc.
    #[error("autograd: {0}")]
    Autograd(String),
    /// A NaN or infinity where a finite number is needed.
    #[error("{op}: non-finite value: {detail}")]
    NonFinite {
        /// The operation that produced or received it.
        op: &'static str,
        /// Where, and which value.
        detail: String,
    },
}

/// Kiln's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::Shape`] with formatted sizes.
    pub fn shape(op: &'static str, expected: impl Into<String>, found: impl Into<String>) -> Self {
        Error::Shape {
            op,
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Shorthand for [`Error::InvalidOption`].
    pub fn option(op: &'static str, option: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidOption {
            op,
            option,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::BadFile`].
    pub fn bad_file(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::BadFile {
            path: path.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
