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
    read_epoch(&dir.join("epoch"))
}

/// The largest `epoch` file read (16 MiB): the count is a few digits, and a
/// larger file is refused from its size, unread.
const MAX_EPOCH_FILE: u64 = 16 << 20;

/// The number of epochs in the `epoch` file of a checkpoint folder; an
/// error quoting at most 200 bytes of it when it is not a number.
pub fn read_epoch(path: &Path) -> kiln::Result<usize> {
    use std::io::Read;
    let (file, size) = kiln::io::open_regular(path)?;
    if size > MAX_EPOCH_FILE {
        return Err(kiln::Error::bad_file(
            path,
            format!("the file is {size} bytes; an epoch count is a few digits"),
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_EPOCH_FILE)
        .read_to_end(&mut bytes)
        .map_err(|e| kiln::Error::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    text.trim().parse().map_err(|_| {
        kiln::Error::bad_file(
            path,
            format!("not a number of epochs: {:?}", kiln::excerpt(&text)),
        )
    })
}
