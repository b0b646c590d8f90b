//! `--checkpoint DIR` / `--resume DIR`: the weights, the optimizer's
//! state (e.g. SGD's momentum buffers) and the number of epochs done, each
//! in its own file.

use kiln::optim::{Algorithm, Optimizer};
use kiln::prelude::*;
use std::path::Path;

/// Writes the checkpoint `--checkpoint` asks for.
pub fn save<M: ModuleExt, A: Algorithm>(
    model: &M,
    opt: &Optimizer<A>,
    dir: &Path,
    epochs_done: usize,
) -> kiln::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| kiln::Error::bad_file(dir, e.to_string()))?;
    model.save(dir.join("model.safetensors"))?;
    opt.state_dict().save(dir.join("optimizer.safetensors"))?;
    let epoch = dir.join("epoch");
    std::fs::write(&epoch, epochs_done.to_string())
        .map_err(|e| kiln::Error::bad_file(&epoch, e.to_string()))
}

/// Loads a checkpoint into `model` and `opt`; returns the epochs done.
pub fn resume<M: ModuleExt, A: Algorithm>(
    model: &mut M,
    opt: &mut Optimizer<A>,
    dir: &Path,
) -> kiln::Result<usize> {
    model.load(dir.join("model.safetensors"))?;
    opt.load_state_dict(&kiln::optim::OptimizerStateDict::load(
        dir.join("optimizer.safetensors"),
    )?)?;
    let epoch = dir.join("epoch");
    let text = std::fs::read_to_string(&epoch)
        .map_err(|e| kiln::Error::bad_file(&epoch, e.to_string()))?;
    text.trim()
        .parse()
        .map_err(|_| kiln::Error::bad_file(&epoch, format!("not a number of epochs: {text:?}")))
}
