//! The MNIST examples' task: one image in, one of 10 classes out, cross
//! entropy, scored by test accuracy.

use super::{Args, Score, Task};
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

/// Classifying single MNIST digits with a model taking `In`
/// (`(Dyn, U784)`, `(Dyn, U1, U28, U28)` or `(Dyn, U28, U28)`), trained
/// with the optimizer `A` (SGD with momentum unless an example says).
pub struct Classify<In, A = SgdAlgorithm> {
    train: DataLoader<Mnist>,
    test: DataLoader<Mnist>,
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
            task.test.dataset().len()
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
            test: DataLoader::new(test, 1000)?,
            sample_dims: sample_dims.to_vec(),
            criterion: CrossEntropyLoss::new(),
            input: PhantomData,
        })
    }

    /// The training loader (the `--distributed` loop draws its own shards
    /// and fetches them through it).
    #[allow(dead_code)] // Used only with --features mpi.
    pub fn train_loader(&self) -> &DataLoader<Mnist> {
        &self.train
    }

    /// The loader's images as the model's input `(batch, sample_dims...)`.
    fn input(&self, x: Tensor<(Dyn, U1, U28, U28)>) -> kiln::Result<Tensor<In>> {
        let mut dims = vec![x.dims().as_slice()[0] as isize];
        dims.extend(self.sample_dims.iter().map(|&d| d as isize));
        Tensor::from_dyn(x.into_dyn().reshape(&dims)?)
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
        self.train.set_epoch(epoch as u64);
        self.train.iter()
    }

    fn samples((x, _): &MnistBatch) -> usize {
        x.dims().as_slice()[0]
    }

    fn loss(&self, model: &mut M, (x, y): &MnistBatch) -> kiln::Result<Tensor<()>> {
        let x = self.input(x.clone())?;
        self.criterion.forward(model.forward(x), y.clone())
    }

    /// Test accuracy, in eval mode without recording the graph.
    fn evaluate(&self, model: &mut M) -> kiln::Result<Score> {
        model.eval();
        let mut correct = 0;
        for (x, y) in self.test.iter() {
            let x = self.input(x)?;
            let output = no_grad(|| model.forward(x));
            correct += output.argmax::<1>().eq(&y).sum().item();
        }
        Ok(Score::percent(correct as usize, self.test.dataset().len()))
    }
}
