//! Binary cross entropy on probabilities (`binary_cross_entropy`, each log
//! clamped at -100 as PyTorch does) and on logits
//! (`binary_cross_entropy_with_logits`, through a stable log-sigmoid), with
//! `BCELoss` and `BCEWithLogitsLoss`.

use super::Reduction;
use super::util::{TORCH_EPSILON, expect_same};
use crate::ops::pointwise::pointwise;
use crate::{DynTensor, Element, Error, Result};

/// Multiplies per-element losses by a weight that broadcasts to their
/// shape (PyTorch expands the weight to the input's size).
#[nnmacro::__compiled_once]
fn apply_weight<E: Element>(
    op: &'static str,
    loss: DynTensor<E>,
    weight: Option<&DynTensor<E>>,
) -> Result<DynTensor<E>> {
    let Some(w) = weight else { return Ok(loss) };
    let weighted = loss.mul(w).map_err(|_| {
        Error::shape(
            op,
            format!(
                "weight broadcastable to the input's shape {:?}",
                loss.shape()
            ),
            format!("{:?}", w.shape()),
        )
    })?;
    if weighted.shape() != loss.shape() {
        return Err(Error::shape(
            op,
            format!(
                "weight broadcastable to the input's shape {:?}",
                loss.shape()
            ),
            format!("{:?}", w.shape()),
        ));
    }
    Ok(weighted)
}

/// `-weight (y ln x + (1 - y) ln(1 - x))`, each log clamped at -100, like
/// `F.binary_cross_entropy`. `input` holds probabilities in [0, 1] (an
/// error otherwise), `target` the same shape. The gradient with respect to
/// the input is PyTorch's `(x - y) / max(x (1 - x), ε)`, with PyTorch's
/// ε: `1e-12` rounded to `f32` (9.999999960041972e-13), also in `f64`.
///
/// ```
/// use nncore::{loss::{binary_cross_entropy, Reduction}, DynTensor};
/// let p = DynTensor::<f64>::from_vec(vec![0.5, 0.0], &[2]).unwrap();
/// let y = DynTensor::<f64>::from_vec(vec![1.0, 1.0], &[2]).unwrap();
/// let l = binary_cross_entropy(&p, &y, None, Reduction::None).unwrap();
/// assert_eq!(l.to_vec(), vec![2f64.ln(), 100.0]);
/// ```
#[nnmacro::__compiled_once]
pub fn binary_cross_entropy<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    weight: Option<&DynTensor<E>>,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    const OP: &str = "binary_cross_entropy";
    expect_same(OP, "target", input, target)?;
    if let Some((i, v)) = input
        .data()
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.as_f64() >= 0.0 && v.as_f64() <= 1.0))
    {
        return Err(Error::option(
            OP,
            "input",
            format!("element {i} is {v}; all elements of input should be between 0 and 1"),
        ));
    }
    let clamped_ln = |v: f64| v.ln().max(-100.0);
    let loss = pointwise(
        OP,
        "BinaryCrossEntropyBackward",
        [input, target],
        move |[x, y]| -(y * clamped_ln(x) + (1.0 - y) * clamped_ln(1.0 - x)),
        |[x, y]| {
            [
                (x - y) / (x * (1.0 - x)).max(TORCH_EPSILON),
                (1.0 - x).ln() - x.ln(),
            ]
        },
    )?;
    Ok(reduction.apply(apply_weight(OP, loss, weight)?))
}

/// `-weight (pos_weight y log σ(x) + (1 - y) log(1 - σ(x)))`, like
/// `F.binary_cross_entropy_with_logits`, computed as
/// `(1 - y) x - (1 + (pos_weight - 1) y) log σ(x)` with a stable log σ:
/// finite for logits of any size. `pos_weight` broadcasts along the last
/// (class) dimension.
///
/// ```
/// use nncore::{loss::{binary_cross_entropy_with_logits, Reduction}, DynTensor};
/// let x = DynTensor::<f64>::from_vec(vec![1e4, -1e4], &[2]).unwrap();
/// let y = DynTensor::<f64>::from_vec(vec![1.0, 1.0], &[2]).unwrap();
/// let l = binary_cross_entropy_with_logits(&x, &y, None, None, Reduction::None).unwrap();
/// assert_eq!(l.to_vec(), vec![0.0, 1e4]);
/// ```
#[nnmacro::__compiled_once]
pub fn binary_cross_entropy_with_logits<E: Element>(
    input: &DynTensor<E>,
    target: &DynTensor<E>,
    weight: Option<&DynTensor<E>>,
    pos_weight: Option<&DynTensor<E>>,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    const OP: &str = "binary_cross_entropy_with_logits";
    expect_same(OP, "target", input, target)?;
    let log_sig = input.log_sigmoid();
    let linear = target.neg().add_scalar(E::one()).mul(input)?;
    let loss = match pos_weight {
        None => linear.sub(&log_sig)?,
        Some(pw) => {
            let log_weight = pw
                .add_scalar(-E::one())
                .mul(target)
                .map_err(|_| {
                    Error::shape(
                        OP,
                        format!(
                            "pos_weight broadcastable to the input's shape {:?}",
                            input.shape()
                        ),
                        format!("{:?}", pw.shape()),
                    )
                })?
                .add_scalar(E::one());
            if log_weight.shape() != input.shape() {
                return Err(Error::shape(
                    OP,
                    format!(
                        "pos_weight broadcastable to the input's shape {:?}",
                        input.shape()
                    ),
                    format!("{:?}", pw.shape()),
                ));
            }
            linear.sub(&log_weight.mul(&log_sig)?)?
        }
    };
    Ok(reduction.apply(apply_weight(OP, loss, weight)?))
}

super::module_macro::pair_loss_module! {
    /// `nn.BCELoss`: binary cross entropy of probabilities, with an
    /// optional `weight`.
    ///
    /// ```
    /// use nncore::{loss::{Loss, BCELoss}, DynTensor};
    /// let p = DynTensor::<f32>::full(&[2], 0.5).unwrap();
    /// let l = BCELoss::new().forward_dyn(&p, &DynTensor::ones(&[2]).unwrap()).unwrap();
    /// assert!((l.item() - 2f32.ln()).abs() < 1e-6);
    /// ```
    BCELoss, |s, x, y| binary_cross_entropy(x, y, s.weight.as_ref(), s.reduction);
    @tensors
    /// A rescaling weight, broadcast to the input's shape.
    weight,
}

super::module_macro::pair_loss_module! {
    /// `nn.BCEWithLogitsLoss`: binary cross entropy of logits, with
    /// optional `weight` and `pos_weight`.
    ///
    /// ```
    /// use nncore::{loss::{Loss, BCEWithLogitsLoss}, DynTensor};
    /// let criterion = BCEWithLogitsLoss::new().pos_weight(DynTensor::full(&[3], 2.0).unwrap());
    /// let x = DynTensor::<f32>::zeros(&[4, 3]).unwrap();
    /// let l = criterion.forward_dyn(&x, &DynTensor::ones(&[4, 3]).unwrap()).unwrap();
    /// assert!((l.item() - 2.0 * 2f32.ln()).abs() < 1e-6);
    /// ```
    BCEWithLogitsLoss, |s, x, y| binary_cross_entropy_with_logits(
        x, y, s.weight.as_ref(), s.pos_weight.as_ref(), s.reduction);
    @tensors
    /// A rescaling weight, broadcast to the input's shape.
    weight,
    /// The weight of positive examples, per class (broadcast along the last dim).
    pos_weight,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3);
    // probabilities are kept in [0.1, 0.9] so x ± eps stays inside (0, 1).
    #[test]
    fn gradcheck_bce_over_options() {
        let o = GradcheckOptions::default();
        let p = rand64(&[3, 4], 71).mul_scalar(0.4).add_scalar(0.5);
        let p = p.detach().requires_grad_(true);
        let y = rand64(&[3, 4], 72).mul_scalar(0.5).add_scalar(0.5);
        let y = y.detach().requires_grad_(true);
        let x = rand64(&[3, 4], 73)
            .mul_scalar(4.0)
            .detach()
            .requires_grad_(true);
        let w = rand64(&[4], 74).add_scalar(2.0).detach();
        let pw = rand64(&[4], 75).add_scalar(2.0).detach();
        for r in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            for weight in [None, Some(&w)] {
                gradcheck(
                    |v| binary_cross_entropy(&v[0], &v[1], weight, r),
                    &[p.clone(), y.clone()],
                    o,
                )
                .unwrap();
                for pos in [None, Some(&pw)] {
                    gradcheck(
                        |v| binary_cross_entropy_with_logits(&v[0], &v[1], weight, pos, r),
                        &[x.clone(), y.clone()],
                        o,
                    )
                    .unwrap();
                }
            }
        }
    }

    #[test]
    fn bad_input_names_the_loss_and_the_argument() {
        let p = DynTensor::<f64>::from_vec(vec![0.5, 1.5], &[2]).unwrap();
        let y = DynTensor::<f64>::ones(&[2]).unwrap();
        assert_eq!(
            binary_cross_entropy(&p, &y, None, Reduction::Mean)
                .unwrap_err()
                .to_string(),
            "binary_cross_entropy: invalid input: element 1 is 1.5; all elements of input should be between 0 and 1"
        );
        assert_eq!(
            binary_cross_entropy_with_logits(
                &p,
                &DynTensor::ones(&[3]).unwrap(),
                None,
                None,
                Reduction::Mean
            )
            .unwrap_err()
            .to_string(),
            "binary_cross_entropy_with_logits: shape mismatch: expected target of the input's shape [2], found [3]"
        );
        let pw = DynTensor::<f64>::ones(&[3]).unwrap();
        assert_eq!(
            binary_cross_entropy_with_logits(&p, &y, None, Some(&pw), Reduction::Mean)
                .unwrap_err()
                .to_string(),
            "binary_cross_entropy_with_logits: shape mismatch: expected pos_weight broadcastable to the input's shape [2], found [3]"
        );
        let w = DynTensor::<f64>::ones(&[2, 2]).unwrap();
        assert!(
            binary_cross_entropy(
                &DynTensor::full(&[2], 0.5).unwrap(),
                &y,
                Some(&w),
                Reduction::Mean
            )
            .unwrap_err()
            .to_string()
            .starts_with("binary_cross_entropy: shape mismatch: expected weight")
        );
    }
}
