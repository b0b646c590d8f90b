//! `nn.Unflatten`: one dimension split into several. [`Unflatten`] is the
//! typed form for dim = 1 (sizes as types, checked by the compiler);
//! [`DynUnflatten`] takes any dim and runtime sizes.

use super::dynamic::OptValue;
use super::module::training_flag;
use super::spec::{Args, LayerSpec, RunSpec};
use super::{DynForward, Forward, Module, fmt_module};
use crate::shape::{UnflattenOut, UnflattenRule, UnflattenSizes};
use crate::{DynTensor, Element, Error, Result, Tensor};
use std::fmt;
use std::marker::PhantomData;

/// PyTorch's repr of a tuple of sizes: `(16, 5, 5)`, `(7,)`.
fn tuple_repr<T: fmt::Display>(sizes: &[T]) -> String {
    let items: Vec<String> = sizes.iter().map(ToString::to_string).collect();
    if items.len() == 1 {
        format!("({},)", items[0])
    } else {
        format!("({})", items.join(", "))
    }
}

/// Splits dimension `dim` of `x` into `sizes` (one of which may be `-1`,
/// inferred), like `x.unflatten(dim, sizes)`. Errors name `Unflatten`.
fn unflatten<E: Element>(x: &DynTensor<E>, dim: isize, sizes: &[isize]) -> Result<DynTensor<E>> {
    let shape = x.shape();
    let rank = shape.len() as isize;
    let d = if dim < 0 { dim + rank } else { dim };
    if !(0..rank).contains(&d) {
        return Err(Error::option(
            "Unflatten",
            "dim",
            format!(
                "dimension {dim} is out of range for a {rank}-D input (expected in [{}, {}])",
                -rank,
                rank - 1
            ),
        ));
    }
    let d = d as usize;
    let known: usize = sizes
        .iter()
        .filter(|&&s| s >= 0)
        .map(|&s| s as usize)
        .product();
    let infers = sizes.contains(&-1);
    let fits = if infers {
        known > 0 && shape[d].is_multiple_of(known)
    } else {
        known == shape[d]
    };
    if !fits {
        return Err(Error::shape(
            "Unflatten",
            format!(
                "dimension {d} of a size that unflattened_size={} fits",
                tuple_repr(sizes)
            ),
            format!("{shape:?}"),
        ));
    }
    let new_shape: Vec<isize> = shape[..d]
        .iter()
        .map(|&s| s as isize)
        .chain(sizes.iter().copied())
        .chain(shape[d + 1..].iter().map(|&s| s as isize))
        .collect();
    x.reshape(&new_shape)
}

/// `nn.Unflatten(dim, unflattened_size)` with runtime arguments: splits
/// dimension `dim` (negative counts from the end) into `unflattened_size`,
/// one entry of which may be `-1` (inferred). The output rank is known only
/// at run time, so this layer has [`DynForward`] only; for the common case
/// dim = 1 with static sizes use the typed [`Unflatten`].
///
/// ```
/// use nncore::nn::{DynForward, DynUnflatten};
/// use nncore::DynTensor;
/// let un = DynUnflatten::new(1, &[16, 5, 5]).unwrap();
/// assert_eq!(un.to_string(), "Unflatten(dim=1, unflattened_size=(16, 5, 5))");
/// let y = un.forward_dyn(&DynTensor::zeros(&[2, 400]).unwrap()).unwrap();
/// assert_eq!(y.shape(), &[2, 16, 5, 5]);
/// let err = un.forward_dyn(&DynTensor::zeros(&[2, 300]).unwrap()).unwrap_err();
/// assert!(err.to_string().starts_with("Unflatten: shape mismatch"));
/// ```
#[derive(Clone, Debug)]
pub struct DynUnflatten {
    spec: UnflattenSpec,
    training: bool,
}

impl DynUnflatten {
    /// `nn.Unflatten(dim, unflattened_size)`. Errors (naming `Unflatten`)
    /// on an empty `unflattened_size`, a size below `-1` or more than one
    /// `-1`.
    ///
    /// ```
    /// use nncore::nn::DynUnflatten;
    /// let err = DynUnflatten::new(1, &[-1, -1]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "Unflatten: invalid unflattened_size: only one size can be inferred (-1), got (-1, -1)"
    /// );
    /// ```
    pub fn new(dim: isize, unflattened_size: &[isize]) -> Result<Self> {
        Ok(DynUnflatten {
            spec: UnflattenSpec::new(dim, unflattened_size)?,
            training: true,
        })
    }

    /// The dimension it splits, as given.
    pub fn dim(&self) -> isize {
        self.spec.dim
    }

    /// The sizes it splits into, as given.
    pub fn unflattened_size(&self) -> &[isize] {
        &self.spec.unflattened_size
    }
}

impl Module for DynUnflatten {
    training_flag!();
    fn type_name(&self) -> &str {
        "Unflatten"
    }
    fn extra_repr(&self) -> String {
        self.spec.extra_repr()
    }
}

impl DynForward for DynUnflatten {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        unflatten(x, self.spec.dim, &self.spec.unflattened_size)
    }
}

impl fmt::Display for DynUnflatten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// `nn.Unflatten(1, (A, B))` or `nn.Unflatten(1, (A, B, C))` with the
/// sizes as a tuple type `Sz`: `(N, X) -> (N, A, B)` / `(N, A, B, C)`. The
/// compiler checks `X == A*B(*C)` for a static `X` (a `Dyn` `X` is checked
/// at the call), so the layer before it must produce exactly that many
/// features.
///
/// ```
/// use nncore::nn::{Forward, Unflatten};
/// use nncore::shape::{Dyn, U5, U16, U400};
/// use nncore::Tensor;
/// let un = Unflatten::<(U16, U5, U5)>::new();
/// assert_eq!(un.to_string(), "Unflatten(dim=1, unflattened_size=(16, 5, 5))");
/// let x = Tensor::<(Dyn, U400)>::zeros((Dyn(2), U400::default())).unwrap();
/// assert_eq!(un.forward(x).dims().as_slice(), &[2, 16, 5, 5]);
/// ```
pub struct Unflatten<Sz> {
    training: bool,
    sizes: PhantomData<fn() -> Sz>,
}

impl<Sz: UnflattenSizes> Unflatten<Sz> {
    /// The layer with the sizes of its type.
    pub fn new() -> Self {
        Unflatten {
            training: true,
            sizes: PhantomData,
        }
    }

    /// The sizes as runtime values (for the functional form).
    fn isizes() -> Vec<isize> {
        Sz::sizes().into_iter().map(|s| s as isize).collect()
    }
}

impl<Sz: UnflattenSizes> Default for Unflatten<Sz> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Sz: UnflattenSizes> Module for Unflatten<Sz> {
    training_flag!();
    fn type_name(&self) -> &str {
        "Unflatten"
    }
    fn extra_repr(&self) -> String {
        let sizes = Sz::sizes().iter().map(|&s| s as isize).collect();
        UnflattenSpec {
            dim: 1,
            unflattened_size: sizes,
        }
        .extra_repr()
    }
}

impl<Sz: UnflattenSizes> DynForward for Unflatten<Sz> {
    fn forward_dyn(&self, x: &DynTensor) -> Result<DynTensor> {
        unflatten(x, 1, &Self::isizes())
    }
}

impl<Sz: UnflattenSizes, S: UnflattenRule<Sz>> Forward<Tensor<S>> for Unflatten<Sz> {
    type Output = Tensor<UnflattenOut<S, Sz>>;
    /// # Panics
    /// When a runtime (`Dyn`) dimension 1 is not the product of the sizes;
    /// a static one is checked at compile time.
    fn forward(&self, x: Tensor<S>) -> Self::Output {
        let out_shape = x.shape().unflatten_output();
        let y = self
            .forward_dyn(x.as_dyn())
            .unwrap_or_else(|e| panic!("{e}"));
        Tensor::from_raw_unchecked(y, out_shape)
    }
}

impl<Sz: UnflattenSizes> fmt::Display for Unflatten<Sz> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_module(self, f)
    }
}

/// `nn.Unflatten(dim, unflattened_size)`'s arguments, checked as PyTorch
/// checks them: what [`DynUnflatten`] holds and [`Unflatten`] prints.
///
/// ```
/// use nncore::nn::UnflattenSpec;
/// use nncore::nn::spec::LayerSpec;
/// assert_eq!(UnflattenSpec::new(1, &[2, -1])?.extra_repr(), "dim=1, unflattened_size=(2, -1)");
/// assert!(UnflattenSpec::new(1, &[-1, -1]).is_err());
/// # Ok::<(), nncore::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnflattenSpec {
    /// `dim` (negative counts from the end).
    pub dim: isize,
    /// `unflattened_size`; one `-1` is inferred.
    pub unflattened_size: Vec<isize>,
}

impl UnflattenSpec {
    /// The arguments, checked: at least one size, each at least 0 or `-1`,
    /// at most one `-1`.
    pub fn new(dim: isize, unflattened_size: &[isize]) -> Result<Self> {
        let bad = |why: &str| {
            Error::option(
                "Unflatten",
                "unflattened_size",
                format!("{why}, got {}", tuple_repr(unflattened_size)),
            )
        };
        if unflattened_size.is_empty() {
            return Err(Error::option(
                "Unflatten",
                "unflattened_size",
                "it must name at least one size, got ()",
            ));
        }
        if unflattened_size.iter().any(|&s| s < -1) {
            return Err(bad("sizes must be at least 0, or -1 to infer one"));
        }
        if unflattened_size.iter().filter(|&&s| s == -1).count() > 1 {
            return Err(bad("only one size can be inferred (-1)"));
        }
        Ok(UnflattenSpec {
            dim,
            unflattened_size: unflattened_size.to_vec(),
        })
    }
}

impl LayerSpec for UnflattenSpec {
    const NAME: &'static str = "Unflatten";
    fn parse(a: &Args<'_>) -> Result<Self> {
        let sizes = match a.value("unflattened_size")? {
            OptValue::Tuple(items) => items
                .iter()
                .map(|v| match v {
                    OptValue::Int(i) => Ok(*i as isize),
                    other => Err(a.error(
                        "unflattened_size",
                        format!("{} is not an int", other.py_repr()),
                    )),
                })
                .collect::<Result<Vec<_>>>()?,
            other => {
                return Err(a.error(
                    "unflattened_size",
                    format!("{} is not a tuple of sizes", other.py_repr()),
                ));
            }
        };
        UnflattenSpec::new(a.int("dim")? as isize, &sizes)
    }
    fn extra_repr(&self) -> String {
        format!(
            "dim={}, unflattened_size={}",
            self.dim,
            tuple_repr(&self.unflattened_size)
        )
    }
}

impl RunSpec for UnflattenSpec {
    fn run<E: Element>(
        &self,
        x: &DynTensor<E>,
        _: Option<&DynTensor<E>>,
        _: Option<&DynTensor<E>>,
        _training: bool,
    ) -> Result<DynTensor<E>> {
        unflatten(x, self.dim, &self.unflattened_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
    use crate::shape::{Dyn, U2, U3, U4, U5, U6, U24};
    use crate::test_util::rand64;

    #[test]
    fn gradcheck_unflatten() {
        // A pure reshape: the default tolerances (f64) hold exactly.
        let x = rand64(&[2, 12, 3], 5).requires_grad_(true);
        let o = GradcheckOptions::default();
        let inputs = std::slice::from_ref(&x);
        gradcheck(|x| unflatten(&x[0], 1, &[3, 4]), inputs, o).unwrap();
        gradcheck(|x| unflatten(&x[0], -2, &[2, -1, 3]), inputs, o).unwrap();
        assert_eq!(unflatten(&x, -1, &[3, 1]).unwrap().shape(), &[2, 12, 3, 1]);
    }

    #[test]
    fn forward_backward_round_trip() {
        let data: Vec<f32> = (0..48).map(|i| i as f32).collect();
        let x = Tensor::<(Dyn, U24)>::from_vec(data.clone(), (Dyn(2), U24::default()))
            .unwrap()
            .requires_grad_(true);
        let y = Unflatten::<(U2, U3, U4)>::new().forward(x.clone());
        assert_eq!(y.dims().as_slice(), &[2, 2, 3, 4]);
        assert_eq!(y.to_vec(), data);
        // d/dx sum(w * y) = w, laid back in x's order.
        let w: Vec<f32> = (0..48).map(|i| 0.5 * i as f32).collect();
        let wt = Tensor::from_vec(w.clone(), y.shape()).unwrap();
        y.as_dyn()
            .mul(wt.as_dyn())
            .unwrap()
            .sum()
            .backward()
            .unwrap();
        assert_eq!(x.grad().unwrap(), w);
    }

    #[test]
    fn repr_matches_pytorch() {
        assert_eq!(
            Unflatten::<(U5, U6)>::new().to_string(),
            "Unflatten(dim=1, unflattened_size=(5, 6))"
        );
        assert_eq!(
            DynUnflatten::new(-1, &[7]).unwrap().to_string(),
            "Unflatten(dim=-1, unflattened_size=(7,))"
        );
        assert_eq!(
            DynUnflatten::new(2, &[-1, 4]).unwrap().to_string(),
            "Unflatten(dim=2, unflattened_size=(-1, 4))"
        );
    }

    #[test]
    fn bad_input_is_an_error_naming_the_layer() {
        let x = DynTensor::<f32>::zeros(&[2, 10]).unwrap();
        let err = DynUnflatten::new(1, &[3, 3])
            .unwrap()
            .forward_dyn(&x)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unflatten: shape mismatch: expected dimension 1 of a size that unflattened_size=(3, 3) fits, found [2, 10]"
        );
        let err = DynUnflatten::new(1, &[3, -1])
            .unwrap()
            .forward_dyn(&x)
            .unwrap_err();
        assert!(err.to_string().starts_with("Unflatten: shape mismatch"));
        let err = DynUnflatten::new(2, &[2, 5])
            .unwrap()
            .forward_dyn(&x)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unflatten: invalid dim: dimension 2 is out of range for a 2-D input (expected in [-2, 1])"
        );
        let err = DynUnflatten::new(0, &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unflatten: invalid unflattened_size: it must name at least one size, got ()"
        );
        let err = DynUnflatten::new(0, &[2, -3]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unflatten: invalid unflattened_size: sizes must be at least 0, or -1 to infer one, got (2, -3)"
        );
        // The typed form checks a Dyn dimension at the call.
        let err = Unflatten::<(U2, U5)>::new()
            .forward_dyn(&DynTensor::zeros(&[1, 12]).unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("unflattened_size=(2, 5)"));
    }
}
