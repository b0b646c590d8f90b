//! Hinge losses over classes with class-index targets:
//! `multi_margin_loss` (one target class per sample) and
//! `multilabel_margin_loss` (a `-1`-terminated list of target classes), each
//! an op with its own backward, with `MultiMarginLoss` and
//! `MultiLabelMarginLoss`.

use super::criterion::scalar_loss;
use super::{Loss, Reduction};
use crate::autograd::{Backward, BackwardContext, Saved};
use crate::shape::{CrossEntropyRule, LossTargetRule, Shape};
use crate::{DynTensor, Element, Error, LongTensor, Result, Tensor};

/// The gradient of per-row losses: `jacobian[n * C + c]` is
/// d loss_n / d input[n, c].
struct RowLossBackward {
    name: &'static str,
    jacobian: Vec<f64>,
    classes: usize,
    /// `Some(scale)` when the output is one reduced value.
    reduced: Option<f64>,
}

impl<E: Element> Backward<E> for RowLossBackward {
    fn name(&self) -> &'static str {
        self.name
    }
    /// The Jacobian computed by the forward.
    fn saved(&self) -> Saved {
        Saved::NOTHING.buffers()
    }
    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let g = self
            .jacobian
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                let go = match self.reduced {
                    Some(scale) => ctx.grad_output[0].as_f64() * scale,
                    None => ctx.grad_output[i / self.classes].as_f64(),
                };
                E::of(d * go)
            })
            .collect();
        Ok(vec![Some(g)])
    }
}

/// The input as (rows, classes) and the output shape for reduction none:
/// `[N, C]` gives `[N]`, `[C]` gives `[]`.
fn rows(op: &'static str, input: &DynTensor<impl Element>) -> Result<(usize, usize, Vec<usize>)> {
    match input.shape() {
        [c] => Ok((1, *c, vec![])),
        [n, c] => Ok((*n, *c, vec![*n])),
        other => Err(Error::shape(
            op,
            "input of shape [C] or [N, C]",
            format!("{other:?}"),
        )),
    }
}

#[nnmacro::__compiled_once]
fn finish<E: Element>(
    input: &DynTensor<E>,
    name: &'static str,
    losses: Vec<f64>,
    jacobian: Vec<f64>,
    classes: usize,
    shape: Vec<usize>,
    reduction: Reduction,
) -> DynTensor<E> {
    let n = losses.len();
    let (data, shape, reduced) = match reduction {
        Reduction::None => (losses, shape, None),
        Reduction::Sum => (vec![losses.iter().sum()], vec![], Some(1.0)),
        Reduction::Mean => (
            vec![losses.iter().sum::<f64>() / n as f64],
            vec![],
            Some(1.0 / n as f64),
        ),
    };
    let data = data.into_iter().map(E::of).collect();
    DynTensor::from_op(data, shape, &[input], || RowLossBackward {
        name,
        jacobian,
        classes,
        reduced,
    })
}

/// `Σ_{i≠y} weight[y] max(0, margin - x[y] + x[i])^p / C` per sample,
/// reduced, like `F.multi_margin_loss`: `input` `[N, C]` (or `[C]`),
/// `target` class indices `[N]` (or `[]`), `p` 1 or 2.
///
/// ```
/// use nncore::{loss::{multi_margin_loss, MultiMarginOptions}, DynTensor, LongTensor};
/// let x = DynTensor::<f64>::from_vec(vec![0.1, 0.2, 0.4, 0.8], &[1, 4]).unwrap();
/// let y = LongTensor::from_slice(&[3]);
/// let l = multi_margin_loss(&x, &y, MultiMarginOptions::default()).unwrap();
/// assert!((l.item() - (0.3 + 0.4 + 0.6) / 4.0).abs() < 1e-12);
/// ```
#[nnmacro::__compiled_once]
pub fn multi_margin_loss<E: Element>(
    input: &DynTensor<E>,
    target: &LongTensor,
    options: MultiMarginOptions<'_, E>,
) -> Result<DynTensor<E>> {
    const OP: &str = "multi_margin_loss";
    let p = options.p;
    if p != 1 && p != 2 {
        return Err(Error::option(
            OP,
            "p",
            format!("only p == 1 and p == 2 are supported, got {p}"),
        ));
    }
    let (n, c, out_shape) = rows(OP, input)?;
    if target.numel() != n || target.shape().len() > 1 {
        return Err(Error::shape(
            OP,
            format!("target of shape {out_shape:?} (one class index per sample)"),
            format!("{:?}", target.shape()),
        ));
    }
    let weight = match options.weight {
        Some(w) => {
            if w.shape() != [c] {
                return Err(Error::shape(
                    OP,
                    format!("weight of shape [{c}]"),
                    format!("{:?}", w.shape()),
                ));
            }
            Some(w.to_vec())
        }
        None => None,
    };
    let x = input.to_vec();
    let mut losses = vec![0.0; n];
    let mut jacobian = vec![0.0; n * c];
    for (row, &t) in target.data().iter().enumerate() {
        if t < 0 || t as usize >= c {
            return Err(Error::IndexOutOfRange {
                op: OP,
                what: "target",
                index: t,
                bound: c,
            });
        }
        let t = t as usize;
        let w = weight.as_ref().map_or(1.0, |w| w[t].as_f64());
        let xr = &x[row * c..(row + 1) * c];
        for i in (0..c).filter(|&i| i != t) {
            let z = options.margin - xr[t].as_f64() + xr[i].as_f64();
            if z > 0.0 {
                let (h, dh) = if p == 1 { (z, 1.0) } else { (z * z, 2.0 * z) };
                losses[row] += w * h / c as f64;
                let d = w * dh / c as f64;
                jacobian[row * c + i] += d;
                jacobian[row * c + t] -= d;
            }
        }
    }
    Ok(finish(
        input,
        "MultiMarginLossBackward",
        losses,
        jacobian,
        c,
        out_shape,
        options.reduction,
    ))
}

/// The options of [`multi_margin_loss`], PyTorch's keyword arguments.
#[derive(Clone, Debug)]
pub struct MultiMarginOptions<'a, E: Element> {
    /// 1 or 2 (default 1).
    pub p: i64,
    /// The margin (default 1).
    pub margin: f64,
    /// A rescaling weight per class (`[C]`).
    pub weight: Option<&'a DynTensor<E>>,
    /// The reduction (default mean).
    pub reduction: Reduction,
}

impl<E: Element> Default for MultiMarginOptions<'_, E> {
    fn default() -> Self {
        MultiMarginOptions {
            p: 1,
            margin: 1.0,
            weight: None,
            reduction: Reduction::Mean,
        }
    }
}

/// `Σ_j Σ_{i ∉ targets} max(0, 1 - (x[y_j] - x[i])) / C` per sample,
/// reduced, like `F.multilabel_margin_loss`: `target` (the input's shape)
/// lists each sample's target classes, ended by the first `-1`.
///
/// ```
/// use nncore::{loss::{multilabel_margin_loss, Reduction}, DynTensor, LongTensor};
/// let x = DynTensor::<f64>::from_vec(vec![0.1, 0.2, 0.4, 0.8], &[1, 4]).unwrap();
/// let y = LongTensor::from_vec(vec![3, 0, -1, 1], &[1, 4]).unwrap();
/// let l = multilabel_margin_loss(&x, &y, Reduction::Mean).unwrap();
/// assert!((l.item() - 0.85).abs() < 1e-12);
/// ```
#[nnmacro::__compiled_once]
pub fn multilabel_margin_loss<E: Element>(
    input: &DynTensor<E>,
    target: &LongTensor,
    reduction: Reduction,
) -> Result<DynTensor<E>> {
    const OP: &str = "multilabel_margin_loss";
    let (n, c, out_shape) = rows(OP, input)?;
    if target.shape() != input.shape() {
        return Err(Error::shape(
            OP,
            format!("target of the input's shape {:?}", input.shape()),
            format!("{:?}", target.shape()),
        ));
    }
    let x = input.to_vec();
    let mut losses = vec![0.0; n];
    let mut jacobian = vec![0.0; n * c];
    for row in 0..n {
        let labels = &target.data()[row * c..(row + 1) * c];
        let mut targets = Vec::new();
        for &t in labels.iter().take_while(|&&t| t != -1) {
            if t < 0 || t as usize >= c {
                return Err(Error::IndexOutOfRange {
                    op: OP,
                    what: "target",
                    index: t,
                    bound: c,
                });
            }
            targets.push(t as usize);
        }
        let mut is_target = vec![false; c];
        targets.iter().for_each(|&t| is_target[t] = true);
        let xr = &x[row * c..(row + 1) * c];
        for &t in &targets {
            for i in (0..c).filter(|&i| !is_target[i]) {
                let z = 1.0 - (xr[t].as_f64() - xr[i].as_f64());
                if z > 0.0 {
                    losses[row] += z / c as f64;
                    jacobian[row * c + i] += 1.0 / c as f64;
                    jacobian[row * c + t] -= 1.0 / c as f64;
                }
            }
        }
    }
    Ok(finish(
        input,
        "MultilabelMarginLossBackward",
        losses,
        jacobian,
        c,
        out_shape,
        reduction,
    ))
}

super::module_macro::loss_builder! {
    /// `nn.MultiMarginLoss` (`p`, `margin`, `weight`).
    ///
    /// ```
    /// use nncore::{loss::{Loss, MultiMarginLoss}, DynTensor, LongTensor};
    /// let criterion = MultiMarginLoss::new().p(2).margin(0.5);
    /// let x = DynTensor::<f32>::zeros(&[2, 3]).unwrap();
    /// let l = criterion.forward_dyn(&x, &LongTensor::from_slice(&[0, 2])).unwrap();
    /// assert!((l.item() - 2.0 * 0.25 / 3.0).abs() < 1e-6);
    /// ```
    MultiMarginLoss;
    /// The exponent, 1 or 2 (checked at the call; default 1).
    p: i64 = 1,
    /// The margin (default 1).
    margin: f64 = 1.0,
    @tensors
    /// A rescaling weight per class.
    weight,
}

impl MultiMarginLoss {
    /// The loss of `(batch, classes)` scores against `(batch,)` class
    /// indices; batch sizes are checked at compile time where static.
    ///
    /// ```
    /// use nncore::{loss::MultiMarginLoss, Tensor, shape::{Dyn, U3}};
    /// let x = Tensor::<(Dyn, U3)>::zeros((Dyn(2), U3::default())).unwrap();
    /// let y = Tensor::<(Dyn,), i64>::from_vec(vec![0, 2], (Dyn(2),)).unwrap();
    /// assert!((MultiMarginLoss::new().forward(x, y).unwrap().item() - 2.0 / 3.0).abs() < 1e-6);
    /// ```
    ///
    /// A static batch of 2 scores against 3 targets does not compile:
    ///
    /// ```compile_fail
    /// use nncore::{loss::MultiMarginLoss, Tensor, shape::{U2, U3}};
    /// let x = Tensor::<(U2, U3)>::zeros((U2::default(), U3::default())).unwrap();
    /// let y = Tensor::<(U3,), i64>::from_vec(vec![0, 2, 1], (U3::default(),)).unwrap();
    /// let _ = MultiMarginLoss::new().forward(x, y);
    /// ```
    pub fn forward<S, T>(&self, input: Tensor<S>, target: Tensor<T, i64>) -> Result<Tensor<()>>
    where
        S: CrossEntropyRule<T>,
        T: Shape,
    {
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(input.as_dyn(), target.as_dyn())
        })
    }
}

/// Scores against class indices (runtime shapes).
impl Loss<&LongTensor> for MultiMarginLoss {
    fn forward_dyn(&self, input: &DynTensor<f32>, target: &LongTensor) -> Result<DynTensor<f32>> {
        let options = MultiMarginOptions {
            p: self.p,
            margin: self.margin,
            weight: self.weight.as_ref(),
            reduction: self.reduction,
        };
        multi_margin_loss(input, target, options)
    }
}

super::module_macro::loss_builder! {
    /// `nn.MultiLabelMarginLoss`.
    ///
    /// ```
    /// use nncore::{loss::{Loss, MultiLabelMarginLoss}, DynTensor, LongTensor};
    /// let x = DynTensor::<f32>::zeros(&[1, 3]).unwrap();
    /// let y = LongTensor::from_vec(vec![1, -1, 0], &[1, 3]).unwrap();
    /// assert!((MultiLabelMarginLoss::new().forward_dyn(&x, &y).unwrap().item() - 2.0 / 3.0).abs() < 1e-6);
    /// ```
    #[derive(Copy)]
    MultiLabelMarginLoss;
}

impl MultiLabelMarginLoss {
    /// The loss of scores against label lists of the same shape (checked
    /// at compile time where static).
    ///
    /// ```
    /// use nncore::{loss::MultiLabelMarginLoss, Tensor, shape::{Dyn, U3}};
    /// let x = Tensor::<(Dyn, U3)>::zeros((Dyn(1), U3::default())).unwrap();
    /// let y = Tensor::<(Dyn, U3), i64>::from_vec(vec![1, -1, 0], (Dyn(1), U3::default())).unwrap();
    /// assert!((MultiLabelMarginLoss::new().forward(x, y).unwrap().item() - 2.0 / 3.0).abs() < 1e-6);
    /// ```
    pub fn forward<S, T>(&self, input: Tensor<S>, target: Tensor<T, i64>) -> Result<Tensor<()>>
    where
        S: LossTargetRule<T, MultiLabelMarginLoss>,
        T: Shape,
    {
        scalar_loss(Self::NAME, self.reduction, || {
            self.forward_dyn(input.as_dyn(), target.as_dyn())
        })
    }
}

/// Scores against label lists of the input's shape, each ended by the
/// first `-1` (runtime shapes).
impl Loss<&LongTensor> for MultiLabelMarginLoss {
    fn forward_dyn(&self, input: &DynTensor<f32>, target: &LongTensor) -> Result<DynTensor<f32>> {
        multilabel_margin_loss(input, target, self.reduction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults; random scores keep every
    // hinge away from its kink.
    #[test]
    fn gradcheck_class_margin_losses_over_options() {
        let o = GradcheckOptions::default();
        let x = rand64(&[3, 4], 101).requires_grad_(true);
        let t = LongTensor::from_slice(&[0, 3, 1]);
        let w = rand64(&[4], 102).add_scalar(2.0).detach();
        let labels =
            LongTensor::from_vec(vec![3, 0, -1, 1, 2, -1, 0, 0, 1, 2, 3, 0], &[3, 4]).unwrap();
        for reduction in [Reduction::None, Reduction::Mean, Reduction::Sum] {
            for p in [1, 2] {
                for margin in [0.5, 1.0, 2.0] {
                    for weight in [None, Some(&w)] {
                        let opts = MultiMarginOptions {
                            p,
                            margin,
                            weight,
                            reduction,
                        };
                        gradcheck(
                            |v| multi_margin_loss(&v[0], &t, opts.clone()),
                            std::slice::from_ref(&x),
                            o,
                        )
                        .unwrap();
                    }
                }
            }
            gradcheck(
                |v| multilabel_margin_loss(&v[0], &labels, reduction),
                std::slice::from_ref(&x),
                o,
            )
            .unwrap();
        }
    }

    #[test]
    fn bad_input_names_the_loss_and_the_argument() {
        let x = rand64(&[2, 3], 1);
        let msg = |e: Error| e.to_string();
        let opts = MultiMarginOptions {
            p: 3,
            ..Default::default()
        };
        assert_eq!(
            msg(multi_margin_loss(&x, &LongTensor::from_slice(&[0, 1]), opts).unwrap_err()),
            "multi_margin_loss: invalid p: only p == 1 and p == 2 are supported, got 3"
        );
        assert_eq!(
            msg(multi_margin_loss(
                &x,
                &LongTensor::from_slice(&[0, 3]),
                MultiMarginOptions::default()
            )
            .unwrap_err()),
            "multi_margin_loss: target 3 is out of range [0, 3)"
        );
        assert_eq!(
            msg(multi_margin_loss(
                &x,
                &LongTensor::from_slice(&[0]),
                MultiMarginOptions::default()
            )
            .unwrap_err()),
            "multi_margin_loss: shape mismatch: expected target of shape [2] (one class index per sample), found [1]"
        );
        let bad = LongTensor::from_vec(vec![0, 5, -1, 0, 0, 0], &[2, 3]).unwrap();
        assert_eq!(
            msg(multilabel_margin_loss(&x, &bad, Reduction::Mean).unwrap_err()),
            "multilabel_margin_loss: target 5 is out of range [0, 3)"
        );
    }
}
