//! Reading and writing model weights.
//!
//! Kiln stores a `state_dict` as a [safetensors](https://huggingface.co/docs/safetensors)
//! file, the format PyTorch users already exchange weights in: a file saved
//! with `safetensors.torch.save_file(model.state_dict(), path)` loads in
//! Kiln, and the other way round.
//!
//! ```
//! use nncore::io::{load_safetensors, save_safetensors};
//!
//! let path = std::env::temp_dir().join(format!("kiln-io-doc-{}.safetensors", std::process::id()));
//! save_safetensors(&path, &[("0.bias", &[2], &[0.5, -0.5])], None)?;
//! let (tensors, _metadata) = load_safetensors(&path)?;
//! assert_eq!(tensors[0].name, "0.bias");
//! # std::fs::remove_file(&path).unwrap();
//! # Ok::<(), nncore::Error>(())
//! ```

mod atomic;
mod file;
mod safetensors;

pub(crate) use self::safetensors::read_safetensors_file;
pub use self::safetensors::{
    NamedTensor, load_safetensors, load_safetensors_bytes, save_safetensors,
};
pub use file::open_regular;
pub(crate) use file::{read_exact_after, read_up_to};
