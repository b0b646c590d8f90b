//! Loss functions, like `torch.nn`'s losses: each is a function on tensors
//! (one file each, shapes in the doc) and a module type that holds its
//! options and wraps the function: a typed `forward` (shapes checked at
//! compile time) and the runtime-shaped [`Loss::forward_dyn`].

mod criterion;
mod cross_entropy;
mod mse;
mod nll;
mod reduction;

pub use criterion::Loss;
pub(crate) use criterion::scalar_loss;
pub use cross_entropy::{CrossEntropyLoss, CrossEntropyOptions, Target, cross_entropy};
pub use mse::{MSELoss, mse_loss};
pub use nll::{ClassTargetOptions, nll_loss};
pub use reduction::Reduction;

mod module_macro;
mod regression;
mod util;

pub use regression::{HuberLoss, L1Loss, SmoothL1Loss, huber_loss, l1_loss, smooth_l1_loss};
mod bce;
mod ctc;
mod ctc_alignment;
mod ctc_input;
mod embedding;
mod kl_div;
mod likelihood;
mod margin;
mod multi_margin;

pub use bce::{BCELoss, BCEWithLogitsLoss, binary_cross_entropy, binary_cross_entropy_with_logits};
pub use ctc::{CTCLoss, CtcOptions, ctc_loss};
pub use embedding::{
    CosineEmbeddingLoss, TripletMarginLoss, TripletMarginOptions, cosine_embedding_loss,
    cosine_similarity, pairwise_distance, triplet_margin_loss,
};
pub use kl_div::{KLDivLoss, KlDivReduction, kl_div};
pub use likelihood::{
    GaussianNLLLoss, GaussianNllOptions, PoissonNLLLoss, PoissonNllOptions, gaussian_nll_loss,
    poisson_nll_loss,
};
pub use margin::{
    HingeEmbeddingLoss, MarginRankingLoss, MultiLabelSoftMarginLoss, SoftMarginLoss,
    hinge_embedding_loss, margin_ranking_loss, multilabel_soft_margin_loss, soft_margin_loss,
};
pub use multi_margin::{
    MultiLabelMarginLoss, MultiMarginLoss, MultiMarginOptions, multi_margin_loss,
    multilabel_margin_loss,
};
mod nll_module;
pub use nll_module::NLLLoss;
