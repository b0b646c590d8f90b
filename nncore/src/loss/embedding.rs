//! Similarities and distances between embeddings — `cosine_similarity`,
//! `pairwise_distance` — and the losses built on them:
//! `cosine_embedding_loss`, `triplet_margin_loss`, with their modules.

use super::criterion::scalar_loss;
use super::util::{TORCH_EPSILON, mask_where};
use super::{Loss, Reduction};
use crate::ops::broadcast::broadcast_shape;
use crate::ops::pointwise::pointwise;
use crate::shape::{SameShape, Shape};
use crate::{DynTensor, Element, Error, Result, Tensor};

/// `max(x, eps)` whose gradient passes through unchanged, like PyTorch's
/// in-place clamp under `no_grad`.
#[nnmacro::__compiled_once]
fn clamp_min_straight_through<E: Element>(x: &DynTensor<E>, eps: f64) -> DynTensor<E> {
    pointwise(
        "clamp_min",
        "CloneBackward",
        [x],
        move |[v]| v.max(eps),
        |_| [1.0],
    )
    .expect("one input always broadcasts")
}

/// Broadcasts `x` to `shape` (a no-op when it already has it).
#[nnmacro::__compiled_once]
fn expand<E: Element>(x: &DynTensor<E>, shape: &[usize]) -> Result<DynTensor<E>> {
    if x.shape() == shape {
        Ok(x.clone())
    } else {
        x.add(&DynTensor::zeros(shape)?)
    }
}

/// `Σ (x1/max(‖x1‖, eps)) (x2/max(‖x2‖, eps))` over `dim` (the inputs
/// broadcast together), like `F.cosine_similarity(x1, x2, dim, eps)`
/// (PyTorch's defaults: dim 1, eps 1e-8). A zero vector has similarity 0.
///
/// ```
/// use nncore::{loss::cosine_similarity, DynTensor};
/// let a = DynTensor::<f64>::from_vec(vec![1.0, 0.0, 1.0, 1.0], &[2, 2]).unwrap();
/// let b = DynTensor::<f64>::from_vec(vec![2.0, 0.0, -1.0, -1.0], &[2, 2]).unwrap();
/// let s = cosine_similarity(&a, &b, 1, 1e-8).unwrap().to_vec();
/// assert!((s[0] - 1.0).abs() < 1e-12 && (s[1] + 1.0).abs() < 1e-12);
/// ```
#[nnmacro::__compiled_once]
pub fn cosine_similarity<E: Element>(
    x1: &DynTensor<E>,
    x2: &DynTensor<E>,
    dim: isize,
    eps: f64,
) -> Result<DynTensor<E>> {
    const OP: &str = "cosine_similarity";
    let shape = broadcast_shape(OP, x1.shape(), x2.shape())?;
    let (x1, x2) = (expand(x1, &shape)?, expand(x2, &shape)?);
    let n1 = clamp_min_straight_through(&x1.norm_dim(2.0, dim, true)?, eps);
    let n2 = clamp_min_straight_through(&x2.norm_dim(2.0, dim, true)?, eps);
    x1.div(&n1)?.mul(&x2.div(&n2)?)?.sum_dim(dim)
}

/// `‖x1 - x2 + eps‖_p` over the last dimension (the inputs broadcast
/// together), like `F.pairwise_distance(x1, x2, p, eps, keepdim)`
/// (defaults: p 2, eps 1e-6, keepdim false).
///
/// ```
/// use nncore::{loss::pairwise_distance, DynTensor};
/// let a = DynTensor::<f64>::from_vec(vec![3.0, 4.0], &[1, 2]).unwrap();
/// let d = pairwise_distance(&a, &DynTensor::zeros(&[1, 2]).unwrap(), 2.0, 0.0, false).unwrap();
/// assert_eq!(d.to_vec(), vec![5.0]);
/// ```
#[nnmacro::__compiled_once]
pub fn pairwise_distance<E: Element>(
    x1: &DynTensor<E>,
    x2: &DynTensor<E>,
    p: f64,
    eps: f64,
    keepdim: bool,
) -> Result<DynTensor<E>> {
    broadcast_shape("pairwise_distance", x1.shape(), x2.shape())?;
    let diff = x1.sub(x2)?.add_scalar(E::of(eps));
    if diff.rank() == 0 {
        return diff.reshaped(vec![1]).norm_dim(p, 0, false);
    }
    diff.norm_dim(p, -1, keepdim).map_err(|e| match e {
        Error::InvalidOption { option, reason, .. } => Error::InvalidOption {
            op: "pairwise_distance",
            option,
            reason,
        },
        other => other,
    })
}

/// `1 - cos(x1, x2)` where `target` is 1, `max(0, cos(x1, x2) - margin)`
/// where it is -1, reduced, like `F.cosine_embedding_loss`; `x1`, `x2`
/// are `[N, D]` (or `[D]`), `target` `[N]` (or `[]`). The cosine is
/// PyTorch's `x1·x2 / √((‖x1‖² + ε)(‖x2‖² + ε))` with its ε, 1e-12
/// rounded to `f32` (9.999999960041972e-13).
///
/// ```
/// use nncore::{loss::{cosine_embedding_loss, Reduction}, DynTensor};
/// let a = DynTensor::<f64>::from_vec(vec![1.0, 0.0], &[1, 2]).unwrap();
/// let b = DynTensor::<f64>::from_vec(vec![0.0, 1.0], &[1, 2]).unwrap();
/// let l = cosine_embedding_loss(&a, &b, &DynTensor::ones(&[1]).unwrap(), 0.0, Reduction::Sum).unwrap();
/// assert!((l.item() - 1.0).abs() < 1e-12);
/// ```
#[nnmacro::__compiled_once]
pub fn cosine_embedding_loss<E: Element>(
    x1: &DynTensor<E>,
    x2: &DynTensor<E>,
    target: &DynTensor<E>,
    margin: f64,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    const OP: &str = "cosine_embedding_loss";
    if !(1..=2).contains(&x1.rank()) || x1.shape() != x2.shape() {
        return Err(Error::shape(
            OP,
            format!(
                "input1 and input2 of one shape [N, D] or [D], input1 is {:?}",
                x1.shape()
            ),
            format!("input2 of shape {:?}", x2.shape()),
        ));
    }
    let batch = &x1.shape()[..x1.rank() - 1];
    if target.shape() != batch {
        return Err(Error::shape(
            OP,
            format!("target of shape {batch:?}"),
            format!("{:?}", target.shape()),
        ));
    }
    let eps = E::of(TORCH_EPSILON);
    let prod = x1.mul(x2)?.sum_dim(-1)?;
    let m1 = x1.mul(x1)?.sum_dim(-1)?.add_scalar(eps);
    let m2 = x2.mul(x2)?.sum_dim(-1)?.add_scalar(eps);
    let cos = prod.div(&m1.mul(&m2)?.sqrt())?;
    let pos = cos
        .neg()
        .add_scalar(E::one())
        .mul(&mask_where(target, |t| t == 1.0))?;
    // max(0, cos - margin) as relu, whose gradient at exactly 0 is 0 as
    // PyTorch's in-place `clamp_min_` here gives (a zero vector against
    // any other has cos = 0, on the kink when margin is 0).
    let neg = cos
        .add_scalar(E::of(-margin))
        .relu()
        .mul(&mask_where(target, |t| t == -1.0))?;
    Ok(reduction.apply(pos.add(&neg)?))
}

/// The options of [`triplet_margin_loss`], PyTorch's keyword arguments.
#[derive(Clone, Copy, Debug)]
pub struct TripletMarginOptions {
    /// The margin (default 1).
    pub margin: f64,
    /// The norm degree of the distance (default 2).
    pub p: f64,
    /// Added to the differences before the norm (default 1e-6).
    pub eps: f64,
    /// Use the positive–negative distance when it is smaller (default false).
    pub swap: bool,
    /// The reduction (default mean).
    pub reduction: Reduction,
}

impl Default for TripletMarginOptions {
    fn default() -> Self {
        TripletMarginOptions {
            margin: 1.0,
            p: 2.0,
            eps: 1e-6,
            swap: false,
            reduction: Reduction::Mean,
        }
    }
}

/// `max(0, margin + d(a, p) - d(a, n))` with `d` the
/// [`pairwise_distance`], reduced, like `F.triplet_margin_loss`; with
/// `swap`, `d(a, n)` is replaced by `min(d(a, n), d(p, n))`.
///
/// ```
/// use nncore::{loss::{triplet_margin_loss, TripletMarginOptions}, DynTensor};
/// let a = DynTensor::<f64>::zeros(&[1, 2]).unwrap();
/// let p = DynTensor::<f64>::from_vec(vec![3.0, 4.0], &[1, 2]).unwrap();
/// let o = TripletMarginOptions { eps: 0.0, ..Default::default() };
/// assert_eq!(triplet_margin_loss(&a, &p, &a, o).unwrap().item(), 6.0);
/// ```
#[nnmacro::__compiled_once]
pub fn triplet_margin_loss<E: Element>(
    anchor: &DynTensor<E>,
    positive: &DynTensor<E>,
    negative: &DynTensor<E>,
    options: TripletMarginOptions,
) -> Result<DynTensor<E>> {
    const OP: &str = "triplet_margin_loss";
    if anchor.rank() != positive.rank() || anchor.rank() != negative.rank() {
        return Err(Error::shape(
            OP,
            format!(
                "anchor, positive and negative of one rank, anchor is {:?}",
                anchor.shape()
            ),
            format!(
                "positive {:?}, negative {:?}",
                positive.shape(),
                negative.shape()
            ),
        ));
    }
    broadcast_shape(OP, anchor.shape(), positive.shape())?;
    broadcast_shape(OP, anchor.shape(), negative.shape())?;
    let TripletMarginOptions {
        margin,
        p,
        eps,
        swap,
        reduction,
    } = options;
    let d_pos = pairwise_distance(anchor, positive, p, eps, false)?;
    let mut d_neg = pairwise_distance(anchor, negative, p, eps, false)?;
    if swap {
        d_neg = d_neg.minimum(&pairwise_distance(positive, negative, p, eps, false)?)?;
    }
    let loss = d_pos.sub(&d_neg)?.add_scalar(E::of(margin)).clamp_min(0.0);
    Ok(reduction.apply(loss))
}

super::module_macro::loss_builder! {
    /// `nn.CosineEmbeddingLoss` (`margin`, default 0); its runtime-shaped
    /// target is `(&input2, &target)`.
    ///
    /// ```
    /// use nncore::{loss::{CosineEmbeddingLoss, Loss}, DynTensor};
    /// let a = DynTensor::<f32>::ones(&[2, 3]).unwrap();
    /// let y = DynTensor::ones(&[2]).unwrap();
    /// let l = CosineEmbeddingLoss::new().forward_dyn(&a, (&a, &y)).unwrap();
    /// assert!(l.item().abs() < 1e-6);
    /// ```
    #[derive(Copy)]
    CosineEmbeddingLoss;
    /// The margin for dissimilar pairs (in [-1, 1]; default 0).
    margin: f64 = 0.0,
}

impl CosineEmbeddingLoss {
    /// The loss of two embedding batches of one shape (checked at compile
    /// time) and a ±1 target per sample (its batch checked at run time).
    ///
    /// ```
    /// use nncore::{loss::CosineEmbeddingLoss, Tensor, shape::{Dyn, U3}};
    /// let a = Tensor::<(Dyn, U3)>::from_vec(vec![1.0; 3], (Dyn(1), U3::default())).unwrap();
    /// let y = Tensor::<(Dyn,)>::from_vec(vec![-1.0], (Dyn(1),)).unwrap();
    /// let l = CosineEmbeddingLoss::new().forward(a.clone(), a, y).unwrap();
    /// assert!((l.item() - 1.0).abs() < 1e-6);
    /// ```
    pub fn forward<S, S2, T>(
        &self,
        input1: Tensor<S>,
        input2: Tensor<S2>,
        target: Tensor<T>,
    ) -> Result<Tensor<()>>
    where
        S: SameShape<S2>,
        S2: Shape,
        T: Shape,
    {
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(input1.as_dyn(), (input2.as_dyn(), target.as_dyn()))
        })
    }
}

/// `input1` against `(&input2, &target)` (runtime shapes).
impl Loss<(&DynTensor<f32>, &DynTensor<f32>)> for CosineEmbeddingLoss {
    fn forward_dyn(
        &self,
        input1: &DynTensor<f32>,
        (input2, target): (&DynTensor<f32>, &DynTensor<f32>),
    ) -> Result<DynTensor<f32>> {
        cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)
    }
}

super::module_macro::loss_builder! {
    /// `nn.TripletMarginLoss` (`margin`, `p`, `eps`, `swap`); its
    /// runtime-shaped target is `(&positive, &negative)`.
    ///
    /// ```
    /// use nncore::{loss::{Loss, TripletMarginLoss}, DynTensor};
    /// let a = DynTensor::<f32>::zeros(&[2, 3]).unwrap();
    /// let l = TripletMarginLoss::new().margin(0.5).swap(true).forward_dyn(&a, (&a, &a)).unwrap();
    /// assert!((l.item() - 0.5).abs() < 1e-6);
    /// ```
    #[derive(Copy)]
    TripletMarginLoss;
    /// The margin (default 1).
    margin: f64 = TripletMarginOptions::default().margin,
    /// The norm degree of the distance (default 2).
    p: f64 = TripletMarginOptions::default().p,
    /// Added to the differences before the norm (default 1e-6).
    eps: f64 = TripletMarginOptions::default().eps,
    /// Use the positive–negative distance when it is smaller (default false).
    swap: bool = TripletMarginOptions::default().swap,
}

impl TripletMarginLoss {
    /// The loss of three embedding batches of one shape (checked at
    /// compile time).
    ///
    /// ```
    /// use nncore::{loss::TripletMarginLoss, Tensor, shape::{Dyn, U2}};
    /// let a = Tensor::<(Dyn, U2)>::zeros((Dyn(1), U2::default())).unwrap();
    /// let l = TripletMarginLoss::new().forward(a.clone(), a.clone(), a).unwrap();
    /// assert!((l.item() - 1.0).abs() < 1e-6);
    /// ```
    pub fn forward<S, S2, S3>(
        &self,
        anchor: Tensor<S>,
        positive: Tensor<S2>,
        negative: Tensor<S3>,
    ) -> Result<Tensor<()>>
    where
        S: SameShape<S2> + SameShape<S3>,
        S2: Shape,
        S3: Shape,
    {
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(anchor.as_dyn(), (positive.as_dyn(), negative.as_dyn()))
        })
    }
}

/// `anchor` against `(&positive, &negative)` (runtime shapes).
impl Loss<(&DynTensor<f32>, &DynTensor<f32>)> for TripletMarginLoss {
    fn forward_dyn(
        &self,
        anchor: &DynTensor<f32>,
        (positive, negative): (&DynTensor<f32>, &DynTensor<f32>),
    ) -> Result<DynTensor<f32>> {
        let options = TripletMarginOptions {
            margin: self.margin,
            p: self.p,
            eps: self.eps,
            swap: self.swap,
            reduction: self.reduction,
        };
        triplet_margin_loss(anchor, positive, negative, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3);
    // random embeddings keep norms away from 0 and hinges away from kinks.
    #[test]
    fn gradcheck_embedding_functions_and_losses() {
        let o = GradcheckOptions::default();
        let a = rand64(&[3, 4], 111).requires_grad_(true);
        let b = rand64(&[3, 4], 112).requires_grad_(true);
        let c = rand64(&[3, 4], 113).requires_grad_(true);
        let row = rand64(&[1, 4], 114).requires_grad_(true);
        for (dim, eps) in [(1, 1e-8), (0, 1e-8), (-1, 0.5)] {
            gradcheck(
                |v| cosine_similarity(&v[0], &v[1], dim, eps),
                &[a.clone(), b.clone()],
                o,
            )
            .unwrap();
        }
        gradcheck(
            |v| cosine_similarity(&v[0], &v[1], 1, 1e-8),
            &[row.clone(), b.clone()],
            o,
        )
        .unwrap();
        for (p, keepdim) in [(2.0, false), (1.0, true), (3.0, false)] {
            gradcheck(
                |v| pairwise_distance(&v[0], &v[1], p, 1e-6, keepdim),
                &[a.clone(), row.clone()],
                o,
            )
            .unwrap();
        }
        let y = DynTensor::from_vec(vec![1.0, -1.0, -1.0], &[3]).unwrap();
        for r in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            for margin in [-0.5, 0.0, 0.3] {
                gradcheck(
                    |v| cosine_embedding_loss(&v[0], &v[1], &y, margin, r),
                    &[a.clone(), b.clone()],
                    o,
                )
                .unwrap();
            }
            for (p, swap, margin) in [(2.0, false, 1.0), (1.0, true, 0.5), (3.0, true, 2.0)] {
                let opts = TripletMarginOptions {
                    margin,
                    p,
                    eps: 1e-6,
                    swap,
                    reduction: r,
                };
                gradcheck(
                    |v| triplet_margin_loss(&v[0], &v[1], &v[2], opts),
                    &[a.clone(), b.clone(), c.clone()],
                    o,
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn zero_vectors_and_bad_input() {
        let z = DynTensor::<f64>::zeros(&[1, 3])
            .unwrap()
            .requires_grad_(true);
        let s = cosine_similarity(&z, &rand64(&[1, 3], 1), 1, 1e-8).unwrap();
        assert_eq!(s.to_vec(), vec![0.0]);
        s.sum().backward().unwrap();
        assert!(z.grad().unwrap().iter().all(|g| g.is_finite()));
        let msg = |e: Error| e.to_string();
        let a = rand64(&[2, 3], 1);
        assert_eq!(
            msg(cosine_similarity(&a, &rand64(&[2, 4], 1), 1, 1e-8).unwrap_err()),
            "cosine_similarity: shape mismatch: expected shapes broadcastable with [2, 3], found [2, 4]"
        );
        assert_eq!(
            msg(pairwise_distance(&a, &a, f64::NAN, 1e-6, false).unwrap_err()),
            "pairwise_distance: invalid p: p must be a number, got nan"
        );
        assert_eq!(
            msg(cosine_embedding_loss(
                &a,
                &a,
                &DynTensor::ones(&[3]).unwrap(),
                0.0,
                Reduction::Mean
            )
            .unwrap_err()),
            "cosine_embedding_loss: shape mismatch: expected target of shape [2], found [3]"
        );
        assert_eq!(
            msg(
                triplet_margin_loss(&a, &a, &rand64(&[3], 1), TripletMarginOptions::default())
                    .unwrap_err()
            ),
            "triplet_margin_loss: shape mismatch: expected anchor, positive and negative of one rank, anchor is [2, 3], found positive [2, 3], negative [3]"
        );
    }
}
