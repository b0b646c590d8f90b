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

#[doc(hidden)]
pub mod sizes;

/// The names a training script needs, like `import torch.nn as nn`:
/// layers, containers, every loss, optimizer and learning-rate scheduler,
/// MNIST and the data loader, and the sizes a type is written with —
/// `Dyn`, `U0` to `U1024`, the powers of two up to `U65536`, and
/// `Size![N]` for any other literal. Shape rules, typenum's other aliases
/// and its arithmetic stay under [`kiln::shape`](crate::shape).
///
/// ```
/// use kiln::prelude::*;
///
/// let model = sequential![Linear(4, 8), ReLU, Linear(8, 3)];
/// let mut opt = AdamW::new(model.parameters(), AdamOptions { lr: 1e-2, ..adamw_defaults() })?;
/// let mut sched = StepLR::new(&mut opt, 10, 0.5)?;
/// let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new()))?;
/// let labels = Tensor::<(Dyn,), i64>::from_vec(vec![0, 2], (Dyn(2),))?;
/// opt.zero_grad();
/// let loss = CrossEntropyLoss::new().forward(model.forward(x), labels)?;
/// loss.backward()?;
/// opt.step()?;
/// sched.step(&mut opt)?;
/// # Ok::<(), kiln::Error>(())
/// ```
///
/// typenum's other names are not in it (they are under `kiln::shape`):
///
/// ```compile_fail
/// use kiln::prelude::*;
/// type Signed = P1;
/// ```
pub mod prelude {
    #[doc(no_inline)]
    pub use crate::sizes::*;
    pub use crate::{Module, Sequential, Size, sequential};
    pub use nncore::autograd::{BackwardOptions, no_grad};
    pub use nncore::data::transforms::{
        Compose, Normalize, Pad, RandomCrop, RandomHorizontalFlip, RandomRotation, ToTensor,
    };
    pub use nncore::data::{
        Collate, DataLoader, Dataset, MNIST_MEAN, MNIST_STD, Mnist, MnistBatch, Split,
        TensorDataset,
    };
    pub use nncore::loss::{
        BCELoss, BCEWithLogitsLoss, CTCLoss, CosineEmbeddingLoss, CrossEntropyLoss,
        GaussianNLLLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss, KlDivReduction, L1Loss, Loss,
        MSELoss, MarginRankingLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss,
        MultiMarginLoss, NLLLoss, PoissonNLLLoss, Reduction, SmoothL1Loss, SoftMarginLoss,
        TripletMarginLoss,
    };
    pub use nncore::nn::{
        AdaptiveAvgPool2d, AvgPool2d, AvgPool2dCeil, BatchNorm1d, BatchNorm2d, Buffer, Conv1d,
        Conv2d, ConvTranspose2d, Dropout, Dropout2d, DynForward, DynModule, ELU, Embedding,
        Flatten, Forward, GELU, Hardtanh, Identity, LayerNorm, LeakyReLU, Linear, LogSoftmax,
        MaxPool2d, MaxPool2dCeil, Module, ModuleDict, ModuleExt, ModuleList, Parameter, ReLU,
        ReLU6, SiLU, Sigmoid, Softmax, Softplus, Tanh, Unflatten, clip_grad_norm_,
        clip_grad_value_,
    };
    // The recurrent and attention layers, runtime-sized and typed, and the
    // packed-sequence functions a recurrent training script calls.
    pub use nncore::nn::{
        Bi, GRU, GRUCell, Hidden, LSTM, LSTMCell, MultiheadAttention, OutputOnly, PackedSequence,
        RNN, RNNCell, Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
        TransformerEncoderLayer, TypedGRU, TypedLSTM, TypedMultiheadAttention, TypedRNN,
        TypedTransformerEncoder, TypedTransformerEncoderLayer, Uni,
        generate_square_subsequent_mask, pack_padded_sequence, pack_sequence, pad_packed_sequence,
    };
    pub use nncore::optim::lr_scheduler::{
        AnnealStrategy, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, LrScheduler,
        MultiStepLR, OneCycleLR, OneCycleOptions, PlateauMode, PlateauOptions, ReduceLROnPlateau,
        StepLR, ThresholdMode,
    };
    pub use nncore::optim::{
        ASGD, Adadelta, AdadeltaOptions, Adagrad, AdagradOptions, Adam, AdamOptions, AdamW, Adamax,
        AdamaxOptions, AsgdOptions, LBFGS, LbfgsOptions, LineSearch, NAdam, NAdamOptions, RAdam,
        RAdamOptions, RMSprop, RmspropOptions, Rprop, RpropOptions, SGD, SgdOptions, SparseAdam,
        SparseAdamOptions, adamw_defaults,
    };
    pub use nncore::shape::{BatchDim, Dim, Dyn, Infer, Shape};
    pub use nncore::{
        ConvArgs, DynTensor, Error, LongTensor, Result, Tensor, get_num_threads, manual_seed,
        set_num_threads,
    };
}

#[doc(hidden)]
pub mod __private {
    pub use nncore::nn::{AssertLayer, AssertModule, Same, layer};
    pub use nncore::typenum;
}
