//! The served model: the LeNet of `examples/mnist_lenet.rs`, its shipped
//! weights, its input (pixels normalised as MNIST's) and its answer to one
//! image (the three most likely classes). `examples/embed.rs` uses it too.

use kiln::prelude::*;
use std::path::Path;

/// LeNet exactly as `examples/mnist_lenet.rs` builds it: its weights file
/// (`mnist_lenet --save`, or PyTorch's `save_file(model.state_dict(), ..)`
/// for the same `nn.Sequential`) loads into it by name.
pub type LeNet = Sequential![
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

/// The weights shipped with the examples (98.6 % on MNIST's test set).
pub const SHIPPED_WEIGHTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/lenet.safetensors"
);

/// A LeNet with the weights of `path`, in eval mode: loaded once, before the
/// server answers anything, so a bad file stops the server at its start
/// rather than failing requests.
///
/// ```ignore
/// let model = load(Path::new(SHIPPED_WEIGHTS))?;
/// ```
pub fn load(path: &Path) -> Result<LeNet, String> {
    let mut model = LeNet::default();
    // Kiln's errors name the file.
    model.load(path).map_err(|e| e.to_string())?;
    model.eval();
    Ok(model)
}

/// One class of the answer and the model's probability for it.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Scored {
    /// The digit, 0 to 9.
    pub class: usize,
    /// Softmax of the logits, in [0, 1].
    pub probability: f32,
}

/// The three most likely classes of one image given as 28 × 28 normalised
/// pixels ([`input`]), most likely first. The input's size is
/// in the type, so nothing here is checked at run time; `no_grad` because
/// serving never trains (no graph is recorded, as in PyTorch's
/// `torch.no_grad()`).
///
/// ```ignore
/// let best = top3(&model, pixels)[0].class;
/// ```
pub fn top3(model: &LeNet, pixels: [f32; 784]) -> [Scored; 3] {
    let dims = (U1::new(), U1::new(), U28::new(), U28::new());
    let x = Tensor::<(U1, U1, U28, U28)>::from_vec(pixels.to_vec(), dims)
        .expect("784 pixels are a 1 × 1 × 28 × 28 tensor");
    let probabilities = no_grad(|| model.forward(x).softmax::<1>()).to_vec();
    let mut ranked: Vec<Scored> = probabilities
        .into_iter()
        .enumerate()
        .map(|(class, probability)| Scored { class, probability })
        .collect();
    ranked.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    [ranked[0], ranked[1], ranked[2]]
}

/// A 28 × 28 grayscale image as the model was trained on it: pixels scaled
/// to [0, 1], a mostly light image (a dark digit drawn on white) inverted to
/// MNIST's white digit on black, then normalised with MNIST's mean and
/// standard deviation. The caller sees to the size (`serve` refuses other
/// sizes, `embed` resizes).
///
/// ```ignore
/// let x = input(&image::GrayImage::new(28, 28)); // black: (0 - 0.1307) / 0.3081
/// ```
pub fn input(image: &image::GrayImage) -> [f32; 784] {
    let mut pixels = [0f32; 784];
    for (pixel, gray) in pixels.iter_mut().zip(image.pixels()) {
        *pixel = f32::from(gray.0[0]) / 255.0;
    }
    if pixels.iter().sum::<f32>() / pixels.len() as f32 > 0.5 {
        pixels.iter_mut().for_each(|p| *p = 1.0 - *p);
    }
    pixels.map(|p| (p - kiln::data::MNIST_MEAN) / kiln::data::MNIST_STD)
}
