//! The initialisers with structure: `eye_`, `dirac_`, `orthogonal_`,
//! `sparse_` and `trunc_normal_`.

use super::qr::householder_qr;
use crate::kernels::erf::erf;
use crate::{DynTensor, Element, Error, Result, rng};
use rand::Rng;
use rand_distr::{Distribution, Normal};

/// Fills a 2-D tensor with the identity (ones on the main diagonal of a
/// possibly non-square matrix), like `eye_`.
///
/// ```
/// use nncore::{init::eye_, DynTensor};
/// let t = DynTensor::<f32>::full(&[2, 3], 5.0).unwrap();
/// eye_(&t).unwrap();
/// assert_eq!(t.to_vec(), vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
/// assert_eq!(
///     eye_(&DynTensor::<f32>::zeros(&[2, 2, 2]).unwrap()).unwrap_err().to_string(),
///     "eye_: invalid tensor: Only tensors with 2 dimensions are supported, got shape [2, 2, 2]"
/// );
/// ```
#[nnmacro::__compiled_once]
pub fn eye_<E: Element>(tensor: &DynTensor<E>) -> Result<()> {
    let &[rows, cols] = tensor.shape() else {
        return Err(rank_error("eye_", "2", tensor));
    };
    let mut d = tensor.data_mut();
    for (i, v) in d.iter_mut().enumerate() {
        *v = if i / cols == i % cols && i / cols < rows {
            E::one()
        } else {
            E::zero()
        };
    }
    Ok(())
}

#[nnmacro::__compiled_once]
fn rank_error<E: Element>(op: &'static str, ranks: &str, tensor: &DynTensor<E>) -> Error {
    Error::option(
        op,
        "tensor",
        format!(
            "Only tensors with {ranks} dimensions are supported, got shape {:?}",
            tensor.shape()
        ),
    )
}

/// Fills a 3-, 4- or 5-D convolution weight `[out, in, k...]` with the
/// Dirac delta, so the convolution keeps its input channels (`groups`
/// blocks of `out / groups` outputs each), like `dirac_(tensor, groups)`.
///
/// ```
/// use nncore::{init::dirac_, DynTensor};
/// let w = DynTensor::<f32>::zeros(&[2, 2, 3]).unwrap();
/// dirac_(&w, 1).unwrap();
/// assert_eq!(w.to_vec(), vec![0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
/// ```
#[nnmacro::__compiled_once]
pub fn dirac_<E: Element>(tensor: &DynTensor<E>, groups: usize) -> Result<()> {
    let shape = tensor.shape().to_vec();
    if !(3..=5).contains(&shape.len()) {
        return Err(rank_error("dirac_", "3, 4, or 5", tensor));
    }
    if groups == 0 || !shape[0].is_multiple_of(groups) {
        return Err(Error::option(
            "dirac_",
            "groups",
            format!(
                "dim 0 must be divisible by groups, got dim 0 = {} and groups = {groups}",
                shape[0]
            ),
        ));
    }
    let per_group = shape[0] / groups;
    let min_dim = per_group.min(shape[1]);
    let kernel: Vec<usize> = shape[2..].to_vec();
    let kernel_len: usize = kernel.iter().product();
    // Row-major offset of the kernel's centre (size / 2 along each axis).
    let centre = kernel.iter().fold(0, |acc, &k| acc * k + k / 2);
    let mut d = tensor.data_mut();
    d.iter_mut().for_each(|v| *v = E::zero());
    for g in 0..groups {
        for i in 0..min_dim {
            let (o, c) = (g * per_group + i, i);
            d[(o * shape[1] + c) * kernel_len + centre] = E::one();
        }
    }
    Ok(())
}

/// Fills with draws from N(mean, std²) truncated to `[a, b]`, like
/// `trunc_normal_` (defaults 0, 1, -2, 2): each value is the inverse normal
/// CDF of a uniform draw between the CDF at `a` and at `b` (PyTorch's
/// method; inverted here by bisection on `erf`, to 1e-15).
///
/// ```
/// use nncore::{init::trunc_normal_, DynTensor};
/// let t = DynTensor::<f64>::zeros(&[1000]).unwrap();
/// trunc_normal_(&t, 0.0, 1.0, -0.5, 0.5).unwrap();
/// assert!(t.to_vec().iter().all(|v| (-0.5..=0.5).contains(v)));
/// ```
#[nnmacro::__compiled_once]
pub fn trunc_normal_<E: Element>(
    tensor: &DynTensor<E>,
    mean: f64,
    std: f64,
    a: f64,
    b: f64,
) -> Result<()> {
    let valid = a < b && std > 0.0;
    if !valid {
        return Err(Error::option(
            "trunc_normal_",
            "a",
            format!("needs a < b and std > 0, got a = {a}, b = {b}, std = {std}"),
        ));
    }
    let cdf = |x: f64| 0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2));
    let (alpha, beta) = ((a - mean) / std, (b - mean) / std);
    let (lo, hi) = (cdf(alpha), cdf(beta));
    let mut d = tensor.data_mut();
    rng::with_rng(|r| {
        for v in d.iter_mut() {
            let u = lo + (hi - lo) * r.random::<f64>();
            // Bisection for cdf(z) = u on [alpha, beta].
            let (mut l, mut h) = (alpha, beta);
            for _ in 0..80 {
                let m = 0.5 * (l + h);
                if cdf(m) < u {
                    l = m;
                } else {
                    h = m;
                }
                if h - l < 1e-15 {
                    break;
                }
            }
            *v = E::of((mean + std * 0.5 * (l + h)).clamp(a, b));
        }
    });
    Ok(())
}

/// Fills with a (semi-)orthogonal matrix times `gain`, like
/// `orthogonal_(tensor, gain)`: the tensor viewed as `(shape[0], rest)`
/// gets orthonormal rows (if it has fewer rows than columns) or columns,
/// from the QR decomposition of a normal draw (signs fixed by `R`'s
/// diagonal, as PyTorch does).
///
/// ```
/// use nncore::{init::orthogonal_, DynTensor};
/// let w = DynTensor::<f64>::zeros(&[3, 3]).unwrap();
/// orthogonal_(&w, 1.0).unwrap();
/// let v = w.to_vec();
/// let row0_dot_row1: f64 = (0..3).map(|k| v[k] * v[3 + k]).sum();
/// assert!(row0_dot_row1.abs() < 1e-6);
/// assert!(orthogonal_(&DynTensor::<f64>::zeros(&[3]).unwrap(), 1.0).is_err());
/// ```
#[nnmacro::__compiled_once]
pub fn orthogonal_<E: Element>(tensor: &DynTensor<E>, gain: f64) -> Result<()> {
    if tensor.rank() < 2 {
        return Err(rank_error("orthogonal_", "2 or more", tensor));
    }
    let rows = tensor.shape()[0];
    let cols = tensor.numel() / rows.max(1);
    if rows == 0 || cols == 0 {
        return Ok(());
    }
    let normal = Normal::new(0.0, 1.0).expect("valid normal");
    let flat: Vec<f64> = rng::with_rng(|r| (0..rows * cols).map(|_| normal.sample(r)).collect());
    // QR needs a tall matrix: transpose a wide one.
    let (m, n, a) = if rows < cols {
        (cols, rows, transpose(&flat, rows, cols))
    } else {
        (rows, cols, flat)
    };
    let (mut q, diag) = householder_qr(&a, m, n);
    for i in 0..m {
        for (j, d) in diag.iter().enumerate() {
            if *d < 0.0 {
                q[i * n + j] = -q[i * n + j];
            }
        }
    }
    let q = if rows < cols { transpose(&q, m, n) } else { q };
    let mut d = tensor.data_mut();
    for (v, x) in d.iter_mut().zip(q) {
        *v = E::of(gain * x);
    }
    Ok(())
}

fn transpose(a: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut t = vec![0.0; a.len()];
    for i in 0..rows {
        for j in 0..cols {
            t[j * rows + i] = a[i * cols + j];
        }
    }
    t
}

/// Fills a 2-D tensor as a sparse matrix, like `sparse_(tensor, sparsity,
/// std)`: in each column, `ceil(sparsity · rows)` randomly chosen entries
/// are zero, the others drawn from N(0, std²).
///
/// ```
/// use nncore::{init::sparse_, DynTensor};
/// let w = DynTensor::<f32>::zeros(&[10, 4]).unwrap();
/// sparse_(&w, 0.3, 0.01).unwrap();
/// let v = w.to_vec();
/// for c in 0..4 {
///     assert_eq!((0..10).filter(|r| v[r * 4 + c] == 0.0).count(), 3);
/// }
/// ```
#[nnmacro::__compiled_once]
pub fn sparse_<E: Element>(tensor: &DynTensor<E>, sparsity: f64, std: f64) -> Result<()> {
    let &[rows, cols] = tensor.shape() else {
        return Err(rank_error("sparse_", "2", tensor));
    };
    if !(0.0..=1.0).contains(&sparsity) {
        return Err(Error::option(
            "sparse_",
            "sparsity",
            format!("must be in [0, 1], got {sparsity}"),
        ));
    }
    let zeros = (sparsity * rows as f64).ceil() as usize;
    let normal = Normal::new(0.0, std.max(0.0))
        .map_err(|e| Error::option("sparse_", "std", e.to_string()))?;
    let mut d = tensor.data_mut();
    rng::with_rng(|r| {
        d.iter_mut().for_each(|v| *v = E::of(normal.sample(r)));
        for c in 0..cols {
            // A random permutation's first `zeros` rows, as torch.randperm.
            let mut perm: Vec<usize> = (0..rows).collect();
            for i in (1..rows).rev() {
                perm.swap(i, r.random_range(0..=i));
            }
            for &row in &perm[..zeros] {
                d[row * cols + c] = E::zero();
            }
        }
    });
    Ok(())
}
