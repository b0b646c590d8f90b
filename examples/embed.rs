//! A minimal application that embeds a trained model: it loads the LeNet
//! weights written by `mnist_lenet --save` (or by PyTorch's
//! `safetensors.torch.save_file(model.state_dict(), ...)` for the same
//! `nn.Sequential`) and classifies a PNG image of a digit, printing the three
//! most likely classes.
//!
//! ```text
//! cargo run --release --example embed -- examples/data/digit-7.png
//! cargo run --release --example embed -- --weights lenet.safetensors my-digit.png
//! ```
//!
//! The model's type is static: every size from the 28×28 input to the 10
//! classes was checked by the compiler, so this binary performs no shape
//! checks at run time — the only runtime checks are on the files (the PNG
//! and the weights, whose names and sizes must fit the model).

use clap::Parser;
use kiln::prelude::*;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    /// The image to classify (any size; converted to 28×28 grayscale).
    image: PathBuf,
    /// LeNet weights (safetensors, nn.Sequential names).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/lenet.safetensors"))]
    weights: PathBuf,
}

/// LeNet exactly as `examples/mnist_lenet.rs` builds it.
type LeNet = Sequential![
    Conv2d(1, 6, 5, padding = 2),
    ReLU,
    MaxPool2d(2),
    Conv2d(6, 16, 5),
    ReLU,
    MaxPool2d(2),
    Flatten,
    Linear(400, 120),
    ReLU,
    Linear(120, 84),
    ReLU,
    Linear(84, 10),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut model = LeNet::default();
    model.load(&args.weights)?;
    model.eval();
    let pixels = read_digit(&args.image)?;
    let x = Tensor::<(U1, U1, U28, U28)>::from_vec(
        pixels,
        (U1::new(), U1::new(), U28::new(), U28::new()),
    )?;
    let probabilities = no_grad(|| model.forward(x).softmax::<1>()).to_vec();
    let mut ranked: Vec<(usize, f32)> = probabilities.into_iter().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (class, p) in ranked.iter().take(3) {
        println!("{class}: {:5.2}%", 100.0 * p);
    }
    println!("prediction: {}", ranked[0].0);
    Ok(())
}

/// The image as 784 normalised pixels, MNIST-style: white digit on black.
fn read_digit(path: &std::path::Path) -> Result<Vec<f32>, Box<dyn std::error::Error>> {
    let image = image::open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .into_luma8();
    let image = image::imageops::resize(&image, 28, 28, image::imageops::FilterType::Triangle);
    let mut pixels: Vec<f32> = image.pixels().map(|p| p.0[0] as f32 / 255.0).collect();
    // A dark digit on a light background (a scan, a drawing) is inverted.
    if pixels.iter().sum::<f32>() / pixels.len() as f32 > 0.5 {
        pixels.iter_mut().for_each(|p| *p = 1.0 - *p);
    }
    Ok(pixels
        .into_iter()
        .map(|p| (p - kiln::data::MNIST_MEAN) / kiln::data::MNIST_STD)
        .collect())
}
