//! The MNIST dataset: shipped subset, normalisation, and load errors.

use nncore::data::transforms::{Compose, Normalize, ToTensor};
use nncore::data::{DataLoader, Dataset, MNIST_MEAN, MNIST_STD, Mnist, Split};

use super::{TempDir, gz, idx};

#[test]
fn shipped_subset_matches_mnist() {
    let train = Mnist::shipped_subset(Split::Train).unwrap();
    let test = Mnist::shipped_subset(Split::Test).unwrap();
    assert_eq!((train.len(), test.len()), (6000, 1000));
    assert_eq!(train.labels()[..10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert_eq!(test.labels()[..10], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    assert_eq!((train.split(), test.split()), (Split::Train, Split::Test));
}

#[test]
fn normalises_as_torchvision() {
    let test = Mnist::shipped_subset(Split::Test).unwrap();
    let mut out = vec![0.0f32; Mnist::PIXELS];
    test.write_image(0, &mut out);
    for (&raw, &x) in test.raw_image(0).iter().zip(&out) {
        assert_eq!(x, (raw as f32 / 255.0 - MNIST_MEAN) / MNIST_STD);
    }
    // torch: (torch.tensor([255.]) / 255 - 0.1307) / 0.3081 == 2.8214867
    let white = (255.0f32 / 255.0 - MNIST_MEAN) / MNIST_STD;
    assert!((white - 2.821_486_7).abs() < 1e-6);
    let (item, label) = test.get(0);
    assert_eq!((item.to_vec(), label), (out.clone(), 7));
    // The default is torchvision's Compose([ToTensor(), Normalize(..)]), bit for bit.
    let explicit = test
        .clone()
        .transform(Compose((
            ToTensor,
            Normalize::new(&[MNIST_MEAN], &[MNIST_STD]).unwrap(),
        )))
        .unwrap();
    assert_eq!(explicit.get(0).0.to_vec(), out);
}

#[test]
fn loader_batches_are_typed() {
    let test = Mnist::shipped_subset(Split::Test).unwrap();
    let loader = DataLoader::new(test.clone(), 3).unwrap();
    let (x, y) = loader.fetch(&[3, 1, 4]);
    assert_eq!(x.dims().as_slice(), &[3, 1, 28, 28]);
    assert_eq!(y.to_vec(), [0, 2, 4]);
    let mut image = vec![0.0; 784];
    test.write_image(1, &mut image);
    assert_eq!(x.to_vec()[784..2 * 784], image[..]);
}

fn write_split(dir: &TempDir, prefix: &str, images: Vec<u8>, labels: Vec<u8>, gzip: bool) {
    let suffix = if gzip { ".gz" } else { "" };
    let pack = |b: Vec<u8>| if gzip { gz(&b) } else { b };
    std::fs::write(
        dir.join(&format!("{prefix}-images-idx3-ubyte{suffix}")),
        pack(images),
    )
    .unwrap();
    std::fs::write(
        dir.join(&format!("{prefix}-labels-idx1-ubyte{suffix}")),
        pack(labels),
    )
    .unwrap();
}

#[test]
fn loads_raw_files_from_a_directory() {
    let dir = TempDir::new("mnist-raw");
    write_split(
        &dir,
        "t10k",
        idx(0x803, &[2, 28, 28], &[255; 2 * 784]),
        idx(0x801, &[2], &[3, 9]),
        false,
    );
    let test = Mnist::load(dir.path(), Split::Test).unwrap();
    assert_eq!(test.labels(), [3, 9]);
}

#[test]
fn missing_files_name_the_directory_and_names_tried() {
    let dir = TempDir::new("mnist-missing");
    let err = Mnist::load(dir.path(), Split::Train).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no MNIST train images here: neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte exists",
            dir.path().display()
        )
    );
}

#[test]
fn counts_must_match_and_both_files_are_named() {
    let dir = TempDir::new("mnist-counts");
    write_split(
        &dir,
        "train",
        idx(0x803, &[2, 28, 28], &[0; 2 * 784]),
        idx(0x801, &[3], &[1, 2, 3]),
        true,
    );
    let err = Mnist::load(dir.path(), Split::Train).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: holds 2 images, but the label file {} holds 3 labels; they must match one to one",
            dir.join("train-images-idx3-ubyte.gz").display(),
            dir.join("train-labels-idx1-ubyte.gz").display()
        )
    );
}

#[test]
fn images_must_be_28_by_28_and_labels_digits() {
    let dir = TempDir::new("mnist-shape");
    write_split(
        &dir,
        "train",
        idx(0x803, &[1, 27, 28], &[0; 27 * 28]),
        idx(0x801, &[1], &[1]),
        false,
    );
    let err = Mnist::load(dir.path(), Split::Train).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: MNIST images are 28x28, this file holds 27x28 images",
            dir.join("train-images-idx3-ubyte").display()
        )
    );
    write_split(
        &dir,
        "train",
        idx(0x803, &[2, 28, 28], &[0; 2 * 784]),
        idx(0x801, &[2], &[1, 10]),
        false,
    );
    let err = Mnist::load(dir.path(), Split::Train).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: label 10 at index 1 is not a digit 0 to 9",
            dir.join("train-labels-idx1-ubyte").display()
        )
    );
}

/// The full dataset, when present: `KILN_MNIST_DIR=/path cargo test -- --ignored`.
#[test]
#[ignore = "needs the full MNIST files; set KILN_MNIST_DIR"]
fn full_mnist() {
    let dir = std::env::var("KILN_MNIST_DIR").unwrap_or_else(|_| "/work/shared/data/mnist".into());
    let train = Mnist::load(&dir, Split::Train).unwrap();
    let test = Mnist::load(&dir, Split::Test).unwrap();
    assert_eq!((train.len(), test.len()), (60_000, 10_000));
    let mut image = vec![0.0f32; Mnist::PIXELS];
    let mut sum = 0.0f64;
    for i in 0..train.len() {
        train.write_image(i, &mut image);
        sum += image.iter().map(|&x| f64::from(x)).sum::<f64>();
    }
    // Normalised with the training set's own mean: the mean is ~0.
    assert!((sum / (60_000.0 * 784.0)).abs() < 1e-3);
}
