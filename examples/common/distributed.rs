//! `--distributed`: the MNIST examples' training loop on every rank of an
//! MPI job (`mpirun -np 2 target/release/examples/mnist_lenet
//! --distributed --batch-size 32`), PyTorch's DistributedDataParallel
//! recipe: rank 0's weights everywhere, a `DistributedSampler` shard per
//! rank (`--batch-size` is per rank: the global batch is that times the
//! number of ranks), gradients averaged after each backward, progress,
//! evaluation, checkpoints and files on rank 0 only (others wait for them).
//! Needs a build with `--features mpi`.

use super::Args;
use kiln::prelude::*;
use std::fmt::Display;

/// Trains `model` on the ranks of the MPI job and ends, on rank 0, with
/// `test accuracy: NN.NN%`.
#[cfg(feature = "mpi")]
pub fn run<M, In>(model: M, sample_dims: &[usize], args: &Args) -> kiln::Result<()>
where
    M: Module + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>> + Display,
    In: Shape,
{
    use super::{Classify, Task, checkpoint, table};
    use kiln::distributed::{DistributedDataParallel, DistributedSampler, ProcessGroup};
    use std::time::Instant;

    let group = ProcessGroup::init()?;
    share_cores(&group)?;
    let main = group.is_main();
    let task = Classify::<In>::load(args, sample_dims)?;
    let mut model = DistributedDataParallel::new(model, &group)?;
    if main {
        println!("{model}");
        println!("parameters: {}", model.num_parameters());
        println!(
            "distributed: {} ranks x batch {} (global batch {}), {} threads per rank",
            group.world_size(),
            args.batch_size,
            group.world_size() * args.batch_size,
            get_num_threads()
        );
    }
    if let Some(path) = &args.load {
        model.load(path)?;
    }
    let params = model.parameters();
    let mut opt =
        <Classify<In> as Task<DistributedDataParallel<M>>>::optimizer(&task, params, args.lr)?;
    let first = match &args.resume {
        Some(dir) => checkpoint::resume(model.module_mut(), &mut opt, dir)?,
        None => 0,
    };
    let loader = task.train_loader();
    let mut sampler =
        DistributedSampler::new(loader.dataset().len(), group.world_size(), group.rank())?
            .seed(args.seed);
    let table = table::EpochTable::new("test accuracy");
    if main && first < args.epochs && !args.eval_only {
        println!("{}", table.header());
    }
    let epochs = if args.eval_only {
        first..first
    } else {
        first..args.epochs
    };
    for epoch in epochs {
        let started = Instant::now();
        let comm_before = model.comm_seconds();
        sampler.set_epoch(epoch as u64);
        loader.set_epoch(epoch as u64);
        let indices = sampler.indices();
        let steps = indices.len().div_ceil(args.batch_size);
        model.train();
        let mut total_loss = 0.0;
        for (step, chunk) in indices.chunks(args.batch_size).enumerate() {
            let batch = loader.fetch(chunk);
            opt.zero_grad();
            let loss = task.loss(&mut model, &batch)?;
            model.backward(&loss)?;
            opt.step()?;
            total_loss += loss.item() as f64;
            if main && (step + 1) % 100 == 0 {
                eprint!(
                    "\repoch {} step {}/{steps} loss {:.4}  ",
                    epoch + 1,
                    step + 1,
                    total_loss / (step + 1) as f64
                );
            }
        }
        let train_seconds = started.elapsed().as_secs_f64();
        let comm = model.comm_seconds() - comm_before;
        if main {
            eprint!("\r");
            let score = task.evaluate(model.module_mut())?;
            println!(
                "{}",
                table.row(&table::EpochRow {
                    epoch: epoch + 1,
                    train_loss: total_loss / steps.max(1) as f64,
                    score: score.percent,
                    samples_per_sec: (indices.len() * group.world_size()) as f64 / train_seconds,
                    seconds: started.elapsed().as_secs_f64(),
                })
            );
            println!(
                "  {:.2} steps/s, gradient all-reduce {:.1}% of training time ({:.3} ms per step)",
                steps as f64 / train_seconds,
                100.0 * comm / train_seconds,
                1e3 * comm / steps.max(1) as f64
            );
        }
        if let Some(dir) = &args.checkpoint {
            let write =
                |dir: &std::path::Path| checkpoint::save(model.module(), &opt, dir, epoch + 1);
            group.save_on_main(dir, write)?;
        }
    }
    if let Some(path) = &args.save {
        group.save_on_main(path, |p| model.module().save(p))?;
    }
    if main {
        let score = task.evaluate(model.module_mut())?;
        println!("test accuracy: {:.2}%", score.percent);
    }
    group.barrier();
    Ok(())
}

/// Without `--features mpi` there is no MPI to run on.
#[cfg(not(feature = "mpi"))]
pub fn run<M, In>(_model: M, _sample_dims: &[usize], _args: &Args) -> kiln::Result<()>
where
    M: Module + Forward<Tensor<In>, Output = Tensor<(Dyn, U10)>> + Display,
    In: Shape,
{
    Err(kiln::Error::option(
        "example",
        "--distributed",
        "this build has no MPI support: build with `cargo build --release --features mpi --examples`",
    ))
}

/// The ranks on one machine split its cores (unless RAYON_NUM_THREADS
/// says otherwise), so two ranks on two cores do not fight over them:
/// `torch.set_num_threads(cores // local_world_size)`.
#[cfg(feature = "mpi")]
fn share_cores(group: &kiln::distributed::ProcessGroup) -> kiln::Result<()> {
    if std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return Ok(());
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    set_num_threads((cores / group.local_world_size().max(1)).max(1))
}
