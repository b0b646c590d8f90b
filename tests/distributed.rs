//! Data-parallel training under `mpirun` (needs `--features mpi` and Open
//! MPI). Each `launch_*` test starts this very test binary under
//! `mpirun -np N`, filtered to one `rank_*` case, which then runs on every
//! rank; outside `mpirun` the `rank_*` cases do nothing. Traffic stays on
//! shared memory and loopback (`btl=self,vader`, OOB over `lo`).

use kiln::checkpoint::Checkpoint;
use kiln::distributed::{
    DdpOptions, DistributedDataParallel, DistributedSampler, ProcessGroup, ReduceOp,
};
use kiln::prelude::*;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The environment variable naming the case a rank runs.
const CASE: &str = "KILN_MPI_CASE";
/// A scratch folder shared by the ranks (and by two launches).
const DIR: &str = "KILN_MPI_DIR";

/// One `mpirun` at a time: the machine has few cores.
static LAUNCH: Mutex<()> = Mutex::new(());

fn launch(np: usize, case: &str, dir: &std::path::Path) -> (Output, Duration) {
    let _one = LAUNCH.lock().unwrap_or_else(|e| e.into_inner());
    let exe = std::env::current_exe().expect("the test binary");
    let started = Instant::now();
    let out = Command::new("mpirun")
        .args(["-np", &np.to_string(), "--oversubscribe"])
        .arg(exe)
        .args(["--exact", case, "--nocapture", "--test-threads=1"])
        .env(CASE, case)
        .env(DIR, dir)
        .env("OMPI_MCA_btl", "self,vader")
        .env("OMPI_MCA_oob_tcp_if_include", "lo")
        .env("OMPI_MCA_mpi_yield_when_idle", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("mpirun (Open MPI) on PATH");
    (out, started.elapsed())
}

fn launch_ok(np: usize, case: &str, dir: &std::path::Path) -> String {
    let (out, _) = launch(np, case, dir);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "mpirun -np {np} {case} failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // Every rank ran the case to its end: each leaves a marker file (the
    // ranks' stdout interleaves, so their test summaries cannot be counted).
    let finished = (0..np)
        .filter(|rank| dir.join(marker(case, *rank, np)).exists())
        .count();
    assert_eq!(finished, np, "ranks that finished {case}:\n{stdout}");
    stdout
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-mpi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The file a rank leaves when it has run `case` to its end.
fn marker(case: &str, rank: usize, world: usize) -> String {
    format!("{case}.rank{rank}-of-{world}.done")
}

/// Runs `body` only on the ranks of a launch of `case`, then leaves the
/// rank's marker file.
fn on_ranks(case: &str, body: impl FnOnce(ProcessGroup)) {
    if std::env::var(CASE).as_deref() == Ok(case) {
        let group = ProcessGroup::init().expect("MPI initialises once per process");
        let (rank, world) = (group.rank(), group.world_size());
        body(group);
        std::fs::write(shared_dir().join(marker(case, rank, world)), b"").unwrap();
    }
}

fn shared_dir() -> PathBuf {
    PathBuf::from(std::env::var(DIR).expect("set by launch"))
}

// ---- the launches -------------------------------------------------------

#[test]
fn launch_collectives_on_2_and_3_ranks() {
    let dir = scratch("collectives");
    launch_ok(2, "rank_collectives", &dir);
    launch_ok(3, "rank_collectives", &dir);
}

#[test]
fn launch_ddp_matches_one_process() {
    let dir = scratch("ddp");
    launch_ok(2, "rank_ddp_matches_one_process", &dir);
    launch_ok(2, "rank_buffers_follow_rank_0", &dir);
}

#[test]
fn launch_checkpoint_on_2_ranks_resumes_on_3() {
    let dir = scratch("checkpoint");
    launch_ok(2, "rank_checkpoint_save", &dir);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| !name.ends_with(".done"))
        .collect();
    assert_eq!(files, ["ckpt.safetensors"], "one file, no leftovers");
    launch_ok(3, "rank_checkpoint_resume", &dir);
}

#[test]
fn launch_panicking_rank_ends_the_job() {
    let dir = scratch("panic");
    let (out, elapsed) = launch(2, "rank_panics", &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    assert!(
        stderr.contains("kiln-distributed: rank 1 panicked; aborting the MPI job"),
        "{stderr}"
    );
}

// ---- the cases, run on every rank --------------------------------------

#[test]
fn rank_collectives() {
    on_ranks("rank_collectives", |g| {
        let (rank, world) = (g.rank(), g.world_size());
        assert!(rank < world && (2..=3).contains(&world));
        assert_eq!(g.local_world_size(), world, "one machine");
        assert_eq!(g.local_rank(), rank);
        g.barrier();

        let t = DynTensor::from_vec(vec![rank as f32 + 1.0, -(rank as f32)], &[2]).unwrap();
        g.all_reduce(&t, ReduceOp::Sum);
        let n = world as f32;
        assert_eq!(t.to_vec(), [n * (n + 1.0) / 2.0, -n * (n - 1.0) / 2.0]);
        let t = DynTensor::from_vec(vec![rank as f32 * 2.0], &[1]).unwrap();
        g.all_reduce(&t, ReduceOp::Avg);
        assert_eq!(t.to_vec(), [n - 1.0]);
        let t = DynTensor::from_vec(vec![rank as f32, -(rank as f32)], &[2]).unwrap();
        g.all_reduce(&t, ReduceOp::Max);
        assert_eq!(t.to_vec(), [n - 1.0, 0.0]);
        g.all_reduce(&t, ReduceOp::Min);
        assert_eq!(t.to_vec(), [n - 1.0, 0.0]);

        let t = DynTensor::from_vec(vec![rank as f32; 3], &[3]).unwrap();
        g.broadcast(&t, world - 1).unwrap();
        assert_eq!(t.to_vec(), [n - 1.0; 3]);
        let err = g.broadcast(&t, world).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("broadcast: invalid src: rank {world} is not in a group of {world}")
        );

        let t = DynTensor::from_vec(vec![rank as f32, 10.0 * rank as f32], &[1, 2]).unwrap();
        let all = g.all_gather(&t).unwrap();
        assert_eq!(all.len(), world);
        for (r, a) in all.iter().enumerate() {
            assert_eq!(a.shape(), [1, 2]);
            assert_eq!(a.to_vec(), [r as f32, 10.0 * r as f32]);
        }
        let ragged = DynTensor::from_vec(vec![0.0; rank + 1], &[rank + 1]).unwrap();
        let err = g.all_gather(&ragged).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "all_gather: shape mismatch: expected {} elements on every rank, found",
                rank + 1
            )),
            "{err}"
        );

        // Uneven shards: 10 samples over 3 ranks pad to 12; every rank gets
        // the same count, and together they cover the dataset.
        let mut sampler = DistributedSampler::new(10, world, rank).unwrap().seed(5);
        sampler.set_epoch(2);
        let mine = sampler.indices();
        assert_eq!(mine.len(), 10usize.div_ceil(world));
        let t = DynTensor::from_vec(mine.iter().map(|&i| i as f32).collect(), &[mine.len()]);
        let mut seen: Vec<usize> = g
            .all_gather(&t.unwrap())
            .unwrap()
            .iter()
            .flat_map(|s| s.to_vec())
            .map(|v| v as usize)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());

        // A failed write on rank 0 is an error on every rank.
        let dir = shared_dir();
        let result = g.save_on_main(&dir.join("missing/x"), |p| {
            std::fs::write(p, b"x").map_err(|e| kiln::Error::bad_file(p, e.to_string()))
        });
        let err = result.unwrap_err().to_string();
        if rank > 0 {
            assert!(
                err.ends_with("missing/x: rank 0 could not write it"),
                "{err}"
            );
        }
    });
}

type Net = Sequential![Conv2d(1, 4, 3), ReLU, Flatten, Linear(144, 10)];
type Images = Tensor<(Dyn, U1, U8, U8)>;
type Labels = Tensor<(Dyn,), i64>;

/// Sample `i` of a fixed synthetic data set: an 8×8 image and a class.
fn samples(range: std::ops::Range<usize>) -> (Images, Labels) {
    let n = range.len();
    let mut x = Vec::with_capacity(n * 64);
    let mut y = Vec::with_capacity(n);
    for i in range {
        x.extend((0..64).map(|j| ((i * 64 + j) as f32 * 0.37).sin()));
        y.push((i * 7 % 10) as i64);
    }
    let x = Images::from_dyn(DynTensor::from_vec(x, &[n, 1, 8, 8]).unwrap()).unwrap();
    (x, Labels::from_vec(y, (Dyn(n),)).unwrap())
}

fn loss_of<M: Forward<Images, Output = Tensor<(Dyn, U10)>>>(
    model: &M,
    range: std::ops::Range<usize>,
) -> Tensor<()> {
    let (x, y) = samples(range);
    CrossEntropyLoss::new()
        .forward(model.forward(x), y)
        .unwrap()
}

fn sgd(params: Vec<Parameter>) -> SGD {
    let options = SgdOptions {
        lr: 0.05,
        momentum: 0.9,
        ..Default::default()
    };
    SGD::new(params, options).unwrap()
}

fn flat_params<M: ModuleExt>(m: &M) -> Vec<f32> {
    m.parameters().iter().flat_map(|p| p.to_vec()).collect()
}

fn assert_close(a: &[f32], b: &[f32], tol: f32) {
    assert_eq!(a.len(), b.len());
    let worst = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max);
    assert!(worst <= tol, "largest difference {worst}");
}

/// `steps` SGD steps of a global batch of `global` samples (step `s` uses
/// samples `s*global..`), each rank taking its equal slice.
fn train_ddp(
    ddp: &DistributedDataParallel<Net>,
    opt: &mut SGD,
    steps: std::ops::Range<usize>,
    global: usize,
) {
    let g = ddp.group();
    let per_rank = global / g.world_size();
    for s in steps {
        let start = s * global + g.rank() * per_rank;
        opt.zero_grad();
        ddp.backward(&loss_of(ddp, start..start + per_rank))
            .unwrap();
        opt.step().unwrap();
    }
}

fn train_single(model: &Net, steps: usize, global: usize) -> Vec<f32> {
    let mut opt = sgd(model.parameters());
    for s in 0..steps {
        opt.zero_grad();
        loss_of(model, s * global..(s + 1) * global)
            .backward()
            .unwrap();
        opt.step().unwrap();
    }
    flat_params(model)
}

#[test]
fn rank_ddp_matches_one_process() {
    on_ranks("rank_ddp_matches_one_process", |g| {
        // Each rank initialises differently; DDP takes rank 0's weights.
        manual_seed(100 + g.rank() as u64);
        let options = DdpOptions {
            bucket_cap_mb: 0.002, // several buckets for this small model
            ..Default::default()
        };
        let mut ddp = DistributedDataParallel::with_options(Net::default(), &g, options).unwrap();
        assert_eq!(ddp.bucket_sizes(), [1, 1, 2]);
        manual_seed(100);
        let reference = Net::default();
        assert_eq!(
            flat_params(&reference),
            flat_params(&ddp),
            "rank 0's initial weights"
        );

        let keys: Vec<String> = ddp.state_dict().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["0.weight", "0.bias", "3.weight", "3.bias"]);
        assert_eq!(ddp.prefixed_state_dict()[0].0, "module.0.weight");

        // no_sync: local gradients only, then one average of their sums.
        ddp.zero_grad();
        let first = ddp.no_sync(|ddp| {
            let start = g.rank() * 16;
            ddp.backward(&loss_of(ddp, start..start + 16)).unwrap();
            ddp.parameters()[3].grad().unwrap()
        });
        let gathered = g
            .all_gather(&DynTensor::from_vec(first, &[10]).unwrap())
            .unwrap();
        assert_ne!(gathered[0].to_vec(), gathered[1].to_vec(), "not averaged");
        let start = 32 + g.rank() * 16;
        ddp.backward(&loss_of(&ddp, start..start + 16)).unwrap();
        reference.zero_grad();
        for k in 0..4 {
            loss_of(&reference, k * 16..(k + 1) * 16)
                .backward()
                .unwrap();
        }
        for (p, r) in ddp.parameters().iter().zip(reference.parameters()) {
            let want: Vec<f32> = r.grad().unwrap().iter().map(|v| v / 2.0).collect();
            assert_close(&p.grad().unwrap(), &want, 1e-6);
        }

        // 2 ranks x batch 32 = 1 process x batch 64, for 20 SGD steps.
        let mut opt = sgd(ddp.parameters());
        train_ddp(&ddp, &mut opt, 0..20, 64);
        let single = train_single(&reference, 20, 64);
        assert_close(&flat_params(&ddp), &single, 1e-5);
        assert!(ddp.comm_seconds() > 0.0);
    });
}

type BnNet = Sequential![Linear(4, 3), BatchNorm1d(3)];

#[test]
fn rank_buffers_follow_rank_0() {
    on_ranks("rank_buffers_follow_rank_0", |g| {
        for broadcast_buffers in [true, false] {
            let options = DdpOptions {
                broadcast_buffers,
                ..Default::default()
            };
            let ddp = DistributedDataParallel::with_options(BnNet::default(), &g, options).unwrap();
            let batch = |shift: f32| {
                let x: Vec<f32> = (0..8).map(|i| i as f32 * 0.5 + shift).collect();
                Tensor::<(Dyn, U4)>::from_dyn(DynTensor::from_vec(x, &[2, 4]).unwrap()).unwrap()
            };
            // Rank-dependent data makes the running statistics differ...
            let _ = ddp.forward(batch(g.rank() as f32 * 3.0));
            // ...then rank 0's are taken before the next forward.
            let _ = ddp.forward(batch(1.0));
            let mean = ddp.buffers()[0].tensor().clone();
            let all = g.all_gather(&mean).unwrap();
            assert_eq!(all[0].to_vec() == all[1].to_vec(), broadcast_buffers);
        }
    });
}

fn ckpt_path() -> PathBuf {
    shared_dir().join("ckpt.safetensors")
}

#[test]
fn rank_checkpoint_save() {
    on_ranks("rank_checkpoint_save", |g| {
        manual_seed(7);
        let ddp = DistributedDataParallel::new(Net::default(), &g).unwrap();
        let mut opt = sgd(ddp.parameters());
        train_ddp(&ddp, &mut opt, 0..10, 12);
        let ckpt = Checkpoint::capture(ddp.module(), opt.state_dict(), None, 0, 10);
        g.save_on_main(&ckpt_path(), |p| ckpt.save(p)).unwrap();
        assert!(ckpt_path().exists(), "written before any rank goes on");
    });
}

#[test]
fn rank_checkpoint_resume() {
    on_ranks("rank_checkpoint_resume", |g| {
        assert_eq!(g.world_size(), 3);
        let model = Net::default();
        let ckpt = Checkpoint::load(ckpt_path()).unwrap();
        ckpt.restore_model(&model).unwrap();
        let ddp = DistributedDataParallel::new(model, &g).unwrap();
        let mut opt = sgd(ddp.parameters());
        opt.load_state_dict(&ckpt.optimizer).unwrap();
        train_ddp(&ddp, &mut opt, ckpt.step as usize..20, 12);
        manual_seed(7);
        let single = train_single(&Net::default(), 20, 12);
        assert_close(&flat_params(&ddp), &single, 1e-5);
    });
}

#[test]
fn rank_panics() {
    on_ranks("rank_panics", |g| {
        g.barrier();
        if g.rank() == 1 {
            panic!("rank 1 fails on purpose");
        }
        // Rank 0 would wait here forever without the abort.
        g.barrier();
    });
}
