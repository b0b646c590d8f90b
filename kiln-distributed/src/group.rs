//! The process group: `torch.distributed` over MPI.

use mpi::Threading;
use mpi::collective::SystemOperation;
use mpi::environment::Universe;
use mpi::topology::{Communicator, SimpleCommunicator};
use mpi::traits::{CommunicatorCollectives, Root};
use nncore::{DynTensor, Error, Result};
use std::sync::{Arc, Once};

/// How [`ProcessGroup::all_reduce`] combines the ranks' values
/// (`torch.distributed.ReduceOp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceOp {
    /// The sum over ranks.
    Sum,
    /// The mean over ranks (the sum divided by the world size), what
    /// gradient averaging needs.
    Avg,
    /// The largest value.
    Max,
    /// The smallest value.
    Min,
}

/// The processes of one training job, like PyTorch's default process
/// group after `torch.distributed.init_process_group("mpi")`.
///
/// Created once per process from the MPI launcher's environment
/// (`mpirun`, `srun`); cloning it shares it. MPI is finalised when the last
/// clone is dropped, so keep it alive until the end of `main`. Collectives
/// must be called by every rank in the same order, from one thread at a
/// time (MPI is initialised with `MPI_THREAD_SERIALIZED`).
///
/// Creating it also installs a panic hook: a rank that panics prints its
/// message and then calls `MPI_Abort`, which ends every rank of the job
/// with a non-zero exit in about half a second, instead of leaving the
/// others waiting forever in their next collective.
///
/// ```no_run
/// use kiln_distributed::{ProcessGroup, ReduceOp};
/// use nncore::DynTensor;
/// let group = ProcessGroup::init()?;
/// let t = DynTensor::from_vec(vec![group.rank() as f32; 3], &[3])?;
/// group.all_reduce(&t, ReduceOp::Sum);
/// if group.rank() == 0 {
///     println!("{} ranks, sum of ranks {:?}", group.world_size(), t.to_vec());
/// }
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone)]
pub struct ProcessGroup {
    inner: Arc<Inner>,
}

struct Inner {
    rank: usize,
    world_size: usize,
    local_rank: usize,
    local_world_size: usize,
    // Dropped last: finalises MPI.
    _universe: Universe,
}

impl std::fmt::Debug for ProcessGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessGroup")
            .field("rank", &self.rank())
            .field("world_size", &self.world_size())
            .field("local_rank", &self.local_rank())
            .finish()
    }
}

impl ProcessGroup {
    /// Initialises MPI from the launcher's environment and returns the
    /// group of all its processes. A program started without a launcher is
    /// a group of one.
    ///
    /// Fails when MPI is already initialised in this process (create the
    /// group once and clone it).
    pub fn init() -> Result<Self> {
        let Some((universe, _)) = mpi::initialize_with_threading(Threading::Serialized) else {
            return Err(Error::option(
                "ProcessGroup::init",
                "MPI",
                "MPI is already initialised in this process: create one ProcessGroup and clone it",
            ));
        };
        let world = universe.world();
        let node = world.split_shared(world.rank());
        let group = ProcessGroup {
            inner: Arc::new(Inner {
                rank: to_usize(world.rank()),
                world_size: to_usize(world.size()),
                local_rank: to_usize(node.rank()),
                local_world_size: to_usize(node.size()),
                _universe: universe,
            }),
        };
        abort_job_on_panic(group.rank());
        Ok(group)
    }

    /// This process's index in the job, `0..world_size`
    /// (`torch.distributed.get_rank()`).
    pub fn rank(&self) -> usize {
        self.inner.rank
    }

    /// The number of processes in the job (`get_world_size()`).
    pub fn world_size(&self) -> usize {
        self.inner.world_size
    }

    /// This process's index among the job's processes on the same machine
    /// (`LOCAL_RANK` under torchrun), e.g. to pick a core set or a device.
    pub fn local_rank(&self) -> usize {
        self.inner.local_rank
    }

    /// The number of the job's processes on this machine.
    pub fn local_world_size(&self) -> usize {
        self.inner.local_world_size
    }

    /// Whether this is rank 0, the one that prints and writes files.
    pub fn is_main(&self) -> bool {
        self.rank() == 0
    }

    /// Waits until every rank has called it (`barrier()`).
    pub fn barrier(&self) {
        world().barrier();
    }

    /// Ends the whole job now with exit code `code` on every rank
    /// (`MPI_Abort`), e.g. when one rank meets an error the others cannot
    /// know about.
    pub fn abort(&self, code: i32) -> ! {
        world().abort(code)
    }

    /// Combines `tensor` across ranks in place (`all_reduce(tensor, op)`):
    /// afterwards every rank holds the same result.
    ///
    /// Every rank must pass a tensor of the same number of elements.
    pub fn all_reduce(&self, tensor: &DynTensor<f32>, op: ReduceOp) {
        let mut data = tensor.data_mut();
        let mut scratch = Vec::new();
        self.all_reduce_slice(&mut data, &mut scratch, op);
    }

    /// [`all_reduce`](Self::all_reduce) on a slice; `scratch` is a buffer
    /// the call may grow and reuse (MPI reduces from one buffer into
    /// another).
    pub fn all_reduce_slice(&self, values: &mut [f32], scratch: &mut Vec<f32>, op: ReduceOp) {
        if self.world_size() == 1 {
            return;
        }
        scratch.clear();
        scratch.extend_from_slice(values);
        let world = world();
        match op {
            ReduceOp::Sum | ReduceOp::Avg => {
                world.all_reduce_into(&scratch[..], values, SystemOperation::sum())
            }
            ReduceOp::Max => world.all_reduce_into(&scratch[..], values, SystemOperation::max()),
            ReduceOp::Min => world.all_reduce_into(&scratch[..], values, SystemOperation::min()),
        }
        if op == ReduceOp::Avg {
            let scale = 1.0 / self.world_size() as f32;
            values.iter_mut().for_each(|v| *v *= scale);
        }
    }

    /// Copies rank `src`'s `tensor` into every rank's `tensor`, in place
    /// (`broadcast(tensor, src)`).
    ///
    /// Fails (on every rank alike) when `src` is not a rank of the group.
    pub fn broadcast(&self, tensor: &DynTensor<f32>, src: usize) -> Result<()> {
        self.broadcast_slice(&mut tensor.data_mut(), src)
    }

    /// [`broadcast`](Self::broadcast) on a slice.
    pub fn broadcast_slice(&self, values: &mut [f32], src: usize) -> Result<()> {
        self.check_rank("broadcast", src)?;
        if self.world_size() > 1 {
            world().process_at_rank(src as i32).broadcast_into(values);
        }
        Ok(())
    }

    /// Every rank's `tensor`, in rank order (`all_gather(tensor_list,
    /// tensor)`), as new tensors of the same shape.
    ///
    /// Fails on every rank when the ranks' tensors differ in size.
    pub fn all_gather(&self, tensor: &DynTensor<f32>) -> Result<Vec<DynTensor<f32>>> {
        let sizes = self.all_gather_counts(tensor.numel() as u64);
        if let Some(&other) = sizes.iter().find(|&&n| n != tensor.numel() as u64) {
            return Err(Error::shape(
                "all_gather",
                format!("{} elements on every rank", tensor.numel()),
                format!("{other} on some rank (all: {sizes:?})"),
            ));
        }
        let n = tensor.numel();
        let mut all = vec![0.0f32; n * self.world_size()];
        world().all_gather_into(&tensor.data()[..], &mut all[..]);
        (0..self.world_size())
            .map(|r| DynTensor::from_vec(all[r * n..(r + 1) * n].to_vec(), tensor.shape()))
            .collect()
    }

    /// One number from every rank, in rank order: how the group checks
    /// that the ranks agree (same model, same sizes) before relying on it.
    pub fn all_gather_counts(&self, count: u64) -> Vec<u64> {
        let mut all = vec![0u64; self.world_size()];
        world().all_gather_into(&count, &mut all[..]);
        all
    }

    /// Runs `write` on rank 0 only, then tells every rank whether it
    /// succeeded and waits for all of them: the way to write a checkpoint
    /// once, so that no rank reads it (or exits) before it exists. Every
    /// rank returns an error if rank 0's write failed.
    ///
    /// ```no_run
    /// # use kiln_distributed::ProcessGroup;
    /// # fn f(group: &ProcessGroup) -> nncore::Result<()> {
    /// group.save_on_main("ckpt/model.safetensors".as_ref(), |path| {
    ///     std::fs::write(path, b"...").map_err(|e| nncore::Error::bad_file(path, e.to_string()))
    /// })?;
    /// # Ok(()) }
    /// ```
    pub fn save_on_main(
        &self,
        path: &std::path::Path,
        write: impl FnOnce(&std::path::Path) -> Result<()>,
    ) -> Result<()> {
        let (result, mut ok) = if self.is_main() {
            let result = write(path);
            let ok = u8::from(result.is_ok());
            (result, ok)
        } else {
            (Ok(()), 0)
        };
        if self.world_size() > 1 {
            world().process_at_rank(0).broadcast_into(&mut ok);
            self.barrier();
        }
        match (result, ok) {
            (Err(e), _) => Err(e),
            (Ok(()), 1) => Ok(()),
            (Ok(()), _) => Err(Error::bad_file(path, "rank 0 could not write it")),
        }
    }

    fn check_rank(&self, op: &'static str, rank: usize) -> Result<()> {
        if rank < self.world_size() {
            Ok(())
        } else {
            Err(Error::option(
                op,
                "src",
                format!("rank {rank} is not in a group of {}", self.world_size()),
            ))
        }
    }
}

fn world() -> SimpleCommunicator {
    SimpleCommunicator::world()
}

fn to_usize(v: i32) -> usize {
    usize::try_from(v).expect("MPI ranks and sizes are non-negative")
}

/// Chains a panic hook that, after the usual message, aborts the MPI job,
/// so one rank's panic ends all ranks instead of leaving them blocked in a
/// collective that will never complete.
fn abort_job_on_panic(rank: usize) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            if mpi::is_initialized() && !mpi::is_finalized() {
                eprintln!("kiln-distributed: rank {rank} panicked; aborting the MPI job");
                world().abort(1);
            }
        }));
    });
}
