//! Crash-safe training checkpoints: model, optimizer, scheduler, epoch,
//! step and the global random generator in one safetensors file.
//!
//! The file is written atomically (a temporary file in the same directory,
//! synced, then renamed over the old checkpoint; see `io::save_safetensors`),
//! so a process killed at any moment, even in the middle of a save, leaves
//! either the previous checkpoint or the new one, never a torn file.
//! `tests/checkpoint_crash.rs` checks that under repeated `SIGKILL`.
//!
//! Layout: model tensors as `model.{key}` (PyTorch's state_dict keys),
//! optimizer buffers as `optimizer.state.{index}.{name}`; metadata entries
//! `kiln.optimizer` (as [`OptimizerStateDict::save`] writes it),
//! `kiln.scheduler` (the scheduler's `state_dict()` JSON, if any, floats
//! written exactly as the optimizer's are) and
//! `kiln.checkpoint` (epoch, step, generator state).
//!
//! A save killed before its rename leaves its temporary file
//! (`.NAME.tmp-<pid>-<n>`) beside the checkpoint; it is never read, and
//! [`Checkpoint::save`] does not remove other processes' leftovers.

use crate::io::{NamedTensor, load_safetensors_bytes, save_safetensors};
use crate::nn::{ModuleExt, StateDict};
use crate::optim::OptimizerStateDict;
use crate::optim::state_dict::{exact_text, from_exact_text};
use crate::{DynTensor, Error, Result, RngState, excerpt};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const MODEL: &str = "model.";
const OPTIMIZER: &str = "optimizer.";

/// Everything needed to resume training where it stopped, like the dict
/// PyTorch users pass to `torch.save` (`model.state_dict()`,
/// `optimizer.state_dict()`, `scheduler.state_dict()`, `epoch`,
/// `torch.get_rng_state()`).
///
/// ```
/// use nncore::checkpoint::Checkpoint;
/// use nncore::nn::{Linear, ModuleExt};
/// use nncore::optim::lr_scheduler::LrScheduler as _;
/// use nncore::optim::lr_scheduler::StepLR;
/// use nncore::optim::{SGD, SgdOptions};
/// use nncore::typenum::{U1, U2};
/// let model = Linear::<U2, U1>::new();
/// let mut opt = SGD::new(model.parameters(), SgdOptions { lr: 0.1, momentum: 0.9, ..Default::default() })?;
/// let mut sched = StepLR::new(&mut opt, 1, 0.5)?;
/// let path = std::env::temp_dir().join(format!("kiln-ckpt-doc-{}.safetensors", std::process::id()));
/// Checkpoint::capture(&model, opt.state_dict(), Some(sched.state_dict()), 3, 120).save(&path)?;
///
/// // Later, maybe in another process: build the same objects, then restore.
/// let ckpt = Checkpoint::load(&path)?;
/// ckpt.restore_model(&model)?;
/// opt.load_state_dict(&ckpt.optimizer)?;
/// sched.load_state_dict(ckpt.scheduler.as_ref().unwrap())?;
/// ckpt.restore_rng();
/// assert_eq!((ckpt.epoch, ckpt.step), (3, 120));
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// The model's state_dict (parameters and buffers), by PyTorch's keys.
    pub model: Vec<NamedTensor>,
    /// The optimizer's state_dict.
    pub optimizer: OptimizerStateDict,
    /// The scheduler's `state_dict()`, if there is a scheduler.
    pub scheduler: Option<Value>,
    /// The epoch counter, as the training loop counts it.
    pub epoch: u64,
    /// The step counter, as the training loop counts it.
    pub step: u64,
    /// The global generator's state ([`crate::rng_state`]) at capture.
    pub rng: RngState,
}

impl Checkpoint {
    /// Captures the model's tensors (copied now), the given optimizer and
    /// scheduler state, the counters and the global generator's state.
    pub fn capture<M: ModuleExt>(
        model: &M,
        optimizer: OptimizerStateDict,
        scheduler: Option<Value>,
        epoch: u64,
        step: u64,
    ) -> Self {
        let model = model
            .state_dict()
            .into_iter()
            .map(|(name, t)| NamedTensor {
                name,
                shape: t.shape().to_vec(),
                data: t.to_vec(),
            })
            .collect();
        Checkpoint {
            model,
            optimizer,
            scheduler,
            epoch,
            step,
            rng: crate::rng_state(),
        }
    }

    /// Writes the checkpoint as one safetensors file, atomically: if the
    /// process dies during the save, `path` keeps the previous checkpoint.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let model: Vec<(String, &[usize], &[f32])> = self
            .model
            .iter()
            .map(|t| {
                (
                    format!("{MODEL}{}", t.name),
                    t.shape.as_slice(),
                    t.data.as_slice(),
                )
            })
            .collect();
        let (optim, optim_meta) = self.optimizer.to_parts(OPTIMIZER);
        let mut tensors: Vec<(&str, &[usize], &[f32])> =
            model.iter().map(|(n, s, d)| (n.as_str(), *s, *d)).collect();
        tensors.extend(optim.iter().map(|(n, s, d)| (n.as_str(), s.as_slice(), *d)));
        let counters = serde_json::json!({
            "epoch": self.epoch,
            "step": self.step,
            "rng_seed": self.rng.seed.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "rng_stream": self.rng.stream.to_string(),
            "rng_word_pos": self.rng.word_pos.to_string(),
        });
        let mut metadata = BTreeMap::from([
            ("kiln.optimizer".to_string(), optim_meta),
            ("kiln.checkpoint".to_string(), counters.to_string()),
        ]);
        if let Some(s) = &self.scheduler {
            metadata.insert("kiln.scheduler".to_string(), exact_text(s).to_string());
        }
        save_safetensors(path, &tensors, Some(&metadata))
    }

    /// Reads a file written by [`Checkpoint::save`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = crate::io::read_safetensors_file(path)?;
        Self::from_bytes(&bytes, path)
    }

    /// [`Checkpoint::load`] on a file's content already in memory; `path`
    /// is only used in error messages.
    ///
    /// ```
    /// use nncore::checkpoint::Checkpoint;
    /// let err = Checkpoint::from_bytes(b"\x02\0\0\0\0\0\0\0{}", "run.ckpt").unwrap_err();
    /// assert!(err.to_string().contains("no `kiln.checkpoint` metadata"), "{err}");
    /// ```
    pub fn from_bytes(bytes: &[u8], path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bad = |reason: String| Error::bad_file(path, reason);
        let (tensors, metadata) = load_safetensors_bytes(bytes, path)?;
        let meta = metadata.unwrap_or_default();
        let text = |key: &str| {
            meta.get(key)
                .ok_or_else(|| bad(format!("no `{key}` metadata: not a Kiln checkpoint")))
        };
        let counters: Value = serde_json::from_str(text("kiln.checkpoint")?).map_err(|e| {
            bad(format!(
                "bad `kiln.checkpoint` metadata: {}",
                excerpt(&e.to_string())
            ))
        })?;
        let optim_meta = text("kiln.optimizer")?;
        let scheduler = match meta.get("kiln.scheduler") {
            None => None,
            Some(s) => Some(from_exact_text(&serde_json::from_str(s).map_err(|e| {
                bad(format!(
                    "bad `kiln.scheduler` metadata: {}",
                    excerpt(&e.to_string())
                ))
            })?)),
        };
        let mut model = Vec::new();
        let mut optim = Vec::new();
        for mut t in tensors {
            if let Some(name) = t.name.strip_prefix(MODEL) {
                t.name = name.to_string();
                model.push(t);
            } else if let Some(name) = t.name.strip_prefix(OPTIMIZER) {
                t.name = name.to_string();
                optim.push(t);
            } else {
                return Err(bad(format!(
                    "unexpected tensor `{}` (neither `model.` nor `optimizer.`)",
                    excerpt(&t.name)
                )));
            }
        }
        let optimizer = OptimizerStateDict::from_parts(optim, optim_meta, path)?;
        let number = |key: &str| {
            counters[key]
                .as_u64()
                .ok_or_else(|| bad(format!("`kiln.checkpoint` has no integer `{key}`")))
        };
        let text_field = |key: &str| {
            counters[key]
                .as_str()
                .ok_or_else(|| bad(format!("`kiln.checkpoint` has no `{key}` text")))
        };
        let seed_hex = text_field("rng_seed")?;
        let mut seed = [0u8; 32];
        if seed_hex.len() != 64 || !seed_hex.is_ascii() {
            return Err(bad("`rng_seed` is not 64 hex digits".into()));
        }
        for (i, b) in seed.iter_mut().enumerate() {
            *b = u8::from_str_radix(&seed_hex[2 * i..2 * i + 2], 16)
                .map_err(|_| bad("`rng_seed` is not 64 hex digits".into()))?;
        }
        let rng = RngState {
            seed,
            stream: text_field("rng_stream")?
                .parse()
                .map_err(|_| bad("`rng_stream` is not a u64".into()))?,
            word_pos: text_field("rng_word_pos")?
                .parse()
                .map_err(|_| bad("`rng_word_pos` is not a u128".into()))?,
        };
        Ok(Checkpoint {
            model,
            optimizer,
            scheduler,
            epoch: number("epoch")?,
            step: number("step")?,
            rng,
        })
    }

    /// Copies the saved tensors into `model` (strict: every key must fit;
    /// on error the model is unchanged).
    pub fn restore_model<M: ModuleExt>(&self, model: &M) -> Result<()> {
        let source = self
            .model
            .iter()
            .map(|t| {
                Ok((
                    t.name.clone(),
                    DynTensor::from_vec(t.data.clone(), &t.shape)?,
                ))
            })
            .collect::<Result<StateDict>>()?;
        model.load_state_dict(&source, true).map(|_| ())
    }

    /// Restores the global generator to its state at capture
    /// ([`crate::set_rng_state`]).
    pub fn restore_rng(&self) {
        crate::set_rng_state(&self.rng);
    }
}
