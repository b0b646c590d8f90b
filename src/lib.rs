//! # Kiln
//!
//! PyTorch's `torch.nn` training workflow in Rust, where a model's tensor
//! shapes are part of its type: a Conv2d → MaxPool2d → Linear chain whose
//! sizes do not fit is a compile error, on stable Rust, with a message a
//! person can read.
//!
//! ```
//! use kiln::prelude::*;
//!
//! let model = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
//! println!("{model}");
//! let x = Tensor::<(Dyn, U784)>::zeros((Dyn(64), U784::default())).unwrap();
//! let logits: Tensor<(Dyn, U10)> = model.forward(x);
//! assert_eq!(logits.dims().as_slice(), &[64, 10]);
//! ```
//!
//! This crate is a facade: the engine is `nncore` (re-exported here
//! whole), the macros are `nnmacro`.

pub use nncore::*;
pub use nnmacro::{Module, Sequential, Size, sequential};

/// Data-parallel training over MPI, like `torch.distributed`: the process
/// group, `DistributedDataParallel` and `DistributedSampler` (the crate
/// `kiln-distributed`; built with the `mpi` feature). See
/// docs/distributed.md.
#[cfg(feature = "mpi")]
pub use kiln_distributed as distributed;

/// The names a training script needs, like `import torch.nn as nn`.
pub mod prelude {
    pub use crate::{Module, Sequential, Size, sequential};
    pub use nncore::autograd::{BackwardOptions, no_grad};
    pub use nncore::data::{Collate, DataLoader, Dataset, Mnist, Split};
    pub use nncore::loss::{
        BCELoss, BCEWithLogitsLoss, CTCLoss, CosineEmbeddingLoss, GaussianNLLLoss,
        HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss, MarginRankingLoss, MultiLabelMarginLoss,
        MultiLabelSoftMarginLoss, MultiMarginLoss, NLLLoss, PoissonNLLLoss, SmoothL1Loss,
        SoftMarginLoss, TripletMarginLoss,
    };
    pub use nncore::loss::{CrossEntropyLoss, Loss, MSELoss, Reduction};
    pub use nncore::nn::Module;
    pub use nncore::nn::{
        AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, ConvTranspose2d, Dropout,
        Dropout2d, ELU, Embedding, GELU, Hardtanh, Identity, LayerNorm, LeakyReLU, LogSoftmax,
        SiLU, Sigmoid, Softmax, Softplus, Tanh,
    };
    pub use nncore::nn::{
        Conv2d, DynForward, Flatten, Forward, Linear, MaxPool2d, ModuleExt, Parameter, ReLU,
    };
    pub use nncore::nn::{DynModule, ModuleDict, ModuleList};
    pub use nncore::optim::{Adam, AdamOptions, lr_scheduler::LrScheduler};
    pub use nncore::optim::{SGD, SgdOptions};
    pub use nncore::shape::*;
    pub use nncore::{ConvArgs, DynTensor, Error, LongTensor, Result, Tensor, manual_seed};
}

#[doc(hidden)]
pub mod __private {
    pub use nncore::nn::{AssertLayer, AssertModule, Same, layer};
    pub use nncore::typenum;
}
