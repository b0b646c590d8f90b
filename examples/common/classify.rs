//! The MNIST examples' task: one image in, one of 10 classes out, cross
//! entropy, scored by test accuracy.

use super::{Args, Score, Task};
use kiln::data::MnistBatch;
use kiln::optim::{AdamAlgorithm, Algorithm, Optimizer, SgdAlgorithm};
use kiln::prelude::*;
use std::marker::PhantomData;

/// The optimizer a classification example trains with, at `--lr`.
pub trait ClassifyOptimizer: Algorithm + Sized {
    /// The optimizer over `params` with learning rate `lr`.
    fn build(params: Vec<Parameter>, lr: f64) -> kiln::Result<Optimizer<Self>>;
}

/// SGD with momentum 0.9, as PyTorch's MNIST example.
impl ClassifyOptimizer for SgdAlgorithm {
    fn build(params: Vec<Parameter>, lr: f64) -> kiln::Result<SGD> {
        SGD::new(
            params,
            SgdOptions {
                lr,
                momentum: 0.9,
                ..Default::default()
            },
        )
    }
}

/// Adam with PyTorch's defaults but `lr` (the recurrent example's).
impl ClassifyOptimizer for AdamAlgorithm {
    fn build(params: Vec<Parameter>, lr: f64) -> kiln::Result<Adam> {
        Adam::new(
            params,
            AdamOptions {
                lr,
                ..Default::default()
            },
        )
    }
}

/// One class index per sample.
type Labels = Tensor<(Dyn,), i64>;

/// Classifying single MNIST digits with a model taking `In`
/// (`(Dyn, U784)`, `(Dyn, U1, U28, U28)` or `(Dyn, U28, U28)`), trained
/// with the optimizer `A` (SGD with momentum unless an example says).
pub struct Classify<In, A = SgdAlgorithm> {
    train: DataLoader<Mnist>,
    test: Mnist,
    sample_dims: Vec<usize>,
    criterion: CrossEntropyLoss,
    input: PhantomData<fn() -> (In, A)>,
}

impl<In: Shape, A> Classify<In, A> {
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

impl<M, In, A> Task<M> for Classify<In, A>
where
    M: ModuleExt + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>>,
    In: Shape,
    A: ClassifyOptimizer,
{
    type Batch = MnistBatch;
    type Algorithm = A;
    const SCORE: &'static str = "test accuracy";

    fn optimizer(&self, params: Vec<Parameter>, lr: f64) -> kiln::Result<Optimizer<A>> {
        A::build(params, lr)
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
