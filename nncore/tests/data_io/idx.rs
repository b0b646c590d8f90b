//! IDX reader: success on raw and gzip, and every error message.

use nncore::data::{parse_idx_images, parse_idx_labels, read_idx_images, read_idx_labels};

use super::{TempDir, gz, idx};

const IMAGES: u32 = 0x0803;
const LABELS: u32 = 0x0801;

fn images_err(bytes: &[u8]) -> String {
    parse_idx_images(bytes, "f.idx").unwrap_err().to_string()
}

fn labels_err(bytes: &[u8]) -> String {
    parse_idx_labels(bytes, "f.idx").unwrap_err().to_string()
}

#[test]
fn reads_raw_and_gzip_files() {
    let dir = TempDir::new("idx-read");
    let pixels: Vec<u8> = (0..2 * 3 * 2).collect();
    let images = idx(IMAGES, &[2, 3, 2], &pixels);
    let labels = idx(LABELS, &[2], &[7, 3]);
    for (name, content) in [("raw", images.clone()), ("gz", gz(&images))] {
        let path = dir.join(&format!("images-{name}"));
        std::fs::write(&path, content).unwrap();
        let read = read_idx_images(&path).unwrap();
        assert_eq!((read.count, read.rows, read.cols), (2, 3, 2));
        assert_eq!(read.pixels, pixels);
        assert_eq!(read.image(1), &pixels[6..]);
    }
    // Compression is detected from content: a gzip file without `.gz` and a
    // raw file named `.gz` both load.
    let path = dir.join("labels.gz");
    std::fs::write(&path, &labels).unwrap();
    assert_eq!(read_idx_labels(&path).unwrap().labels, [7, 3]);
    std::fs::write(&path, gz(&labels)).unwrap();
    assert_eq!(read_idx_labels(&path).unwrap().labels, [7, 3]);
}

/// A file with no examples is an error: training on it would do nothing
/// and report a score of nothing.
#[test]
fn empty_files_are_refused() {
    assert_eq!(
        images_err(&idx(IMAGES, &[0, 28, 28], &[])),
        "f.idx: the header says the file holds 0 images; a data set needs at least one example"
    );
    assert_eq!(
        labels_err(&gz(&idx(LABELS, &[0], &[]))),
        "f.idx: the header says the file holds 0 labels; a data set needs at least one example"
    );
}

#[test]
fn missing_file_is_io_error() {
    let dir = TempDir::new("idx-missing");
    let path = dir.join("nope");
    let err = read_idx_images(&path).unwrap_err();
    assert!(matches!(err, nncore::Error::Io { .. }));
    assert_eq!(
        err.to_string(),
        format!("{}: No such file or directory (os error 2)", path.display())
    );
}

#[test]
fn too_short_for_magic() {
    assert_eq!(
        images_err(&[0, 0]),
        "f.idx: the file is 2 bytes, too short for an IDX header (an IDX file starts with a 4-byte magic number)"
    );
    assert_eq!(
        labels_err(&gz(&[0])),
        "f.idx: the file is 1 byte, too short for an IDX header (an IDX file starts with a 4-byte magic number) \
         (after gzip decompression)"
    );
}

#[test]
fn not_an_idx_file() {
    assert_eq!(
        images_err(b"\x89PNG\r\n\x1a\n"),
        "f.idx: not an IDX file: magic number 0x89504e47 does not start with two zero bytes; \
         expected an image file (0x00000803)"
    );
}

#[test]
fn wrong_element_type() {
    assert_eq!(
        images_err(&idx(0x0d03, &[1, 1, 1], &[0; 4])),
        "f.idx: magic number 0x00000d03 says the elements are of type 0x0d (32-bit float); \
         Kiln reads IDX files of unsigned bytes (0x08), expected an image file (0x00000803)"
    );
}

#[test]
fn label_file_given_as_images_and_back() {
    assert_eq!(
        images_err(&idx(LABELS, &[1], &[5])),
        "f.idx: magic number 0x00000801 is a label file, expected an image file (0x00000803)"
    );
    assert_eq!(
        labels_err(&gz(&idx(IMAGES, &[1, 1, 1], &[5]))),
        "f.idx: magic number 0x00000803 is an image file, expected a label file (0x00000801) \
         (after gzip decompression)"
    );
    assert_eq!(
        images_err(&idx(0x0802, &[1, 1], &[5])),
        "f.idx: magic number 0x00000802 is a file with 2 dimensions, expected an image file (0x00000803)"
    );
}

#[test]
fn header_cut_short() {
    let header = idx(IMAGES, &[1, 28, 28], &[]);
    assert_eq!(
        images_err(&header[..10]),
        "f.idx: the file ends inside its header: an image file (0x00000803) has a 16-byte header, found 10 bytes"
    );
    assert_eq!(
        images_err(&gz(&header[..10])),
        "f.idx: the file ends inside its header: an image file (0x00000803) has a 16-byte header, \
         found 10 bytes (after gzip decompression)"
    );
}

#[test]
fn images_without_pixels() {
    assert_eq!(
        images_err(&idx(IMAGES, &[3, 0, 28], &[])),
        "f.idx: the header says images are 0x28, an image needs at least one pixel"
    );
}

#[test]
fn header_sizes_that_overflow() {
    assert_eq!(
        images_err(&idx(IMAGES, &[u32::MAX, u32::MAX, u32::MAX], &[])),
        "f.idx: the header claims pixel data for 4294967295 images of 4294967295x4294967295 \
         (79228162458924105385300197375 bytes), more than Kiln reads from one IDX file \
         (2147483648 bytes, MAX_IDX_BYTES): the header's count is implausible"
    );
}

#[test]
fn truncated_data() {
    let file = idx(IMAGES, &[60000, 28, 28], &[0; 1000]);
    assert_eq!(
        images_err(&file),
        "f.idx: expected 47040000 bytes of pixel data for 60000 images of 28x28, found 1000 \
         (the file is truncated)"
    );
    let file = idx(IMAGES, &[60, 28, 28], &[0; 1000]);
    assert_eq!(
        images_err(&gz(&file)),
        "f.idx: expected 47040 bytes of pixel data for 60 images of 28x28, found 1000 \
         (the file is truncated)"
    );
    assert_eq!(
        labels_err(&idx(LABELS, &[3], &[1, 2])),
        "f.idx: expected 3 bytes of label data for 3 labels, found 2 (the file is truncated)"
    );
}

#[test]
fn trailing_data() {
    let file = idx(IMAGES, &[1, 2, 2], &[0; 5]);
    assert_eq!(
        images_err(&file),
        "f.idx: expected 4 bytes of pixel data for 1 image of 2x2, found 5 (1 byte of trailing data after the last element)"
    );
    assert_eq!(
        images_err(&gz(&file)),
        "f.idx: expected 4 bytes of pixel data for 1 image of 2x2, found more (trailing data after the last element)"
    );
}

/// A gzip header claiming 4 billion images is an error from the header
/// alone, before anything is inflated: above MAX_IDX_BYTES.
#[test]
fn huge_claim_in_small_gzip() {
    let file = gz(&idx(IMAGES, &[4_000_000_000, 28, 28], &[0; 784]));
    assert_eq!(
        images_err(&file),
        "f.idx: the header claims pixel data for 4000000000 images of 28x28 (3136000000000 bytes), \
         more than Kiln reads from one IDX file (2147483648 bytes, MAX_IDX_BYTES): the header's count is implausible"
    );
}

/// A gzip bomb: 2 MiB of zeros compress to about 10 KB, and a header that
/// promises 2.5 million images (under MAX_IDX_BYTES) more than deflate can
/// inflate from the file is refused before anything is inflated, with the
/// bound in the message; never reported as a truncated stream.
#[test]
fn gzip_bomb_is_refused_from_the_header() {
    let file = gz(&idx(IMAGES, &[2_500_000, 28, 28], &vec![0; 2 << 20]));
    let len = file.len();
    assert!(len < 16_000, "{len}");
    assert_eq!(
        images_err(&file),
        format!(
            "f.idx: the header claims pixel data for 2500000 images of 28x28 (1960000000 bytes), \
             but a gzip stream of {len} bytes inflates to at most {} bytes: the header's count is implausible",
            len * 1032
        )
    );
    // deflate's best case stays under the 1032:1 bound the check relies on.
    use std::io::Write;
    let mut best = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    best.write_all(&vec![0; 8 << 20]).unwrap();
    let zeros = best.finish().unwrap();
    assert!(
        zeros.len() * nncore::data::idx::MAX_GZIP_RATIO > 8 << 20,
        "{}",
        zeros.len()
    );
}

/// A path that is not a regular file, and a file above the size bound, are
/// refused before reading (`/dev/zero` would never end).
#[test]
fn endless_and_oversized_paths_are_refused_unread() {
    assert_eq!(
        read_idx_images("/dev/zero").unwrap_err().to_string(),
        "/dev/zero: is a character device, not a regular file; \
         Kiln reads only files whose size is known before reading"
    );
    let dir = TempDir::new("idx-oversized");
    let path = dir.join("big");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(3 << 30).unwrap(); // sparse: no disk space used
    assert_eq!(
        read_idx_labels(&path).unwrap_err().to_string(),
        format!(
            "{}: the file is 3221225472 bytes, more than Kiln reads as an IDX file \
             (2147483664 bytes: MAX_IDX_BYTES of data and a header)",
            path.display()
        )
    );
}

#[test]
fn corrupt_and_truncated_gzip() {
    let mut file = gz(&idx(LABELS, &[100], &[1; 100]));
    let cut = &file[..file.len() - 10];
    assert_eq!(
        labels_err(cut),
        "f.idx: the gzip stream is truncated or corrupt (incomplete deflate stream)"
    );
    let n = file.len();
    file[n - 8] ^= 0xff; // the CRC
    assert_eq!(
        labels_err(&file),
        "f.idx: the gzip stream is truncated or corrupt (corrupt gzip stream does not have a matching checksum)"
    );
    assert!(
        labels_err(&[0x1f, 0x8b, 1, 2, 3, 4, 5])
            .starts_with("f.idx: the gzip stream is truncated or corrupt (")
    );
}
