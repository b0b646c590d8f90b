//! Attention masks as PyTorch takes them: a `torch.bool` tensor or a float
//! tensor added to the scores. What a `true` means depends on the caller
//! (PyTorch's convention, kept): in `scaled_dot_product_attention` a `true`
//! takes part, in `MultiheadAttention` and the transformer layers a `true`
//! is masked out.

use crate::{DynTensor, Element, Error, Result};

/// A boolean tensor, PyTorch's `torch.bool` mask: row-major values and a
/// shape.
///
/// ```
/// use nncore::ops::BoolMask;
/// let m = BoolMask::new(vec![true, false, true, true], &[2, 2])?;
/// assert_eq!(m.shape(), &[2, 2]);
/// assert_eq!(BoolMask::causal(2).values(), &[true, false, true, true]);
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoolMask {
    values: Vec<bool>,
    shape: Vec<usize>,
}

impl BoolMask {
    /// A mask of this shape; errors when the value count does not fit it.
    pub fn new(values: Vec<bool>, shape: &[usize]) -> Result<Self> {
        let n: usize = shape.iter().product();
        if n != values.len() {
            return Err(Error::shape(
                "BoolMask",
                format!("{n} values for the shape {shape:?}"),
                format!("{} values", values.len()),
            ));
        }
        Ok(BoolMask {
            values,
            shape: shape.to_vec(),
        })
    }

    /// The `(size, size)` lower triangle, `true` where column ≤ row: the
    /// positions a causal query may see (sdpa's `is_causal`).
    pub fn causal(size: usize) -> Self {
        let values = (0..size * size).map(|k| k % size <= k / size).collect();
        BoolMask {
            values,
            shape: vec![size, size],
        }
    }

    /// The values, row-major.
    pub fn values(&self) -> &[bool] {
        &self.values
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// A float tensor of this shape: `fill` where the value is `when`, 0
    /// elsewhere (PyTorch's `zeros_like(mask).masked_fill_(mask, -inf)`).
    pub fn to_bias<E: Element>(&self, when: bool, fill: f64) -> DynTensor<E> {
        let data = self
            .values
            .iter()
            .map(|&v| E::of(if v == when { fill } else { 0.0 }))
            .collect();
        DynTensor::from_vec(data, &self.shape).expect("the shape holds the values")
    }
}

/// An attention mask: boolean or float (added to the scores; a float mask
/// is differentiable).
#[derive(Clone, Copy, Debug)]
pub enum AttnMask<'a, E: Element = f32> {
    /// A `torch.bool` mask.
    Bool(&'a BoolMask),
    /// A float mask, added to the attention scores.
    Float(&'a DynTensor<E>),
}

impl<E: Element> AttnMask<'_, E> {
    /// The mask's shape.
    pub fn shape(&self) -> &[usize] {
        match self {
            AttnMask::Bool(m) => m.shape(),
            AttnMask::Float(t) => t.shape(),
        }
    }

    /// PyTorch's `_canonical_mask`: the float mask as is, a boolean one as
    /// `-inf` where it is `masked` and 0 elsewhere.
    pub(crate) fn to_float(self, masked: bool) -> DynTensor<E> {
        match self {
            AttnMask::Bool(m) => m.to_bias(masked, f64::NEG_INFINITY),
            AttnMask::Float(t) => t.clone(),
        }
    }
}

impl<'a, E: Element> From<&'a BoolMask> for AttnMask<'a, E> {
    fn from(m: &'a BoolMask) -> Self {
        AttnMask::Bool(m)
    }
}

impl<'a, E: Element> From<&'a DynTensor<E>> for AttnMask<'a, E> {
    fn from(t: &'a DynTensor<E>) -> Self {
        AttnMask::Float(t)
    }
}

/// `torch.Size([3, 4])`: a shape as PyTorch's messages print it.
pub(crate) fn torch_size(shape: &[usize]) -> String {
    let items: Vec<String> = shape.iter().map(ToString::to_string).collect();
    format!("torch.Size([{}])", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bool_mask_becomes_minus_infinity_where_it_masks() {
        let m = BoolMask::new(vec![true, false], &[2]).unwrap();
        assert_eq!(
            m.to_bias::<f64>(true, f64::NEG_INFINITY).to_vec(),
            vec![f64::NEG_INFINITY, 0.0]
        );
        assert_eq!(
            BoolMask::new(vec![true], &[2]).unwrap_err().to_string(),
            "BoolMask: shape mismatch: expected 2 values for the shape [2], found 1 values"
        );
        assert_eq!(torch_size(&[3, 4]), "torch.Size([3, 4])");
    }
}
