//! A request body to the model's input: a 28 × 28 PNG to 784 pixels
//! normalised as MNIST's (white digit on black, mean 0.1307, std 0.3081).
//!
//! The server does not resize. The model's input size is in its type, and a
//! client sending a photo of another size would get a confident answer about
//! a picture it never sent (`examples/embed.rs`, a command line tool for
//! one's own drawings, does resize). So the size is read from the PNG's
//! header and anything but 28 × 28 is refused before a pixel is decoded,
//! which also keeps a small body claiming a huge image from allocating it.
//! Any PNG colour type and depth is accepted and converted to 8-bit
//! grayscale (alpha ignored); a dark digit on a light background is
//! inverted, as in `embed` ([`model::input`]).

use super::model;
use super::refusal::Refusal;
use image::ImageDecoder;
use image::codecs::png::PngDecoder;

/// The model's input side, in pixels.
pub const SIDE: u32 = 28;

/// The eight bytes every PNG file starts with.
const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// The model's input for `body`, or why it cannot be one.
///
/// ```ignore
/// let pixels = pixels(&std::fs::read("examples/data/digit-7.png")?)?;
/// ```
pub fn pixels(body: &[u8]) -> Result<[f32; 784], Refusal> {
    if body.is_empty() {
        return Err(Refusal::EmptyBody);
    }
    if !body.starts_with(PNG_SIGNATURE) {
        return Err(Refusal::NotPng);
    }
    let unreadable = |e: image::ImageError| Refusal::BadPng(e.to_string());
    let decoder = PngDecoder::new(std::io::Cursor::new(body)).map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if (width, height) != (SIDE, SIDE) {
        return Err(Refusal::WrongSize { width, height });
    }
    let gray = image::DynamicImage::from_decoder(decoder)
        .map_err(unreadable)?
        .into_luma8();
    Ok(model::input(&gray))
}
