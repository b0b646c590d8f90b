//! Crash-safe checkpoints under `SIGKILL`.
//!
//! A child process (this test binary re-invoked on the ignored test
//! `checkpoint_child_process`, on one rayon thread) trains a small MLP with
//! dropout (so the global generator matters), Adam and StepLR, and saves a
//! [`Checkpoint`] after every step, resuming from the checkpoint file if
//! there is one. The parent kills it with `SIGKILL` (`Child::kill` on unix)
//! after random delays, again and again — exactly [`MAX_KILLS`] times, the
//! figure the README states: in that phase a child that reaches the last
//! step waits there to be killed instead of finishing — and after each kill
//! the checkpoint on disk must load and its step must not have gone back.
//! Then a last child finishes the run, and its final checkpoint (weights,
//! Adam state, scheduler, generator) must equal an uninterrupted run's bit
//! for bit.

use kiln::checkpoint::Checkpoint;
use kiln::optim::lr_scheduler::StepLR;
use kiln::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const STEPS: u64 = 150;
const CHILD_ENV: &str = "KILN_CHECKPOINT_CHILD";
/// Set in the kill phase: the child waits before its last step.
const HOLD_ENV: &str = "KILN_CHECKPOINT_HOLD";
/// The kills per run (the README's "20 SIGKILLs per test run").
const MAX_KILLS: usize = 20;

type Labels = Tensor<(Dyn,), i64>;

type Mlp = kiln::Sequential![Linear(4, 32), ReLU, Dropout(0.2), Linear(32, 3)];

/// A fixed batch, computed without the generator (it is rebuilt on resume).
fn batch() -> (Tensor<(Dyn, U4)>, Labels) {
    let n = 24;
    let x: Vec<f32> = (0..n * 4)
        .map(|i| ((i * 37 % 23) as f32 - 11.0) / 7.0)
        .collect();
    let y: Vec<i64> = (0..n).map(|i| (i * 7 % 3) as i64).collect();
    (
        Tensor::from_vec(x, (Dyn(n), U4::new())).unwrap(),
        Tensor::from_vec(y, (Dyn(n),)).unwrap(),
    )
}

/// Trains to `STEPS`, saving after each step to `path`, resuming from it
/// if it exists.
fn train(path: &Path, hold: bool) -> kiln::Result<()> {
    manual_seed(11);
    let model: Mlp = sequential![Linear(4, 32), ReLU, Dropout(0.2), Linear(32, 3)];
    let mut opt = Adam::new(
        model.parameters(),
        AdamOptions {
            lr: 0.01,
            ..Default::default()
        },
    )?;
    let mut sched = StepLR::new(&mut opt, 40, 0.5)?;
    let mut step = 0;
    if path.exists() {
        let ckpt = Checkpoint::load(path)?;
        ckpt.restore_model(&model)?;
        opt.load_state_dict(&ckpt.optimizer)?;
        sched.load_state_dict(ckpt.scheduler.as_ref().expect("a scheduler state"))?;
        ckpt.restore_rng();
        step = ckpt.step;
    }
    let (x, y) = batch();
    let criterion = CrossEntropyLoss::new();
    while step < STEPS {
        if hold && step + 1 == STEPS {
            // Waits to be killed: the parent, not the speed of this
            // machine, decides how many kills a run makes.
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        opt.zero_grad();
        let loss = criterion.forward(model.forward(x.clone()), y.clone())?;
        loss.backward()?;
        opt.step()?;
        sched.step(&mut opt)?;
        step += 1;
        Checkpoint::capture(&model, opt.state_dict(), Some(sched.state_dict()), 0, step)
            .save(path)?;
    }
    Ok(())
}

/// The child's entry point: runs only when re-invoked by the parent.
#[test]
#[ignore = "the child process of checkpoint_survives_repeated_sigkill"]
fn checkpoint_child_process() {
    let path = std::env::var(CHILD_ENV).expect("run by checkpoint_survives_repeated_sigkill");
    train(Path::new(&path), std::env::var_os(HOLD_ENV).is_some()).unwrap();
}

fn spawn_child(path: &Path, hold: bool) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    if hold {
        command.env(HOLD_ENV, "1");
    }
    command
        .args([
            "checkpoint_child_process",
            "--exact",
            "--ignored",
            "--test-threads=1",
            "--quiet",
        ])
        .env(CHILD_ENV, path)
        .env("RAYON_NUM_THREADS", "1")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn run_to_end(path: &Path) {
    let status = spawn_child(path, false).wait().unwrap();
    assert!(status.success(), "the child failed: {status}");
}

/// SplitMix64, for the kill delays.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn bits(c: &Checkpoint) -> Vec<(String, Vec<u32>)> {
    c.model
        .iter()
        .map(|t| (t.name.clone(), t.data.iter().map(|x| x.to_bits()).collect()))
        .collect()
}

#[cfg(unix)]
#[test]
fn checkpoint_survives_repeated_sigkill() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("kiln-checkpoint-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let reference = dir.join("reference.safetensors");
    let killed = dir.join("killed.safetensors");
    run_to_end(&reference);

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut state = seed;
    let start = Instant::now();
    let mut kills = 0;
    let mut last_step = 0;
    while kills < MAX_KILLS {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{kills} kills in two minutes"
        );
        let mut child = spawn_child(&killed, true);
        std::thread::sleep(Duration::from_micros(2_000 + next(&mut state) % 40_000));
        if let Some(status) = child.try_wait().unwrap() {
            panic!("a holding child ended by itself ({status}) after {kills} kills");
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        if killed.exists() {
            let ckpt = Checkpoint::load(&killed).unwrap_or_else(|e| {
                panic!("kill {kills} (delay seed {seed}) left an unreadable checkpoint: {e}")
            });
            assert!(ckpt.step >= last_step, "the step went back (seed {seed})");
            last_step = ckpt.step;
        }
    }
    let leftovers = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with(".killed")
        })
        .count();
    eprintln!(
        "{kills} kills survived (delay seed {seed}), last step reached {last_step} of {STEPS}, \
         {leftovers} kills left a temporary file (killed mid-save)"
    );
    assert_eq!(kills, MAX_KILLS);
    assert!(last_step < STEPS, "the kills never interrupted training");
    run_to_end(&killed);

    let a = Checkpoint::load(&reference).unwrap();
    let b = Checkpoint::load(&killed).unwrap();
    assert_eq!(b.step, STEPS);
    assert!(
        bits(&a) == bits(&b),
        "resumed weights differ from the uninterrupted run (seed {seed})"
    );
    assert_eq!(a.optimizer, b.optimizer);
    assert_eq!(a.scheduler, b.scheduler);
    assert_eq!(a.rng, b.rng);
    std::fs::remove_dir_all(&dir).unwrap();
}
