//! `torch.nn.parallel.DistributedDataParallel` for any Kiln model.

use crate::bucket::bucket_plan;
use crate::group::{ProcessGroup, ReduceOp};
use nncore::nn::{Buffer, DynForward, Forward, Module, ModuleExt, Parameter, StateDict};
use nncore::{DynTensor, Error, Result, Tensor};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// DistributedDataParallel's options, with PyTorch's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct DdpOptions {
    /// The most gradient data (MiB) one all-reduce carries (PyTorch's
    /// `bucket_cap_mb`, default 25). Fewer, larger buckets pay the
    /// per-message latency fewer times; see docs/distributed.md.
    pub bucket_cap_mb: f64,
    /// Whether rank 0's buffers (BatchNorm's running statistics) are
    /// copied to every rank before each training-mode forward, as
    /// PyTorch does by default.
    pub broadcast_buffers: bool,
}

impl Default for DdpOptions {
    fn default() -> Self {
        DdpOptions {
            bucket_cap_mb: 25.0,
            broadcast_buffers: true,
        }
    }
}

/// A model replicated on every rank of a [`ProcessGroup`], whose
/// gradients are averaged across ranks after each backward pass, like
/// PyTorch's `DistributedDataParallel`.
///
/// It wraps any [`Module`] and keeps its type: `forward` takes and returns
/// exactly what the inner model's does, so shape errors are still compile
/// errors. At construction every rank checks that the others hold the same
/// parameters and takes rank 0's parameters and buffers, so all replicas
/// start equal. After `loss.backward()`, call
/// [`sync_gradients`](Self::sync_gradients) (or let
/// [`backward`](Self::backward) do both): the gradients are averaged in
/// buckets of at most `bucket_cap_mb`, launched in the same order on every
/// rank. (PyTorch launches them from autograd hooks during backward to
/// overlap communication with computation; Open MPI makes no progress in
/// the background, so on CPU that overlap gains nothing and Kiln reduces
/// after backward.)
///
/// The wrapper is transparent to `state_dict`, `save`, `load`, `train`
/// and `eval`: its keys are the inner model's, PyTorch's keys, with no
/// `module.` prefix unless asked for ([`prefixed_state_dict`](Self::prefixed_state_dict)).
///
/// ```no_run
/// use kiln_distributed::{DistributedDataParallel, ProcessGroup};
/// use nncore::nn::{Forward, Linear, ModuleExt};
/// use nncore::optim::{SGD, SgdOptions};
/// use nncore::shape::{Dyn, U4, U2};
/// use nncore::Tensor;
/// let group = ProcessGroup::init()?;
/// let model = DistributedDataParallel::new(Linear::<U4, U2>::new(), &group)?;
/// let mut opt = SGD::new(model.parameters(), SgdOptions { lr: 0.1, ..Default::default() })?;
/// let x = Tensor::<(Dyn, U4)>::zeros((Dyn(8), U4::default())).unwrap();
/// opt.zero_grad();
/// let loss = model.forward(x).sum();
/// model.backward(&loss)?; // loss.backward(), then the gradients' average
/// opt.step()?;
/// # Ok::<(), nncore::Error>(())
/// ```
pub struct DistributedDataParallel<M> {
    module: M,
    group: ProcessGroup,
    options: DdpOptions,
    /// Parameters that take gradients, in the model's order.
    params: Vec<Parameter>,
    buffers: Vec<Buffer>,
    /// Indices into `params`, per bucket, in launch order.
    buckets: Vec<Vec<usize>>,
    require_sync: bool,
    /// The flat send buffer and MPI's receive buffer, reused every step.
    scratch: Mutex<(Vec<f32>, Vec<f32>)>,
    comm_nanos: AtomicU64,
}

impl<M: Module> DistributedDataParallel<M> {
    /// Wraps `module` with PyTorch's default options.
    pub fn new(module: M, group: &ProcessGroup) -> Result<Self> {
        Self::with_options(module, group, DdpOptions::default())
    }

    /// Wraps `module`: checks that every rank holds the same parameter
    /// sizes, then copies rank 0's parameters and buffers to all ranks.
    ///
    /// Fails (on every rank alike) when the ranks' models differ in their
    /// parameters, or when `bucket_cap_mb` is not positive.
    pub fn with_options(module: M, group: &ProcessGroup, options: DdpOptions) -> Result<Self> {
        if !(options.bucket_cap_mb > 0.0 && options.bucket_cap_mb.is_finite()) {
            return Err(Error::option(
                "DistributedDataParallel",
                "bucket_cap_mb",
                format!(
                    "must be a positive number of MiB, got {}",
                    options.bucket_cap_mb
                ),
            ));
        }
        let all: Vec<Parameter> = module.parameters();
        let buffers = module.buffers();
        check_same_model(group, &all, &buffers)?;
        let params: Vec<Parameter> = all.into_iter().filter(|p| p.requires_grad()).collect();
        let sizes: Vec<usize> = params.iter().map(|p| p.numel()).collect();
        let cap_bytes = (options.bucket_cap_mb * 1024.0 * 1024.0) as usize;
        let ddp = DistributedDataParallel {
            buckets: bucket_plan(&sizes, cap_bytes.max(1)),
            module,
            group: group.clone(),
            options,
            params,
            buffers,
            require_sync: true,
            scratch: Mutex::new((Vec::new(), Vec::new())),
            comm_nanos: AtomicU64::new(0),
        };
        let tensors = ddp.module.parameters();
        broadcast_from_main(group, tensors.iter().map(|p| p.tensor()))?;
        broadcast_from_main(group, ddp.buffers.iter().map(|b| b.tensor()))?;
        Ok(ddp)
    }
}

impl<M> DistributedDataParallel<M> {
    /// The wrapped model (`ddp.module`), e.g. to save or evaluate it.
    pub fn module(&self) -> &M {
        &self.module
    }

    /// The wrapped model, mutably.
    pub fn module_mut(&mut self) -> &mut M {
        &mut self.module
    }

    /// Unwraps the model.
    pub fn into_inner(self) -> M {
        self.module
    }

    /// The group the gradients are averaged over.
    pub fn group(&self) -> &ProcessGroup {
        &self.group
    }

    /// The options it was built with.
    pub fn options(&self) -> &DdpOptions {
        &self.options
    }

    /// The number of gradient tensors in each bucket, in launch order.
    pub fn bucket_sizes(&self) -> Vec<usize> {
        self.buckets.iter().map(Vec::len).collect()
    }

    /// The seconds spent in gradient all-reduces so far (packing included),
    /// to see communication's share of a step.
    pub fn comm_seconds(&self) -> f64 {
        self.comm_nanos.load(Ordering::Relaxed) as f64 * 1e-9
    }

    /// Runs `f` with gradient averaging turned off (`with ddp.no_sync():`):
    /// backward passes inside only accumulate local gradients, and the next
    /// [`sync_gradients`](Self::sync_gradients) outside averages the sum.
    /// This is gradient accumulation without a collective per micro-batch.
    pub fn no_sync<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let previous = std::mem::replace(&mut self.require_sync, false);
        let out = f(self);
        self.require_sync = previous;
        out
    }

    /// `loss.backward()`, then [`sync_gradients`](Self::sync_gradients).
    pub fn backward(&self, loss: &Tensor<()>) -> Result<()> {
        loss.backward()?;
        self.sync_gradients();
        Ok(())
    }

    /// Averages every parameter's gradient over the ranks, bucket by
    /// bucket (a no-op inside [`no_sync`](Self::no_sync)). Every rank must
    /// call it the same number of times.
    ///
    /// A parameter without a gradient on some rank counts as a zero
    /// gradient there; one without a gradient on every rank (unused in
    /// this step everywhere) keeps no gradient, as in PyTorch.
    pub fn sync_gradients(&self) {
        if !self.require_sync || self.group.world_size() == 1 {
            return;
        }
        let started = Instant::now();
        let mut scratch = self.scratch.lock().unwrap_or_else(|e| e.into_inner());
        let (flat, recv) = &mut *scratch;
        let scale = 1.0 / self.group.world_size() as f32;
        for bucket in &self.buckets {
            flat.clear();
            for &i in bucket {
                let p = &self.params[i];
                match &*p.grad_lock() {
                    Some(g) => flat.extend_from_slice(g),
                    None => flat.resize(flat.len() + p.numel(), 0.0),
                }
            }
            // One flag per tensor: how many ranks had a gradient for it.
            for &i in bucket {
                flat.push(f32::from(u8::from(self.params[i].grad_lock().is_some())));
            }
            self.group.all_reduce_slice(flat, recv, ReduceOp::Sum);
            let flags = flat.len() - bucket.len();
            let mut offset = 0;
            for (k, &i) in bucket.iter().enumerate() {
                let p = &self.params[i];
                let n = p.numel();
                let mut grad = p.grad_lock();
                if flat[flags + k] > 0.0 {
                    let values = &flat[offset..offset + n];
                    let g = grad.get_or_insert_with(|| vec![0.0; n]);
                    g.iter_mut().zip(values).for_each(|(g, v)| *g = v * scale);
                }
                offset += n;
            }
        }
        let nanos = started.elapsed().as_nanos() as u64;
        self.comm_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// The state_dict with every key prefixed `module.`, as PyTorch's
    /// `ddp.state_dict()` has it, for files meant for code that loads
    /// into a wrapped model.
    pub fn prefixed_state_dict(&self) -> StateDict
    where
        M: Module,
    {
        self.module
            .state_dict()
            .into_iter()
            .map(|(k, t)| (format!("module.{k}"), t))
            .collect()
    }

    fn sync_buffers(&self)
    where
        M: Module,
    {
        if self.options.broadcast_buffers
            && self.group.world_size() > 1
            && !self.buffers.is_empty()
            && self.module.is_training()
        {
            broadcast_from_main(&self.group, self.buffers.iter().map(|b| b.tensor()))
                .expect("rank 0 is in every group");
        }
    }
}

/// Every rank states its number of parameters and buffers and their total
/// size; any difference is an error on all ranks (a model built
/// differently on one rank would otherwise corrupt every step).
fn check_same_model(group: &ProcessGroup, params: &[Parameter], buffers: &[Buffer]) -> Result<()> {
    let numel: usize = params.iter().map(|p| p.numel()).sum();
    let buffer_numel: usize = buffers.iter().map(|b| b.numel()).sum();
    let key = [params.len(), numel, buffers.len(), buffer_numel]
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &v| {
            (h ^ v as u64).wrapping_mul(0x0100_0000_01b3)
        });
    let keys = group.all_gather_counts(key);
    if keys.iter().all(|&k| k == key) {
        return Ok(());
    }
    Err(Error::shape(
        "DistributedDataParallel",
        format!(
            "the same model on every rank ({} parameters, {numel} values, {} buffers, {buffer_numel} values on rank {})",
            params.len(),
            buffers.len(),
            group.rank()
        ),
        "a different model on some rank",
    ))
}

/// Copies rank 0's values of `tensors` to every rank, as one message.
fn broadcast_from_main<'a>(
    group: &ProcessGroup,
    tensors: impl Iterator<Item = &'a DynTensor<f32>> + Clone,
) -> Result<()> {
    if group.world_size() == 1 {
        return Ok(());
    }
    let mut flat: Vec<f32> = Vec::new();
    for t in tensors.clone() {
        flat.extend_from_slice(&t.data());
    }
    group.broadcast_slice(&mut flat, 0)?;
    let mut offset = 0;
    for t in tensors {
        let mut data = t.data_mut();
        let n = data.len();
        data.copy_from_slice(&flat[offset..offset + n]);
        offset += n;
    }
    Ok(())
}

impl<M: Module> Module for DistributedDataParallel<M> {
    fn type_name(&self) -> &str {
        self.module.type_name()
    }
    fn extra_repr(&self) -> String {
        self.module.extra_repr()
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        self.module.named_children()
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        self.module.named_children_mut()
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        self.module.own_parameters()
    }
    fn own_buffers(&self) -> Vec<(&str, &Buffer)> {
        self.module.own_buffers()
    }
    fn folds_repeated_children(&self) -> bool {
        self.module.folds_repeated_children()
    }
    fn is_training(&self) -> bool {
        self.module.is_training()
    }
    fn set_own_training(&mut self, training: bool) {
        self.module.set_own_training(training);
    }
}

impl<M: Module + Forward<X>, X> Forward<X> for DistributedDataParallel<M> {
    type Output = M::Output;

    /// Rank 0's buffers first (in training mode, with `broadcast_buffers`),
    /// then the inner model's forward.
    fn forward(&self, input: X) -> M::Output {
        self.sync_buffers();
        self.module.forward(input)
    }
}

impl<M: Module + DynForward> DynForward for DistributedDataParallel<M> {
    fn forward_dyn(&self, input: &DynTensor) -> Result<DynTensor> {
        self.sync_buffers();
        self.module.forward_dyn(input)
    }
}

impl<M: std::fmt::Display> std::fmt::Display for DistributedDataParallel<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.module.fmt(f)
    }
}
