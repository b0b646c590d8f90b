//! `nn.Embedding`: a lookup table of `num_embeddings` vectors.

use super::module::training_flag;
use super::spec::{Args, LayerSpec};
use super::{Forward, Module, Parameter, PyNumber, fmt_module};
use crate::autograd::{Backward, BackwardContext, Saved, no_grad};
use crate::init::normal_;
use crate::ops::{EmbeddingOptions, embedding, embedding_renorm_, embedding_sparse_grad};
use crate::{DynTensor, Error, LongTensor, Result};
use std::fmt;

/// A table of `num_embeddings` vectors of size `embedding_dim`, looked up
/// by integer indices, like `nn.Embedding(num_embeddings, embedding_dim,
/// padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
/// sparse=False)`. Weight drawn from N(0, 1) (the padding row zeroed), as
/// PyTorch does. An index out of range is an error naming the layer.
///
/// `sparse(true)`: as in PyTorch, the weight's gradient is row-sparse: the
/// backward pass accumulates only the looked-up rows into the weight's
/// sparse gradient ([`Parameter::sparse_grad`]) and its dense `.grad()`
/// stays `None`. `SparseAdam` consumes it; the other optimizers reject it,
/// as PyTorch's do.
///
/// ```
/// use nncore::nn::{Embedding, Forward};
/// use nncore::LongTensor;
/// let emb = Embedding::new(10, 3).padding_idx(Some(-1)).unwrap();
/// assert_eq!(emb.to_string(), "Embedding(10, 3, padding_idx=9)");
/// let y = emb.lookup(&LongTensor::from_vec(vec![1, 9, 4, 0], &[2, 2]).unwrap()).unwrap();
/// assert_eq!(y.shape(), &[2, 2, 3]);
/// assert_eq!(&y.to_vec()[3..6], &[0.0, 0.0, 0.0]);
/// let err = emb.lookup(&LongTensor::from_slice(&[10])).unwrap_err();
/// assert_eq!(err.to_string(), "Embedding: index 10 is out of range [0, 10)");
/// ```
pub struct Embedding {
    weight: Parameter,
    num_embeddings: usize,
    dim: usize,
    padding_idx: Option<usize>,
    max_norm: Option<(f64, f64)>,
    scale_grad_by_freq: bool,
    sparse: bool,
    training: bool,
}

impl Embedding {
    /// `nn.Embedding(num_embeddings, embedding_dim)`.
    pub fn new(num_embeddings: usize, embedding_dim: usize) -> Self {
        let weight = Parameter::new(
            vec![0.0; num_embeddings * embedding_dim],
            &[num_embeddings, embedding_dim],
        );
        normal_(&weight, 0.0, 1.0);
        Embedding {
            weight,
            num_embeddings,
            dim: embedding_dim,
            padding_idx: None,
            max_norm: None,
            scale_grad_by_freq: false,
            sparse: false,
            training: true,
        }
    }
    /// `padding_idx` (negative counts from the end): that row is zeroed and
    /// gets no gradient. Out of range is an error.
    pub fn padding_idx(mut self, padding_idx: Option<i64>) -> Result<Self> {
        self.padding_idx = match padding_idx {
            None => None,
            Some(p) => {
                let p = resolve_padding_idx(p, self.num_embeddings)?;
                self.weight.data_mut()[p * self.dim..][..self.dim]
                    .iter_mut()
                    .for_each(|v| *v = 0.0);
                Some(p)
            }
        };
        Ok(self)
    }
    /// `max_norm` and `norm_type`: looked-up rows with a larger norm are
    /// rescaled in place before the lookup.
    pub fn max_norm(mut self, max_norm: Option<f64>, norm_type: f64) -> Self {
        self.max_norm = max_norm.map(|m| (m, norm_type));
        self
    }
    /// `scale_grad_by_freq`.
    pub fn scale_grad_by_freq(mut self, scale: bool) -> Self {
        self.scale_grad_by_freq = scale;
        self
    }
    /// `sparse`: the weight gets a row-sparse gradient (see the type's docs).
    pub fn sparse(mut self, sparse: bool) -> Self {
        self.sparse = sparse;
        self
    }
    /// The table, `[num_embeddings, embedding_dim]`.
    pub fn weight(&self) -> &Parameter {
        &self.weight
    }

    fn options(&self) -> EmbeddingOptions {
        EmbeddingOptions {
            padding_idx: self.padding_idx,
            scale_grad_by_freq: self.scale_grad_by_freq,
        }
    }

    /// Looks up `indices` (any shape): `[*indices.shape, embedding_dim]`.
    pub fn lookup(&self, indices: &LongTensor) -> Result<DynTensor> {
        if let Some((max_norm, norm_type)) = self.max_norm {
            embedding_renorm_(&self.weight, indices, max_norm, norm_type)?;
        }
        if !self.sparse {
            return embedding(indices, &self.weight, self.options());
        }
        let dense = no_grad(|| embedding(indices, &self.weight, self.options()))?;
        let backward = || SparseEmbeddingBackward {
            weight: self.weight.clone(),
            indices: indices.clone(),
            options: self.options(),
        };
        Ok(DynTensor::from_op(
            dense.to_vec(),
            dense.shape(),
            &[&self.weight],
            backward,
        ))
    }
}

/// The backward of a sparse lookup: the looked-up rows' gradients go to the
/// weight's sparse gradient, and the dense gradient gets nothing.
struct SparseEmbeddingBackward {
    weight: Parameter,
    indices: LongTensor,
    options: EmbeddingOptions,
}

impl Backward<f32> for SparseEmbeddingBackward {
    fn name(&self) -> &'static str {
        "EmbeddingBackward"
    }
    /// The indices, not the weight.
    fn saved(&self) -> Saved {
        Saved::NOTHING.buffers()
    }
    fn backward(&self, ctx: &BackwardContext<'_, f32>) -> Result<Vec<Option<Vec<f32>>>> {
        let &[num_embeddings, dim] = self.weight.shape() else {
            unreachable!("an Embedding's weight is 2-D");
        };
        let g = embedding_sparse_grad(
            &self.indices,
            ctx.grad_output,
            num_embeddings,
            dim,
            self.options,
        )?;
        self.weight.accumulate_sparse_grad(&g.rows, &g.values)?;
        Ok(vec![None])
    }
}

impl Module for Embedding {
    training_flag!();
    fn type_name(&self) -> &str {
        "Embedding"
    }
    fn extra_repr(&self) -> String {
        EmbeddingSpec {
            num_embeddings: self.num_embeddings,
            embedding_dim: self.dim,
            padding_idx: self.padding_idx,
            max_norm: self.max_norm.map(|(m, _)| PyNumber::Float(m)),
            norm_type: PyNumber::Float(self.max_norm.map_or(2.0, |(_, n)| n)),
            scale_grad_by_freq: self.scale_grad_by_freq,
            sparse: self.sparse,
        }
        .extra_repr()
    }
    fn own_parameters(&self) -> Vec<(&str, &Parameter)> {
        vec![("weight", &self.weight)]
    }
}

/// What `Embedding` can look up: `i64` indices, a [`LongTensor`]. A bound
/// with a message in words, so that float ids are not reported as
/// "expected `&LongTensor`, found `&DynTensor`".
#[diagnostic::on_unimplemented(
    message = "Embedding expects indices of type i64 (a `LongTensor`), but got `{Self}`",
    label = "these are not i64 indices",
    note = "token or class ids become indices with `LongTensor::from_vec(ids, shape)`, or `.long()` on a typed tensor of integers"
)]
pub trait EmbeddingIndices {
    /// The indices.
    fn indices(&self) -> &LongTensor;
}

impl EmbeddingIndices for LongTensor {
    #[inline]
    fn indices(&self) -> &LongTensor {
        self
    }
}

impl<I: EmbeddingIndices> Forward<&I> for Embedding {
    type Output = DynTensor;
    /// # Panics
    /// When an index is out of range; [`Embedding::lookup`] returns the
    /// error instead.
    fn forward(&self, indices: &I) -> DynTensor {
        self.lookup(indices.indices())
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

impl fmt::Display for Embedding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// `padding_idx` checked against `num_embeddings` as PyTorch checks it,
/// a negative one counted from the end.
fn resolve_padding_idx(p: i64, num_embeddings: usize) -> Result<usize> {
    let n = num_embeddings as i64;
    if p >= n || p < -n {
        return Err(Error::option(
            "Embedding",
            "padding_idx",
            format!("Padding_idx must be within num_embeddings, got {p} for {n} embeddings"),
        ));
    }
    Ok(if p < 0 { p + n } else { p } as usize)
}

/// `nn.Embedding(num_embeddings, embedding_dim, padding_idx=None,
/// max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False)`'s
/// arguments: what [`Embedding`] prints and a runtime description parses.
///
/// ```
/// use nncore::nn::EmbeddingSpec;
/// use nncore::nn::spec::{LayerSpec, parse};
/// use nncore::nn::dynamic::LayerOptions;
/// let o = LayerOptions::new().with("num_embeddings", 10).with("embedding_dim", 3);
/// let spec: EmbeddingSpec = parse(&o.clone().with("padding_idx", -1))?;
/// assert_eq!(spec.extra_repr(), "10, 3, padding_idx=9");
/// let err = parse::<EmbeddingSpec>(&o.with("padding_idx", 10)).unwrap_err();
/// assert_eq!(err.to_string(), "Embedding: invalid padding_idx: Padding_idx must be within num_embeddings, got 10 for 10 embeddings");
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmbeddingSpec {
    /// `num_embeddings`.
    pub num_embeddings: usize,
    /// `embedding_dim`.
    pub embedding_dim: usize,
    /// `padding_idx`, counted from the start.
    pub padding_idx: Option<usize>,
    /// `max_norm`, as given.
    pub max_norm: Option<PyNumber>,
    /// `norm_type`, as given.
    pub norm_type: PyNumber,
    /// `scale_grad_by_freq`.
    pub scale_grad_by_freq: bool,
    /// `sparse`.
    pub sparse: bool,
}

impl LayerSpec for EmbeddingSpec {
    const NAME: &'static str = "Embedding";
    fn parse(a: &Args<'_>) -> Result<Self> {
        let num_embeddings = a.size("num_embeddings")?;
        let padding_idx = match a.opt_int("padding_idx")? {
            None => None,
            Some(p) => Some(resolve_padding_idx(p, num_embeddings)?),
        };
        Ok(EmbeddingSpec {
            num_embeddings,
            embedding_dim: a.size("embedding_dim")?,
            padding_idx,
            max_norm: a.opt_number("max_norm")?,
            norm_type: a.number("norm_type")?,
            scale_grad_by_freq: a.flag("scale_grad_by_freq")?,
            sparse: a.flag("sparse")?,
        })
    }
    /// PyTorch's `Embedding.extra_repr`: the sizes, then each option only
    /// when not at its default.
    fn extra_repr(&self) -> String {
        let mut s = format!("{}, {}", self.num_embeddings, self.embedding_dim);
        if let Some(p) = self.padding_idx {
            s.push_str(&format!(", padding_idx={p}"));
        }
        if let Some(m) = self.max_norm {
            s.push_str(&format!(", max_norm={m}"));
        }
        if self.norm_type.value() != 2.0 {
            s.push_str(&format!(", norm_type={}", self.norm_type));
        }
        if self.scale_grad_by_freq {
            s.push_str(", scale_grad_by_freq=True");
        }
        if self.sparse {
            s.push_str(", sparse=True");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::ModuleExt;

    #[test]
    fn sparse_mode_gives_the_weight_a_row_sparse_gradient_that_sparse_adam_takes() {
        use crate::optim::{SparseAdam, SparseAdamOptions};
        let emb = Embedding::new(6, 2)
            .sparse(true)
            .padding_idx(Some(0))
            .unwrap();
        let dense = Embedding::new(6, 2).padding_idx(Some(0)).unwrap();
        dense
            .weight()
            .data_mut()
            .copy_from_slice(&emb.weight().to_vec());
        let indices = LongTensor::from_slice(&[3, 0, 3, 5]);
        emb.lookup(&indices).unwrap().sum().backward().unwrap();
        dense.lookup(&indices).unwrap().sum().backward().unwrap();
        assert!(
            emb.weight().grad().is_none(),
            "the dense gradient stays None, as in PyTorch"
        );
        let sparse = emb.weight().sparse_grad().unwrap();
        assert_eq!(sparse.to_dense(6), dense.weight().grad().unwrap());
        assert_eq!(
            emb.to_string(),
            "Embedding(6, 2, padding_idx=0, sparse=True)"
        );
        let before = emb.weight().to_vec();
        let mut opt = SparseAdam::new(emb.parameters(), SparseAdamOptions::default()).unwrap();
        opt.step().unwrap();
        let after = emb.weight().to_vec();
        let changed: Vec<usize> = (0..6)
            .filter(|r| before[r * 2..r * 2 + 2] != after[r * 2..r * 2 + 2])
            .collect();
        assert_eq!(changed, vec![3, 5], "only the looked-up rows move");
        emb.zero_grad();
        assert!(emb.weight().sparse_grad().is_none());
    }

    #[test]
    fn max_norm_renormalises_looked_up_rows() {
        let emb = Embedding::new(4, 3).max_norm(Some(1.0), 2.0);
        emb.lookup(&LongTensor::from_slice(&[2])).unwrap();
        let w = emb.weight().to_vec();
        let norm = w[6..9].iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!(norm <= 1.0 + 1e-5, "{norm}");
        assert!(Embedding::new(4, 3).padding_idx(Some(4)).is_err());
    }
}
