//! The examples refuse bad input with a message and a non-zero exit: the
//! shared command line (`--batch-size 0` is a usage error, exit code 2),
//! the shared data loading (an MNIST folder whose files hold no images),
//! and the checkpoint folder's `epoch` file. Tested on the examples' own
//! shared code (examples/common), so no example binary is built or run.

#[allow(dead_code, unused_imports)]
#[path = "../examples/common/mod.rs"]
mod common;

use clap::Parser;

fn temp_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-examples-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_batch_size_of_0_is_a_usage_error() {
    let err = common::Args::try_parse_from(["mnist_mlp", "--batch-size", "0"]).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        "error: invalid value '0' for '--batch-size <BATCH_SIZE>': must be at least 1\n\n\
         For more information, try '--help'.\n"
    );
    assert_eq!(
        common::count::at_least_one("-3").unwrap_err(),
        "invalid digit found in string"
    );
    assert_eq!(common::count::at_least_one("64"), Ok(64));
}

/// `mnist_mlp --data DIR` on files that hold no images used to train on
/// nothing and print "test accuracy: 6.00%"; now loading fails (and the
/// example's `main` returns the error: exit code 1).
#[test]
fn an_empty_data_set_is_an_error() {
    let dir = temp_dir("empty-mnist");
    let header = |magic: u32, dims: &[u32]| {
        let mut b = magic.to_be_bytes().to_vec();
        dims.iter().for_each(|d| b.extend(d.to_be_bytes()));
        b
    };
    for prefix in ["train", "t10k"] {
        std::fs::write(
            dir.join(format!("{prefix}-images-idx3-ubyte")),
            header(0x803, &[0, 28, 28]),
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("{prefix}-labels-idx1-ubyte")),
            header(0x801, &[0]),
        )
        .unwrap();
    }
    let args =
        common::Args::try_parse_from(["mnist_mlp", "--data", dir.to_str().unwrap()]).unwrap();
    let err = common::load_mnist(&args).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: the header says the file holds 0 images; a data set needs at least one example",
            dir.join("train-images-idx3-ubyte").display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A 5 MB `epoch` file is quoted in 200 bytes, with its length.
#[test]
fn a_5_mb_epoch_file_is_quoted_short() {
    let dir = temp_dir("epoch");
    let path = dir.join("epoch");
    std::fs::write(&path, "7x".repeat(5 << 19)).unwrap();
    let err = common::checkpoint::read_epoch(&path)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: not a number of epochs: \"{}… (5242880 bytes in all)\"",
            path.display(),
            "7x".repeat(100)
        )
    );
    std::fs::write(&path, "3\n").unwrap();
    assert_eq!(common::checkpoint::read_epoch(&path).unwrap(), 3);
    assert_eq!(
        common::checkpoint::read_epoch(std::path::Path::new("/dev/zero"))
            .unwrap_err()
            .to_string(),
        "/dev/zero: is a character device, not a regular file; \
         Kiln reads only files whose size is known before reading"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
