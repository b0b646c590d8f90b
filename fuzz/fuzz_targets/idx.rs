//! The IDX reader (MNIST's format) on arbitrary bytes, raw or gzip: it must
//! return an error, never panic, and never allocate from the header's sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nncore::data::{parse_idx_images, parse_idx_labels};

fuzz_target!(|data: &[u8]| {
    if let Ok(images) = parse_idx_images(data, "fuzz") {
        assert_eq!(
            images.pixels.len(),
            images.count * images.rows * images.cols
        );
        if images.count > 0 {
            assert_eq!(
                images.image(images.count - 1).len(),
                images.rows * images.cols
            );
        }
    }
    let _ = parse_idx_labels(data, "fuzz");
});
