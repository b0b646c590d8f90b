//! Elementwise arithmetic between two tensors, with broadcasting:
//! `add`, `sub`, `mul`, `div`.

use super::broadcast::{broadcast_indices, broadcast_shape, reduce_to};
use crate::autograd::{Backward, BackwardContext, Saved};
use crate::{DynTensor, Element, Result};

#[derive(Clone, Copy, Debug)]
enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Sub => "sub",
            BinaryOp::Mul => "mul",
            BinaryOp::Div => "div",
        }
    }
    #[inline]
    fn apply<E: Element>(self, a: E, b: E) -> E {
        match self {
            BinaryOp::Add => a + b,
            BinaryOp::Sub => a - b,
            BinaryOp::Mul => a * b,
            BinaryOp::Div => a / b,
        }
    }
}

struct BinaryBackward {
    op: BinaryOp,
    /// Broadcast index maps, `None` where the input already has the output's shape.
    lhs_index: Option<Vec<usize>>,
    rhs_index: Option<Vec<usize>>,
}

impl<E: Element> Backward<E> for BinaryBackward {
    fn name(&self) -> &'static str {
        match self.op {
            BinaryOp::Add => "AddBackward",
            BinaryOp::Sub => "SubBackward",
            BinaryOp::Mul => "MulBackward",
            BinaryOp::Div => "DivBackward",
        }
    }
    /// `add` and `sub` read nothing; `mul` both operands; `div` the divisor
    /// and the output (`d(a/b)/db = -out/b`).
    fn saved(&self) -> Saved {
        match self.op {
            BinaryOp::Add | BinaryOp::Sub => Saved::NOTHING,
            BinaryOp::Mul => Saved::NOTHING.input(0).input(1),
            BinaryOp::Div => Saved::NOTHING.input(1).output(),
        }
    }

    fn backward(&self, ctx: &BackwardContext<'_, E>) -> Result<Vec<Option<Vec<E>>>> {
        let (a, b) = (&ctx.inputs[0], &ctx.inputs[1]);
        let g = ctx.grad_output;
        let at = |idx: &Option<Vec<usize>>, data: &[E], i: usize| match idx {
            Some(map) => data[map[i]],
            None => data[i],
        };
        let lhs = ctx.needs[0].then(|| {
            let local: Vec<E> = match self.op {
                BinaryOp::Add | BinaryOp::Sub => g.to_vec(),
                BinaryOp::Mul => {
                    let bd = b.data();
                    g.iter()
                        .enumerate()
                        .map(|(i, &gi)| gi * at(&self.rhs_index, &bd, i))
                        .collect()
                }
                BinaryOp::Div => {
                    let bd = b.data();
                    g.iter()
                        .enumerate()
                        .map(|(i, &gi)| gi / at(&self.rhs_index, &bd, i))
                        .collect()
                }
            };
            reduce_to(&local, self.lhs_index.as_deref(), a.numel())
        });
        let rhs = ctx.needs[1].then(|| {
            let local: Vec<E> = match self.op {
                BinaryOp::Add => g.to_vec(),
                BinaryOp::Sub => g.iter().map(|&x| -x).collect(),
                BinaryOp::Mul => {
                    let ad = a.data();
                    g.iter()
                        .enumerate()
                        .map(|(i, &gi)| gi * at(&self.lhs_index, &ad, i))
                        .collect()
                }
                BinaryOp::Div => {
                    // d(a/b)/db = -(a/b)/b = -out/b
                    let bd = b.data();
                    g.iter()
                        .enumerate()
                        .map(|(i, &gi)| -gi * ctx.output[i] / at(&self.rhs_index, &bd, i))
                        .collect()
                }
            };
            reduce_to(&local, self.rhs_index.as_deref(), b.numel())
        });
        Ok(vec![lhs, rhs])
    }
}

fn binary<E: Element>(op: BinaryOp, a: &DynTensor<E>, b: &DynTensor<E>) -> Result<DynTensor<E>> {
    let shape = broadcast_shape(op.name(), a.shape(), b.shape())?;
    let lhs_index = (a.shape() != shape.as_slice()).then(|| broadcast_indices(a.shape(), &shape));
    let rhs_index = (b.shape() != shape.as_slice()).then(|| broadcast_indices(b.shape(), &shape));
    let data: Vec<E> = {
        let (ad, bd) = (a.data(), b.data());
        match (&lhs_index, &rhs_index) {
            (None, None) => ad
                .iter()
                .zip(bd.iter())
                .map(|(&x, &y)| op.apply(x, y))
                .collect(),
            _ => {
                let n: usize = shape.iter().product();
                (0..n)
                    .map(|i| {
                        let x = ad[lhs_index.as_ref().map_or(i, |m| m[i])];
                        let y = bd[rhs_index.as_ref().map_or(i, |m| m[i])];
                        op.apply(x, y)
                    })
                    .collect()
            }
        }
    };
    Ok(DynTensor::from_op(data, shape, &[a, b], || {
        BinaryBackward {
            op,
            lhs_index,
            rhs_index,
        }
    }))
}

impl<E: Element> DynTensor<E> {
    /// `self + other` with broadcasting, like `torch.add`.
    ///
    /// ```
    /// use nncore::DynTensor;
    /// let a = DynTensor::<f32>::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// let b = DynTensor::<f32>::from_vec(vec![10.0, 20.0], &[2]).unwrap();
    /// assert_eq!(a.add(&b).unwrap().to_vec(), vec![11.0, 22.0, 13.0, 24.0]);
    /// ```
    pub fn add(&self, other: &Self) -> Result<Self> {
        binary(BinaryOp::Add, self, other)
    }

    /// `self - other` with broadcasting.
    pub fn sub(&self, other: &Self) -> Result<Self> {
        binary(BinaryOp::Sub, self, other)
    }

    /// `self * other` elementwise with broadcasting.
    pub fn mul(&self, other: &Self) -> Result<Self> {
        binary(BinaryOp::Mul, self, other)
    }

    /// `self / other` elementwise with broadcasting.
    pub fn div(&self, other: &Self) -> Result<Self> {
        binary(BinaryOp::Div, self, other)
    }
}

#[cfg(test)]
mod tests {
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::test_util::rand64;

    // Tolerance: PyTorch's gradcheck defaults (atol 1e-5, rtol 1e-3), eps 1e-6.
    #[test]
    fn gradcheck_add_sub_mul_div_with_broadcasting() {
        for (sa, sb) in [
            (vec![2, 3], vec![2, 3]),
            (vec![2, 3], vec![3]),
            (vec![4, 1], vec![1, 5]),
        ] {
            let a = rand64(&sa, 1).requires_grad_(true);
            let b = rand64(&sb, 2).add_scalar(3.0).detach().requires_grad_(true); // away from 0 for div
            gradcheck(
                |x| x[0].add(&x[1]),
                &[a.clone(), b.clone()],
                GradcheckOptions::default(),
            )
            .unwrap();
            gradcheck(
                |x| x[0].sub(&x[1]),
                &[a.clone(), b.clone()],
                GradcheckOptions::default(),
            )
            .unwrap();
            gradcheck(
                |x| x[0].mul(&x[1]),
                &[a.clone(), b.clone()],
                GradcheckOptions::default(),
            )
            .unwrap();
            gradcheck(
                |x| x[0].div(&x[1]),
                &[a.clone(), b.clone()],
                GradcheckOptions::default(),
            )
            .unwrap();
        }
    }

    #[test]
    fn mismatched_shapes_are_an_error() {
        let a = rand64(&[2, 3], 1);
        let b = rand64(&[2], 1);
        assert!(a.add(&b).is_err());
    }
}
