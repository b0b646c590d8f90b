//! Reading sequences of digits with CTC (`nn.CTCLoss`): strips of 2 to 5
//! MNIST digits side by side on a 28 × 140 canvas, of random length,
//! spacing and height, with no position labels, only the digit string.
//! The model is the classic CRNN: a conv stack
//! (Conv2d/BatchNorm2d/ReLU/MaxPool2d) keeps the width as time steps (35
//! columns of 4 pixels) and folds the height into the features; the
//! columns' 448 features (after Dropout), read left to right and right to
//! left by a bidirectional LSTM (`TypedLSTM<U448, U64, U1, Bi>`: its
//! 2 × 64 output features are computed by the compiler and checked
//! against the `Linear` after it), give 11 class scores per column, CTC's
//! blank and the 10 digits; `log_softmax` over the classes, `(T, N, C)`
//! (the LSTM's sequence-first layout), goes to CTCLoss. Reading is greedy:
//! the best class per column, repeats collapsed, blanks dropped.
//! Trained with the shared PyTorch loop (examples/common: progress bar,
//! per-epoch table, `--save`/`--load`, `--checkpoint`/`--resume`,
//! `--plot`), here with Adam and a cosine decay of `--lr` over the run.
//!
//! Training strips are drawn fresh every epoch (a pure function of `--seed`
//! and the epoch) from the training split; the score is the share of
//! test strips read exactly right, built from the test split (digits the
//! model never saw), the same strips in every run.
//!
//! ```text
//! cargo run --release --example ctc_digits                      # shipped subset
//! cargo run --release --example ctc_digits -- --plot docs/img/ctc_digits
//! cargo run --release --example ctc_digits -- --epochs 1 --sequences 256 --test-sequences 200
//! cargo run --release --example ctc_digits -- --data ../shared/data/mnist
//! cargo run --release --example ctc_digits -- --save ctc.safetensors
//! cargo run --release --example ctc_digits -- --load ctc.safetensors --eval-only
//! ```
//!
//! Target: ≥ 90 % of the test strips read exactly right on the shipped
//! subset (6,000 training digits, 1,000 test digits). Measured (seed 0,
//! defaults: 8 epochs of 4,000 strips, batch 32, Adam lr 0.005 decayed to
//! 0, release build, AMD EPYC, 2 cores shared with other jobs): 0.0 /
//! 63.8 / 78.6 / 85.6 / 84.3 / 89.0 / 90.5 / **90.8 %** after epochs 1-8
//! (the first epoch sits on CTC's all-blank plateau), 178 s of CPU time.
//! The model before it (the same conv stack, then a `Conv1d` with kernel
//! 3 over the columns instead of the LSTM and `Linear`) read 90.3 % in the
//! same run conditions (132 s of CPU time; 91.3 % was its figure on an
//! idle machine). One run: expect a point or two either way with another
//! seed. Most misreadings are one digit dropped or misread (greedy
//! decoding drops a digit whose class the model splits between two
//! guesses).
//!
//! Ends with `sequence accuracy: NN.NN% (K of M test strips read exactly right)`.

#[path = "common/mod.rs"]
mod common;
#[path = "ctc_digits/decode.rs"]
mod decode;
#[path = "ctc_digits/strips.rs"]
mod strips;

use clap::Parser;
use kiln::optim::AdamAlgorithm;
use kiln::prelude::*;
use strips::{Layout, MAX_DIGITS, MIN_DIGITS, StripBatch};

/// The shared flags plus how many strips to draw (a name of its own: clap
/// names each flattened group after its struct, and two `Args` collide).
#[derive(Parser, Debug)]
struct CtcArgs {
    #[command(flatten)]
    common: common::Args,
    /// Training strips per epoch (drawn anew each epoch; at least 1).
    #[arg(long, default_value_t = 4000, value_parser = common::count::at_least_one)]
    sequences: usize,
    /// Test strips, from the test split (at least 1).
    #[arg(long, default_value_t = 1000, value_parser = common::count::at_least_one)]
    test_sequences: usize,
}

/// A strip: one channel, 28 × 140.
type Strips = (Dyn, U1, U28, U140);

/// Time steps: one per 4 columns of the strip.
const STEPS: usize = 35;
/// CTC's blank, then the digits 0–9 as classes 1–10.
const BLANK: usize = 0;

/// The conv stack: `(N, 1, 28, 140)` → `(N, 64, 7, 35)`.
type Features = Sequential![
    Conv2d(1, 16, 3, padding = 1),
    BatchNorm2d(16),
    ReLU,
    MaxPool2d(2),
    Conv2d(16, 32, 3, padding = 1),
    BatchNorm2d(32),
    ReLU,
    MaxPool2d(2),
    Conv2d(32, 64, 3, padding = 1),
    BatchNorm2d(64),
    ReLU,
];

/// The CRNN: conv features, then for each column its 64 channels × 7 rows
/// as one 448-vector (dropout), read left to right and right to left by
/// a bidirectional LSTM with 64 hidden units per direction, whose 2 × 64
/// features per column (a size the compiler computes and checks against
/// the `Linear`) give 11 class scores.
#[derive(Module)]
struct StripReader {
    features: Features,
    dropout: Dropout,
    lstm: TypedLSTM<U448, U64, U1, Bi>,
    classifier: Linear<U128, U11>,
}

impl StripReader {
    fn new() -> kiln::Result<Self> {
        Ok(StripReader {
            features: Features::default(),
            dropout: Dropout::new(0.2)?,
            lstm: TypedLSTM::new()?,
            classifier: Linear::new(),
        })
    }

    /// Log-probabilities `(T = 35, N, 11)`, as CTCLoss takes them.
    fn forward(&self, x: Tensor<Strips>) -> Tensor<(U35, Dyn, U11)> {
        let features: Tensor<(Dyn, U64, U7, U35)> = self.features.forward(x);
        // (N, C, H, W) -> (W, N, C, H) -> (W, N, C·H): the columns as a
        // sequence (the LSTM's default layout), one 448-vector each.
        let columns = features.permute::<3, 0, 1, 2>().flatten::<2>();
        let (read, _state) = self.lstm.forward(self.dropout.forward(columns));
        // Log-softmax over the classes.
        self.classifier.forward(read).log_softmax::<2>()
    }
}

/// Reading strips: the training split to draw strips from, the fixed test
/// strips, and the loss.
struct ReadStrips {
    train: Mnist,
    test: Mnist,
    test_layouts: Vec<Layout>,
    sequences: usize,
    batch_size: usize,
    seed: u64,
    ctc: CTCLoss,
}

/// The test strips' seed: the same strips whatever `--seed`.
const TEST_SEED: u64 = 0x7e57;

impl ReadStrips {
    fn new(args: &CtcArgs) -> kiln::Result<Self> {
        let (train, test) = common::load_mnist(&args.common)?;
        println!(
            "data: {} strips of {MIN_DIGITS}-{MAX_DIGITS} digits per epoch from {} training digits, \
             {} test strips from {} test digits, {}x{} pixels",
            args.sequences,
            train.len(),
            args.test_sequences,
            test.len(),
            strips::HEIGHT,
            strips::WIDTH
        );
        Ok(ReadStrips {
            test_layouts: strips::random_layouts(test.len(), args.test_sequences, TEST_SEED),
            train,
            test,
            sequences: args.sequences,
            batch_size: args.common.batch_size,
            seed: args.common.seed,
            ctc: CTCLoss::new(),
        })
    }

    fn log_probs(model: &StripReader, batch: &StripBatch) -> kiln::Result<DynTensor> {
        let dims = [batch.len, 1, strips::HEIGHT, strips::WIDTH];
        let x = Tensor::from_dyn(DynTensor::from_vec(batch.images.clone(), &dims)?)?;
        Ok(model.forward(x).into_dyn())
    }
}

impl common::Task<StripReader> for ReadStrips {
    type Batch = StripBatch;
    type Algorithm = AdamAlgorithm;
    const SCORE: &'static str = "sequence accuracy";

    /// Adam: SGD sits for thousands of steps on CTC's all-blank plateau.
    fn optimizer(&self, params: Vec<Parameter>, lr: f64) -> kiln::Result<Adam> {
        Adam::new(
            params,
            AdamOptions {
                lr,
                ..Default::default()
            },
        )
    }

    /// Cosine decay from `--lr` to 0 over the run: the last steps settle.
    fn lr(&self, base: f64, progress: f64) -> f64 {
        base * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
    }

    fn steps_per_epoch(&self) -> usize {
        self.sequences.div_ceil(self.batch_size)
    }

    fn batches(&self, epoch: usize) -> impl Iterator<Item = StripBatch> {
        // SplitMix64's increment mixes the epoch into the seed.
        let seed = self.seed ^ (epoch as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let layouts = strips::random_layouts(self.train.len(), self.sequences, seed);
        (0..self.sequences).step_by(self.batch_size).map(move |s| {
            strips::render(
                &self.train,
                &layouts,
                s..(s + self.batch_size).min(self.sequences),
            )
        })
    }

    fn samples(batch: &StripBatch) -> usize {
        batch.len
    }

    fn loss(&self, model: &mut StripReader, batch: &StripBatch) -> kiln::Result<Tensor<()>> {
        let log_probs = Self::log_probs(model, batch)?;
        let targets = LongTensor::from_vec(batch.targets.clone(), &[batch.len, MAX_DIGITS])?;
        let input_lengths = LongTensor::from_slice(&vec![STEPS as i64; batch.len]);
        let target_lengths = LongTensor::from_slice(&batch.target_lengths);
        let loss = self
            .ctc
            .forward_dyn(&log_probs, (&targets, &input_lengths, &target_lengths))?;
        Tensor::from_dyn(loss)
    }

    /// The share of test strips whose greedy reading is exactly their digits.
    fn evaluate(&self, model: &mut StripReader) -> kiln::Result<common::Score> {
        model.eval();
        let mut right = 0;
        for start in (0..self.test_layouts.len()).step_by(250) {
            let end = (start + 250).min(self.test_layouts.len());
            let batch = strips::render(&self.test, &self.test_layouts, start..end);
            let log_probs = no_grad(|| Self::log_probs(model, &batch))?;
            let read = decode::greedy(&log_probs.data(), STEPS, batch.len, 11, BLANK);
            right += read
                .iter()
                .enumerate()
                .filter(|(n, digits)| {
                    let len = batch.target_lengths[*n] as usize;
                    let truth = &batch.targets[n * MAX_DIGITS..][..len];
                    digits.iter().map(|&c| c as i64).eq(truth.iter().copied())
                })
                .count();
        }
        let total = self.test_layouts.len();
        let mut score = common::Score::percent(right, total);
        score.note = format!(" ({right} of {total} test strips read exactly right)");
        Ok(score)
    }
}

fn main() -> kiln::Result<()> {
    let args: CtcArgs =
        common::parse_with_defaults(&[("lr", "0.005"), ("epochs", "8"), ("batch_size", "32")]);
    manual_seed(args.common.seed);
    let mut model = StripReader::new()?;
    println!("{model}");
    println!("parameters: {}", model.num_parameters());
    let task = ReadStrips::new(&args)?;
    common::train(&mut model, &task, &args.common)
}
