//! Poor man's fuzzing of the byte parsers: every truncation and every
//! single-byte corruption of small valid files must give `Ok` or `Err`,
//! never a panic or a huge allocation. Small files keep this in milliseconds.

use nncore::data::{parse_idx_images, parse_idx_labels};
use nncore::io::{load_safetensors_bytes, save_safetensors};

use super::{TempDir, gz, idx};

/// Runs `parse` on every prefix of `bytes` and on `bytes` with each byte
/// replaced by a few interesting values.
fn mangle(bytes: &[u8], parse: impl Fn(&[u8])) {
    for len in 0..bytes.len() {
        parse(&bytes[..len]);
    }
    for i in 0..bytes.len() {
        for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
            let mut copy = bytes.to_vec();
            copy[i] = value;
            parse(&copy);
        }
    }
}

#[test]
fn idx_parsers_never_panic() {
    let images = idx(0x803, &[2, 3, 3], &[9; 18]);
    let labels = idx(0x801, &[3], &[1, 2, 3]);
    for bytes in [images.clone(), gz(&images)] {
        mangle(&bytes, |b| {
            let _ = parse_idx_images(b, "fuzz");
        });
    }
    for bytes in [labels.clone(), gz(&labels)] {
        mangle(&bytes, |b| {
            let _ = parse_idx_labels(b, "fuzz");
        });
    }
}

#[test]
fn safetensors_parser_never_panics() {
    let dir = TempDir::new("st-fuzz");
    let path = dir.join("m.safetensors");
    save_safetensors(&path, &[("a", &[2], &[1.0, 2.0]), ("b", &[], &[3.0])], None).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    mangle(&bytes, |b| {
        let _ = load_safetensors_bytes(b, "fuzz");
    });
}
