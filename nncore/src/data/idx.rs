//! Reader for IDX files, the format MNIST ships in.
//!
//! An IDX file is a 4-byte magic number `00 00 TT RR` (`TT` the element type,
//! `RR` the number of dimensions), then one big-endian `u32` per dimension,
//! then the elements in row-major order. Kiln reads the two kinds MNIST uses:
//! unsigned-byte images (magic `0x00000803`, dims `[n, rows, cols]`) and
//! unsigned-byte labels (magic `0x00000801`, dims `[n]`).
//!
//! Files may be raw or gzip-compressed; compression is detected from the
//! content (gzip's `1f 8b` magic), never from the file name, because
//! downloaded MNIST files are often renamed or decompressed in place.
//!
//! The header is untrusted input, and memory stays bounded by
//! [`MAX_IDX_BYTES`] of data:
//!
//! - only regular files are read (not `/dev/zero` or a FIFO), and a file
//!   above [`MAX_IDX_BYTES`] is refused from its size, before reading;
//! - a header that promises more than [`MAX_IDX_BYTES`] of data, or a gzip
//!   stream that promises more than [`MAX_GZIP_RATIO`] times its own size
//!   (more than deflate can inflate to), is refused from the header, before
//!   anything is decompressed: a few MB claiming billions of images fail at
//!   once, never after inflating gigabytes;
//! - raw files are compared against their actual length before any copy;
//!   gzip streams are decompressed into a buffer reserved fallibly for
//!   exactly what the header promises, through a reader bounded to one byte
//!   more, so extra data is found without being held;
//! - a header whose count is 0 is an error: a file with no examples is
//!   of no use for training or testing.

use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::{Error, Result};

/// Magic number of an IDX file of unsigned-byte images `[n, rows, cols]`.
pub const IDX_IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned-byte labels `[n]`.
pub const IDX_LABELS_MAGIC: u32 = 0x0000_0801;

/// The most data bytes (pixels or labels) Kiln reads from one IDX file: 2
/// GiB, four times EMNIST's largest split (`byclass`, 698k images, 547 MB)
/// and 45 times MNIST's training images. A header that promises more is
/// refused before anything is allocated.
pub const MAX_IDX_BYTES: usize = 1 << 31;

/// The most a deflate stream can inflate: 1032 bytes per compressed byte
/// (a 258-byte match in two bits is deflate's best case; zlib documents
/// the 1032:1 limit). A gzip file whose header promises more data than
/// this times its own size cannot hold it, so it is refused unread.
pub const MAX_GZIP_RATIO: usize = 1032;

/// The two leading bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// IDX element-type byte for unsigned bytes, the only type MNIST uses.
const DTYPE_U8: u8 = 0x08;

/// A stack of `count` greyscale images of `rows x cols` bytes, as stored in an
/// IDX image file.
///
/// ```no_run
/// let images = nncore::data::read_idx_images("data/train-images-idx3-ubyte.gz")?;
/// assert_eq!(images.pixels.len(), images.count * images.rows * images.cols);
/// let first: &[u8] = images.image(0); // rows * cols pixels, row-major
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxImages {
    /// Number of images.
    pub count: usize,
    /// Height of each image in pixels.
    pub rows: usize,
    /// Width of each image in pixels.
    pub cols: usize,
    /// `count * rows * cols` pixels, image after image, each row-major.
    pub pixels: Vec<u8>,
}

impl IdxImages {
    /// The pixels of image `index`, row-major.
    ///
    /// # Panics
    /// If `index >= self.count`.
    pub fn image(&self, index: usize) -> &[u8] {
        assert!(
            index < self.count,
            "image index {index} out of range for {} images",
            self.count
        );
        let size = self.rows * self.cols;
        &self.pixels[index * size..(index + 1) * size]
    }
}

/// The labels of an IDX label file, one byte each.
///
/// ```no_run
/// let labels = nncore::data::read_idx_labels("data/train-labels-idx1-ubyte.gz")?;
/// println!("first label: {}", labels.labels[0]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxLabels {
    /// One label per example.
    pub labels: Vec<u8>,
}

/// Reads an IDX image file (magic `0x00000803`), raw or gzip-compressed.
///
/// Every problem with the content is an [`Error::BadFile`] naming the file
/// and saying what is wrong; a file that cannot be read is [`Error::Io`].
///
/// ```no_run
/// let images = nncore::data::read_idx_images("t10k-images-idx3-ubyte.gz")?;
/// assert_eq!((images.rows, images.cols), (28, 28));
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn read_idx_images(path: impl AsRef<Path>) -> Result<IdxImages> {
    let path = path.as_ref();
    parse_idx_images(&read_bounded(path)?, path)
}

/// The content of the IDX file at `path`: a regular file of at most
/// [`MAX_IDX_BYTES`] (plus the largest header), judged from its size
/// before it is read.
fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let (mut file, size) = crate::io::open_regular(path)?;
    let limit = (MAX_IDX_BYTES + Kind::Images.header_len()) as u64;
    if size > limit {
        return Err(Error::bad_file(
            path,
            format!(
                "the file is {size} bytes, more than Kiln reads as an IDX file ({limit} bytes: MAX_IDX_BYTES of data and a header)"
            ),
        ));
    }
    crate::io::read_exact_after(&mut file, path, &[], size)
}

/// Reads an IDX label file (magic `0x00000801`), raw or gzip-compressed.
///
/// ```no_run
/// let labels = nncore::data::read_idx_labels("t10k-labels-idx1-ubyte")?;
/// assert!(labels.labels.iter().all(|&l| l < 10));
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn read_idx_labels(path: impl AsRef<Path>) -> Result<IdxLabels> {
    let path = path.as_ref();
    parse_idx_labels(&read_bounded(path)?, path)
}

/// Parses the content of an IDX image file already in memory (raw or gzip).
///
/// `path` is only used in error messages. This is the entry point for
/// fuzzing: no input may panic or allocate more than the data it holds.
///
/// ```
/// use nncore::data::parse_idx_images;
/// // magic, count 1, 2 rows, 2 cols, then 4 pixels
/// let bytes = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 10, 20, 30, 40];
/// let images = parse_idx_images(&bytes, "inline")?;
/// assert_eq!(images.pixels, [10, 20, 30, 40]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn parse_idx_images(bytes: &[u8], path: impl AsRef<Path>) -> Result<IdxImages> {
    let (dims, pixels) = parse(bytes, path.as_ref(), Kind::Images)?;
    Ok(IdxImages {
        count: dims[0],
        rows: dims[1],
        cols: dims[2],
        pixels,
    })
}

/// Parses the content of an IDX label file already in memory (raw or gzip).
///
/// `path` is only used in error messages.
///
/// ```
/// use nncore::data::parse_idx_labels;
/// let bytes = [0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1];
/// assert_eq!(parse_idx_labels(&bytes, "inline")?.labels, [7, 2, 1]);
/// # Ok::<(), nncore::Error>(())
/// ```
pub fn parse_idx_labels(bytes: &[u8], path: impl AsRef<Path>) -> Result<IdxLabels> {
    let (_, labels) = parse(bytes, path.as_ref(), Kind::Labels)?;
    Ok(IdxLabels { labels })
}

/// Which of the two IDX layouts the caller expects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Images,
    Labels,
}

impl Kind {
    fn rank(self) -> u8 {
        match self {
            Kind::Images => 3,
            Kind::Labels => 1,
        }
    }

    fn magic(self) -> u32 {
        match self {
            Kind::Images => IDX_IMAGES_MAGIC,
            Kind::Labels => IDX_LABELS_MAGIC,
        }
    }

    /// "an image file"
    fn noun(self) -> &'static str {
        match self {
            Kind::Images => "an image file",
            Kind::Labels => "a label file",
        }
    }

    /// "images" or "labels"
    fn items(self) -> &'static str {
        match self {
            Kind::Images => "images",
            Kind::Labels => "labels",
        }
    }

    /// "an image file (0x00000803)"
    fn describe(self) -> String {
        format!("{} ({:#010x})", self.noun(), self.magic())
    }

    fn header_len(self) -> usize {
        4 + 4 * self.rank() as usize
    }

    /// "pixel data for 60000 images of 28x28" / "label data for 60000 labels"
    fn describe_data(self, dims: &[usize]) -> String {
        match self {
            Kind::Images => format!(
                "pixel data for {} of {}x{}",
                plural(dims[0], "image", "images"),
                dims[1],
                dims[2]
            ),
            Kind::Labels => format!("label data for {}", plural(dims[0], "label", "labels")),
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Human name of an IDX element-type byte, for error messages.
fn dtype_name(dtype: u8) -> &'static str {
    match dtype {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "unknown",
    }
}

/// Shared parser: returns the header's dims and the element bytes.
fn parse(bytes: &[u8], path: &Path, kind: Kind) -> Result<(Vec<usize>, Vec<u8>)> {
    let bad = |reason: String| Error::bad_file(path, reason);
    if bytes.starts_with(&GZIP_MAGIC) {
        parse_gzip(bytes, kind).map_err(bad)
    } else {
        parse_raw(bytes, kind).map_err(bad)
    }
}

/// Parses an uncompressed file: the whole content is in `bytes`, so its real
/// length is known before anything is copied.
fn parse_raw(bytes: &[u8], kind: Kind) -> Result<(Vec<usize>, Vec<u8>), String> {
    let header_len = kind.header_len();
    check_magic(bytes, kind)?;
    if bytes.len() < header_len {
        return Err(header_too_short(kind, bytes.len()));
    }
    let dims = read_dims(&bytes[4..header_len]);
    let expected = expected_len(&dims, kind)?;
    let data = &bytes[header_len..];
    check_data_len(kind, &dims, expected, data.len(), false)?;
    Ok((dims, data.to_vec()))
}

/// Parses a gzip stream: the header is decompressed first, then the data is
/// read through `take(expected + 1)` so the allocation never exceeds what the
/// stream actually holds (and at most one byte beyond what the header says).
fn parse_gzip(bytes: &[u8], kind: Kind) -> Result<(Vec<usize>, Vec<u8>), String> {
    let gzip_error = |e: std::io::Error| format!("the gzip stream is truncated or corrupt ({e})");
    let mut decoder = MultiGzDecoder::new(bytes);
    let header_len = kind.header_len();
    let mut header = vec![0u8; header_len];
    let got = crate::io::read_up_to(&mut decoder, &mut header).map_err(gzip_error)?;
    let header = &header[..got];
    check_magic(header, kind).map_err(|e| format!("{e} (after gzip decompression)"))?;
    if got < header_len {
        return Err(format!(
            "{} (after gzip decompression)",
            header_too_short(kind, got)
        ));
    }
    let dims = read_dims(&header[4..]);
    let expected = expected_len(&dims, kind)?;
    let inflatable = bytes.len().saturating_mul(MAX_GZIP_RATIO);
    if expected > inflatable {
        return Err(format!(
            "the header claims {} ({expected} bytes), but a gzip stream of {} inflates to at most {inflatable} bytes: the header's count is implausible",
            kind.describe_data(&dims),
            plural(bytes.len(), "byte", "bytes")
        ));
    }
    // Room for what the header promises and one byte to detect more.
    let mut data = Vec::new();
    if data.try_reserve_exact(expected + 1).is_err() {
        return Err(format!(
            "cannot allocate {expected} bytes for the {} the header claims (out of memory)",
            kind.describe_data(&dims)
        ));
    }
    decoder
        .take(expected as u64 + 1)
        .read_to_end(&mut data)
        .map_err(gzip_error)?;
    check_data_len(kind, &dims, expected, data.len(), true)?;
    Ok((dims, data))
}

/// Checks the 4-byte magic number against what `kind` needs.
fn check_magic(bytes: &[u8], kind: Kind) -> Result<(), String> {
    let Some(magic) = bytes.get(..4) else {
        return Err(format!(
            "the file is {}, too short for an IDX header (an IDX file starts with a 4-byte magic number)",
            plural(bytes.len(), "byte", "bytes")
        ));
    };
    let value = u32::from_be_bytes([magic[0], magic[1], magic[2], magic[3]]);
    if magic[0] != 0 || magic[1] != 0 {
        return Err(format!(
            "not an IDX file: magic number {value:#010x} does not start with two zero bytes; expected {}",
            kind.describe()
        ));
    }
    let (dtype, rank) = (magic[2], magic[3]);
    if dtype != DTYPE_U8 {
        return Err(format!(
            "magic number {value:#010x} says the elements are of type {dtype:#04x} ({}); \
             Kiln reads IDX files of unsigned bytes (0x08), expected {}",
            dtype_name(dtype),
            kind.describe()
        ));
    }
    if rank != kind.rank() {
        let found = match rank {
            3 => Kind::Images.noun().to_string(),
            1 => Kind::Labels.noun().to_string(),
            r => format!(
                "a file with {}",
                plural(r as usize, "dimension", "dimensions")
            ),
        };
        return Err(format!(
            "magic number {value:#010x} is {found}, expected {}",
            kind.describe()
        ));
    }
    Ok(())
}

fn header_too_short(kind: Kind, found: usize) -> String {
    format!(
        "the file ends inside its header: {} has a {}-byte header, found {}",
        kind.describe(),
        kind.header_len(),
        plural(found, "byte", "bytes")
    )
}

/// Big-endian `u32` dims; `header` holds exactly `4 * rank` bytes.
fn read_dims(header: &[u8]) -> Vec<usize> {
    header
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect()
}

/// The number of data bytes the header promises: an error when it is 0
/// or above [`MAX_IDX_BYTES`] (computed without overflow: each dim is
/// below 2^32).
fn expected_len(dims: &[usize], kind: Kind) -> Result<usize, String> {
    if kind == Kind::Images && (dims[1] == 0 || dims[2] == 0) {
        return Err(format!(
            "the header says images are {}x{}, an image needs at least one pixel",
            dims[1], dims[2]
        ));
    }
    if dims[0] == 0 {
        return Err(format!(
            "the header says the file holds 0 {}; a data set needs at least one example",
            kind.items()
        ));
    }
    let expected = dims.iter().map(|&d| d as u128).product::<u128>();
    if expected > MAX_IDX_BYTES as u128 {
        return Err(format!(
            "the header claims {} ({expected} bytes), more than Kiln reads from one IDX file ({MAX_IDX_BYTES} bytes, MAX_IDX_BYTES): the header's count is implausible",
            kind.describe_data(dims)
        ));
    }
    Ok(expected as usize)
}

/// Compares the data length with the header's promise. For gzip, `found` is
/// at most `expected + 1`, so trailing data is reported without its size.
fn check_data_len(
    kind: Kind,
    dims: &[usize],
    expected: usize,
    found: usize,
    gzip: bool,
) -> Result<(), String> {
    let what = kind.describe_data(dims);
    if found < expected {
        Err(format!(
            "expected {expected} bytes of {what}, found {found} (the file is truncated)"
        ))
    } else if found > expected && gzip {
        Err(format!(
            "expected {expected} bytes of {what}, found more (trailing data after the last element)"
        ))
    } else if found > expected {
        Err(format!(
            "expected {expected} bytes of {what}, found {found} ({} of trailing data after the last element)",
            plural(found - expected, "byte", "bytes")
        ))
    } else {
        Ok(())
    }
}
