//! Strips of 2 to 5 MNIST digits side by side: the sequences `ctc_digits`
//! learns to read. A strip is a 28 × 140 canvas (room for five digits)
//! with a blank background; the digits go left to right, 22 to 28 pixels
//! apart (MNIST's digits sit in a 20-pixel box, so neighbours may nearly touch),
//! each up to 2 pixels above or below the line, from a random start, and
//! the rest of the canvas stays blank.

use kiln::data::{MNIST_MEAN, MNIST_STD, Mnist};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::ops::Range;

/// Canvas height: one MNIST row of digits.
pub const HEIGHT: usize = Mnist::ROWS;
/// Canvas width: five MNIST images.
pub const WIDTH: usize = MAX_DIGITS * Mnist::COLS;
/// Fewest digits in a strip.
pub const MIN_DIGITS: usize = 2;
/// Most digits in a strip.
pub const MAX_DIGITS: usize = 5;
/// Smallest and largest distance between the left edges of neighbouring
/// digits' 28-pixel images.
const ADVANCE: Range<usize> = 22..Mnist::COLS + 1;
/// How far a digit may sit above or below the line: MNIST's 4-pixel
/// margins, halved, so no stroke leaves the canvas.
const JITTER: i32 = 2;

/// Where one digit of a strip goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    /// Index of the image in its split.
    pub image: usize,
    /// Left edge of its 28 × 28 image on the canvas.
    pub left: usize,
    /// Rows moved down (negative: up).
    pub shift: i32,
}

/// Which images a strip shows and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout(pub Vec<Placement>);

/// The layouts of a set of strips drawn from a split of `images` images,
/// a pure function of `seed`.
pub fn random_layouts(images: usize, count: usize, seed: u64) -> Vec<Layout> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let n = rng.random_range(MIN_DIGITS..=MAX_DIGITS);
            let advances: Vec<usize> = (1..n).map(|_| rng.random_range(ADVANCE)).collect();
            let used = Mnist::COLS + advances.iter().sum::<usize>();
            let mut left = rng.random_range(0..=WIDTH - used);
            let mut digits = Vec::with_capacity(n);
            for i in 0..n {
                digits.push(Placement {
                    image: rng.random_range(0..images),
                    left,
                    shift: rng.random_range(-JITTER..=JITTER),
                });
                left += advances.get(i).copied().unwrap_or(0);
            }
            Layout(digits)
        })
        .collect()
}

/// Strips ready for the model and the loss.
pub struct StripBatch {
    /// Strips in the batch.
    pub len: usize,
    /// `len × 1 × 28 × 140` pixels, normalised as MNIST's images.
    pub images: Vec<f32>,
    /// `len × 5` class indices (digit + 1; 0 is CTC's blank), each row
    /// padded with 0 past its length.
    pub targets: Vec<i64>,
    /// The number of digits of each strip.
    pub target_lengths: Vec<i64>,
}

/// Draws the strips `layouts[range]` from `source`.
pub fn render(source: &Mnist, layouts: &[Layout], range: Range<usize>) -> StripBatch {
    let layouts = &layouts[range];
    let mut batch = StripBatch {
        len: layouts.len(),
        images: Vec::with_capacity(layouts.len() * HEIGHT * WIDTH),
        targets: vec![0; layouts.len() * MAX_DIGITS],
        target_lengths: Vec::with_capacity(layouts.len()),
    };
    let mut canvas = vec![0u8; HEIGHT * WIDTH];
    for (n, layout) in layouts.iter().enumerate() {
        canvas.fill(0);
        for (k, &Placement { image, left, shift }) in layout.0.iter().enumerate() {
            let pixels = source.raw_image(image);
            for (row, line) in pixels.chunks_exact(Mnist::COLS).enumerate() {
                // Rows pushed off the canvas are MNIST's blank margin.
                let Some(row) = row
                    .checked_add_signed(shift as isize)
                    .filter(|&r| r < HEIGHT)
                else {
                    continue;
                };
                let out = &mut canvas[row * WIDTH + left..][..Mnist::COLS];
                // Where neighbours overlap, the darker stroke wins.
                out.iter_mut()
                    .zip(line)
                    .for_each(|(o, &p)| *o = (*o).max(p));
            }
            batch.targets[n * MAX_DIGITS + k] = i64::from(source.label(image)) + 1;
        }
        batch.target_lengths.push(layout.0.len() as i64);
        batch.images.extend(
            canvas
                .iter()
                .map(|&p| (f32::from(p) / 255.0 - MNIST_MEAN) / MNIST_STD),
        );
    }
    batch
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln::data::Split;

    #[test]
    fn layouts_fit_the_canvas_and_repeat_with_the_seed() {
        let layouts = random_layouts(1000, 500, 7);
        assert_eq!(layouts, random_layouts(1000, 500, 7));
        assert_ne!(layouts, random_layouts(1000, 500, 8));
        for Layout(digits) in &layouts {
            assert!((MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()));
            for pair in digits.windows(2) {
                assert!(
                    ADVANCE.contains(&(pair[1].left - pair[0].left)),
                    "{digits:?}"
                );
            }
            assert!(
                digits
                    .iter()
                    .all(|d| d.image < 1000 && d.shift.abs() <= JITTER)
            );
            assert!(digits[digits.len() - 1].left + Mnist::COLS <= WIDTH);
        }
        // Every length occurs.
        for n in MIN_DIGITS..=MAX_DIGITS {
            assert!(layouts.iter().any(|l| l.0.len() == n));
        }
    }

    #[test]
    fn a_strip_shows_its_digits_where_the_layout_says() {
        let test = Mnist::shipped_subset(Split::Test).unwrap();
        // Digits 0 and 1 of the test split, 28 pixels apart from column 10,
        // the first one row down.
        let at = |image, left, shift| Placement { image, left, shift };
        let layouts = [Layout(vec![at(0, 10, 1), at(1, 38, 0)])];
        let batch = render(&test, &layouts, 0..1);
        assert_eq!(batch.len, 1);
        assert_eq!(batch.images.len(), HEIGHT * WIDTH);
        let labels = [test.label(0), test.label(1)].map(|l| i64::from(l) + 1);
        assert_eq!(batch.targets, [labels[0], labels[1], 0, 0, 0]);
        assert_eq!(batch.target_lengths, [2]);
        let blank = (0.0 - MNIST_MEAN) / MNIST_STD;
        let mut first = vec![0.0; Mnist::PIXELS];
        test.write_image(0, &mut first);
        for row in 1..HEIGHT {
            let line = &batch.images[row * WIDTH..][..WIDTH];
            assert_eq!(&line[10..38], &first[(row - 1) * 28..][..28], "row {row}");
            assert!(line[..10].iter().chain(&line[66..]).all(|&p| p == blank));
        }
        assert!(batch.images[..WIDTH][..38].iter().all(|&p| p == blank));
    }
}
