//! The MNIST examples' task: one image in, one of 10 classes out, cross
//! entropy, scored by test accuracy.

use super::{Args, Score, Task};
use kiln::data::MnistBatch;
use kiln::optim::SgdAlgorithm;
use kiln::prelude::*;
use std::marker::PhantomData;

/// One class index per sample.
type Labels = Tensor<(Dyn,), i64>;

/// Classifying single MNIST digits with a model taking `In`
/// (`(Dyn, U784)` or `(Dyn, U1, U28, U28)`).
pub struct Classify<In> {
    train: DataLoader<Mnist>,
    test: Mnist,
    sample_dims: Vec<usize>,
    criterion: CrossEntropyLoss,
    input: PhantomData<fn() -> In>,
}

impl<In: Shape> Classify<In> {
    /// The task on `--data` (or the shipped subset); `sample_dims` are the
    /// per-sample sizes the model takes (`[784]` or `[1, 28, 28]`).
    pub fn new(args: &Args, sample_dims: &[usize]) -> kiln::Result<Self> {
        let task = Self::load(args, sample_dims)?;
        println!(
            "data: {} training and {} test images",
            task.train.dataset().len(),
            task.test.len()
        );
        Ok(task)
    }

    /// [`new`](Self::new) without printing (for ranks other than 0).
    pub fn load(args: &Args, sample_dims: &[usize]) -> kiln::Result<Self> {
        let (train, test) = super::load_mnist(args)?;
        Ok(Classify {
            train: DataLoader::new(train, args.batch_size)?
                .shuffle(true)
                .seed(args.seed),
            test,
            sample_dims: sample_dims.to_vec(),
            criterion: CrossEntropyLoss::new(),
            input: PhantomData,
        })
    }

    /// The training images (the `--distributed` loop draws its own shards).
    #[allow(dead_code)] // Used only with --features mpi.
    pub fn train_set(&self) -> &Mnist {
        self.train.dataset()
    }

    /// A batch as typed tensors: images `(batch, sample_dims...)` and labels.
    fn tensors(&self, batch: &MnistBatch) -> kiln::Result<(Tensor<In>, Labels)> {
        let mut dims = vec![batch.len];
        dims.extend_from_slice(&self.sample_dims);
        let x = Tensor::from_dyn(DynTensor::from_vec(batch.images.clone(), &dims)?)?;
        let y = Labels::from_vec(batch.labels.clone(), (Dyn(batch.len),))?;
        Ok((x, y))
    }
}

impl<M, In> Task<M> for Classify<In>
where
    M: ModuleExt + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>>,
    In: Shape,
{
    type Batch = MnistBatch;
    type Algorithm = SgdAlgorithm;
    const SCORE: &'static str = "test accuracy";

    /// SGD with momentum 0.9, as PyTorch's MNIST example.
    fn optimizer(&self, params: Vec<Parameter>, lr: f64) -> kiln::Result<SGD> {
        SGD::new(
            params,
            SgdOptions {
                lr,
                momentum: 0.9,
                ..Default::default()
            },
        )
    }

    fn steps_per_epoch(&self) -> usize {
        self.train.len()
    }

    fn batches(&self, epoch: usize) -> impl Iterator<Item = MnistBatch> {
        self.train.iter(epoch as u64)
    }

    fn samples(batch: &MnistBatch) -> usize {
        batch.len
    }

    fn loss(&self, model: &mut M, batch: &MnistBatch) -> kiln::Result<Tensor<()>> {
        let (x, y) = self.tensors(batch)?;
        self.criterion.forward(model.forward(x), y)
    }

    /// Test accuracy, in eval mode without recording the graph.
    fn evaluate(&self, model: &mut M) -> kiln::Result<Score> {
        model.eval();
        let loader = DataLoader::new(&self.test, 1000)?;
        let mut correct = 0usize;
        for batch in loader.iter(0) {
            let (x, y) = self.tensors(&batch)?;
            let predicted = no_grad(|| model.forward(x)).into_dyn().argmax(1)?;
            correct += predicted
                .data()
                .iter()
                .zip(y.to_vec())
                .filter(|(p, t)| **p == *t)
                .count();
        }
        Ok(Score::percent(correct, self.test.len()))
    }
}
