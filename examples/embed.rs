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

#[path = "serve/model.rs"]
mod model;

use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    /// The image to classify (any size; converted to 28×28 grayscale).
    image: PathBuf,
    /// LeNet weights (safetensors, nn.Sequential names).
    #[arg(long, default_value = model::SHIPPED_WEIGHTS)]
    weights: PathBuf,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let model = model::load(&args.weights)?;
    let top3 = model::top3(&model, read_digit(&args.image)?);
    for scored in &top3 {
        println!("{}: {:5.2}%", scored.class, 100.0 * scored.probability);
    }
    println!("prediction: {}", top3[0].class);
    Ok(())
}

/// The image as the model's input: resized to 28×28 grayscale, then
/// normalised MNIST-style (white digit on black).
fn read_digit(path: &std::path::Path) -> Result<[f32; 784], Box<dyn std::error::Error>> {
    let image = image::open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .into_luma8();
    let image = image::imageops::resize(&image, 28, 28, image::imageops::FilterType::Triangle);
    Ok(model::input(&image))
}
