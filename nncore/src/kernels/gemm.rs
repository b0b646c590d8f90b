//! Matrix multiplication: the one place in Kiln that calls gemm's kernels
//! (`gemm_f32` / `gemm_f64`, through the patched gemm-common of
//! `vendor/`, see `vendor/gemm-common/KILN_PATCH.md`).
//!
//! Those kernels are `unsafe` functions on raw pointers and element strides.
//! Everything else in Kiln goes through the safe views [`MatRef`] and
//! [`MatMut`], whose constructors check that every element addressed by the
//! strides lies inside the slice, and through [`matmul`], which checks the
//! shapes. Keeping the raw call in one place keeps the proof of soundness in
//! one place too.

use super::gemv;
use crate::Element;
use crate::element::per_element;
use gemm_common::Parallelism;

/// Above this many multiply-adds (`m * n * k`) [`matmul`] asks gemm for
/// all rayon threads; below it, gemm runs on the calling thread.
///
/// The value is gemm-common 0.19's own `DEFAULT_THREADING_THRESHOLD`
/// (48·48·256 ≈ 83³), under which gemm stays single-threaded even when asked
/// for `Rayon`, so asking below it only costs. A timing run on the 2-core dev
/// machine (64³..320³, f32) could not confirm a better value: the machine was
/// loaded (load average 3.4 from parallel builds), so two threads were never
/// faster than one there. Re-measure on an idle machine with the benchmark
/// workloads before tuning.
pub const PARALLEL_THRESHOLD: usize = 48 * 48 * 256;

/// Checks a strided layout against a slice and returns nothing; panics with
/// `what` in the message if an addressed element would lie outside `len`.
fn check_layout(what: &str, len: usize, rows: usize, cols: usize, rs: usize, cs: usize) {
    assert!(
        isize::try_from(rs).is_ok() && isize::try_from(cs).is_ok(),
        "{what}: strides ({rs}, {cs}) do not fit in isize"
    );
    if rows == 0 || cols == 0 {
        return;
    }
    let last = (rows - 1)
        .checked_mul(rs)
        .and_then(|r| (cols - 1).checked_mul(cs).and_then(|c| r.checked_add(c)));
    assert!(
        matches!(last, Some(last) if last < len),
        "{what}: a {rows}x{cols} view with strides ({rs}, {cs}) needs more than the {len} elements given"
    );
}

/// A read-only strided view of a `rows x cols` matrix inside a slice:
/// element `(i, j)` is `data[i * row_stride + j * col_stride]`.
///
/// Strides may be anything (even 0, to broadcast) as long as every addressed
/// element is inside `data`; this is checked on construction.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, E> {
    data: &'a [E],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a, E> MatRef<'a, E> {
    /// A view with explicit strides (in elements).
    ///
    /// # Panics
    /// If some element `(i, j)` with `i < rows`, `j < cols` would lie outside
    /// `data`, or a stride does not fit in `isize`.
    pub fn from_strides(
        data: &'a [E],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Self {
        check_layout("MatRef", data.len(), rows, cols, row_stride, col_stride);
        Self {
            data,
            rows,
            cols,
            row_stride,
            col_stride,
        }
    }

    /// A contiguous row-major `rows x cols` matrix at the start of `data`
    /// (`data` may be longer).
    ///
    /// # Panics
    /// If `data.len() < rows * cols`.
    pub fn row_major(data: &'a [E], rows: usize, cols: usize) -> Self {
        Self::from_strides(data, rows, cols, cols, 1)
    }

    /// The transpose, as a view of the same data (strides swapped, no copy).
    pub fn t(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Distance in elements between rows.
    pub fn row_stride(&self) -> usize {
        self.row_stride
    }

    /// Distance in elements between columns.
    pub fn col_stride(&self) -> usize {
        self.col_stride
    }

    /// Row `i` as a slice, for a view whose rows are contiguous.
    ///
    /// # Panics
    /// If `i` is out of range or the columns are not adjacent
    /// (`col_stride != 1` with more than one column).
    pub fn row(&self, i: usize) -> &'a [E] {
        assert!(
            i < self.rows && (self.col_stride == 1 || self.cols <= 1),
            "MatRef::row({i}): out of range or not contiguous"
        );
        if self.cols == 0 {
            return &[];
        }
        &self.data[i * self.row_stride..][..self.cols]
    }

    /// Column `j` as a slice, for a view whose columns are contiguous.
    ///
    /// # Panics
    /// If `j` is out of range or the rows are not adjacent
    /// (`row_stride != 1` with more than one row).
    pub fn col(&self, j: usize) -> &'a [E] {
        assert!(
            j < self.cols && (self.row_stride == 1 || self.rows <= 1),
            "MatRef::col({j}): out of range or not contiguous"
        );
        if self.rows == 0 {
            return &[];
        }
        &self.data[j * self.col_stride..][..self.rows]
    }

    /// Element `(i, j)`. Panics if out of range.
    pub fn get(&self, i: usize, j: usize) -> &E {
        assert!(
            i < self.rows && j < self.cols,
            "MatRef::get({i}, {j}) out of range"
        );
        &self.data[i * self.row_stride + j * self.col_stride]
    }
}

/// A writable strided view of a `rows x cols` matrix inside a slice, like
/// [`MatRef`]. On construction the layout is also checked not to overlap
/// itself (gemm writes distinct elements from several threads), so a
/// broadcasting stride of 0 is refused here.
#[derive(Debug)]
pub struct MatMut<'a, E> {
    data: &'a mut [E],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a, E> MatMut<'a, E> {
    /// A view with explicit strides (in elements).
    ///
    /// # Panics
    /// If some element would lie outside `data`, a stride does not fit in
    /// `isize`, or two distinct `(i, j)` could address the same element. The
    /// last is checked conservatively: with the dimensions ordered by stride,
    /// the smaller stride must be at least 1 and the larger at least the
    /// smaller times its dimension (dimensions of size 1 are ignored).
    pub fn from_strides(
        data: &'a mut [E],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Self {
        check_layout("MatMut", data.len(), rows, cols, row_stride, col_stride);
        if rows == 0 || cols == 0 {
            // No elements, nothing to overlap.
        } else if rows > 1 && cols > 1 {
            let ((s_in, d_in), s_out) = if row_stride <= col_stride {
                ((row_stride, rows), col_stride)
            } else {
                ((col_stride, cols), row_stride)
            };
            assert!(
                s_in >= 1 && s_out >= s_in * d_in,
                "MatMut: strides ({row_stride}, {col_stride}) for {rows}x{cols} overlap"
            );
        } else {
            assert!(
                (rows <= 1 || row_stride >= 1) && (cols <= 1 || col_stride >= 1),
                "MatMut: a zero stride over a dimension > 1 overlaps"
            );
        }
        Self {
            data,
            rows,
            cols,
            row_stride,
            col_stride,
        }
    }

    /// A contiguous row-major `rows x cols` matrix at the start of `data`.
    ///
    /// # Panics
    /// If `data.len() < rows * cols`.
    pub fn row_major(data: &'a mut [E], rows: usize, cols: usize) -> Self {
        Self::from_strides(data, rows, cols, cols, 1)
    }

    /// The transpose, as a view of the same data (strides swapped).
    pub fn t(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// A read-only view of the same matrix.
    pub fn as_ref(&self) -> MatRef<'_, E> {
        MatRef {
            data: self.data,
            rows: self.rows,
            cols: self.cols,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        }
    }

    /// Element `(i, j)`, mutably. Panics if out of range.
    pub fn get_mut(&mut self, i: usize, j: usize) -> &mut E {
        assert!(
            i < self.rows && j < self.cols,
            "MatMut::get_mut({i}, {j}) out of range"
        );
        &mut self.data[i * self.row_stride + j * self.col_stride]
    }
}

fn check_shapes<E>(a: &MatRef<E>, b: &MatRef<E>, c: &MatMut<E>) {
    assert!(
        a.cols == b.rows && c.rows == a.rows && c.cols == b.cols,
        "matmul: ({}x{}) · ({}x{}) does not fit a {}x{} output",
        a.rows,
        a.cols,
        b.rows,
        b.cols,
        c.rows,
        c.cols
    );
}

/// `c = a · b` (or `c += a · b` when `accumulate`), for `a: m x k`,
/// `b: k x n`, `c: m x n`, any strides.
///
/// With `accumulate == false`, `c` is overwritten and its old contents never
/// read (NaNs in it do not leak). With `k == 0` the product is the zero
/// matrix. Uses all rayon threads when `m * n * k` exceeds
/// [`PARALLEL_THRESHOLD`], else runs on the calling thread. Products of 2 to
/// 4 rows by a large `b` with contiguous columns (`x · Wᵀ` of a small batch)
/// go to [`gemv`](super::gemv), which is faster there.
///
/// # Panics
/// If the shapes do not fit, or `E` is neither `f32` nor `f64`.
pub fn matmul<E: Element>(a: MatRef<E>, b: MatRef<E>, c: MatMut<E>, accumulate: bool) {
    let work = a.rows.saturating_mul(a.cols).saturating_mul(b.cols);
    let parallelism = if work >= PARALLEL_THRESHOLD && crate::threads::get_num_threads() > 1 {
        Parallelism::Rayon(crate::threads::get_num_threads())
    } else {
        Parallelism::None
    };
    match parallelism {
        // gemm's rayon parallelism runs on the pool of the calling thread.
        Parallelism::Rayon(_) => {
            crate::threads::install(|| matmul_with(a, b, c, accumulate, parallelism))
        }
        _ => matmul_with(a, b, c, accumulate, parallelism),
    }
}

/// Like [`matmul`] but always on the calling thread: for callers that already
/// parallelise outside (one product per image of a batch, per thread).
///
/// # Panics
/// As [`matmul`].
pub fn matmul_serial<E: Element>(a: MatRef<E>, b: MatRef<E>, c: MatMut<E>, accumulate: bool) {
    matmul_with(a, b, c, accumulate, Parallelism::None);
}

fn matmul_with<E: Element>(
    a: MatRef<E>,
    b: MatRef<E>,
    c: MatMut<E>,
    accumulate: bool,
    parallelism: Parallelism,
) {
    check_shapes(&a, &b, &c);
    assert!(
        std::any::TypeId::of::<E>() == std::any::TypeId::of::<f32>()
            || std::any::TypeId::of::<E>() == std::any::TypeId::of::<f64>(),
        "matmul: element type {} is not supported by gemm",
        E::DTYPE
    );
    let (m, n, k) = (a.rows, b.cols, a.cols);
    if m == 0 || n == 0 {
        return;
    }
    if gemv::pays_off(m, k, n) && gemv::fits_layout(&a, &b) {
        gemv::matmul_small(a, b, c, accumulate);
        return;
    }
    // Strides fit in isize: checked by the view constructors.
    let s = |x: usize| x as isize;
    let (a_rs, a_cs, b_rs, b_cs) = (
        s(a.row_stride),
        s(a.col_stride),
        s(b.row_stride),
        s(b.col_stride),
    );
    let (c_rs, c_cs) = (s(c.row_stride), s(c.col_stride));
    // gemm's micro-kernels prefer a column-major destination: a row-major
    // `c` is computed as `cᵀ = bᵀ·aᵀ` (what gemm's own front end does
    // before it dispatches; the strides are never negative here).
    let p = if c_cs < c_rs {
        Product {
            m: n,
            n: m,
            k,
            dst_rs: c_cs,
            dst_cs: c_rs,
            lhs: b.data.as_ptr(),
            lhs_rs: b_cs,
            lhs_cs: b_rs,
            rhs: a.data.as_ptr(),
            rhs_rs: a_cs,
            rhs_cs: a_rs,
        }
    } else {
        Product {
            m,
            n,
            k,
            dst_rs: c_rs,
            dst_cs: c_cs,
            lhs: a.data.as_ptr(),
            lhs_rs: a_rs,
            lhs_cs: a_cs,
            rhs: b.data.as_ptr(),
            rhs_rs: b_rs,
            rhs_cs: b_cs,
        }
    };
    // SAFETY:
    // - Bounds: `MatRef::from_strides`/`MatMut::from_strides` checked that
    //   every element (i, j), i < rows, j < cols, of a, b and c is inside its
    //   slice, and `check_shapes` that the shapes are (m x k)·(k x n) → m x n,
    //   which are exactly the elements gemm addresses (the transposed
    //   product addresses the same elements with rows and columns swapped).
    // - Aliasing: `c.data` is a `&mut` borrow held for this call, so no other
    //   reference (in particular `a.data` or `b.data`) can overlap it; `a` and
    //   `b` are only read. `MatMut::from_strides` checked that distinct
    //   (i, j) of c are distinct elements, so gemm's threads write disjoint
    //   memory.
    // - Type: `kernel::<E>()` is gemm's kernel for exactly `E` (f32 or f64,
    //   asserted above). `read_dst == false` makes gemm ignore `alpha` and
    //   never read `c`, so uninitialised-looking values (NaN) in `c` do not
    //   matter.
    unsafe {
        kernel::<E>()(
            p.m,
            p.n,
            p.k,
            c.data.as_mut_ptr(),
            p.dst_cs,
            p.dst_rs,
            /* read_dst = */ accumulate,
            p.lhs,
            p.lhs_cs,
            p.lhs_rs,
            p.rhs,
            p.rhs_cs,
            p.rhs_rs,
            // gemm's convention: dst = alpha * dst + beta * lhs * rhs.
            /* alpha = */
            E::one(),
            /* beta = */ E::one(),
            /* conj_dst, conj_lhs, conj_rhs = */ false,
            false,
            false,
            parallelism,
        );
    }
}

/// One product as gemm's kernels take it:
/// `dst (m x n) (+)= lhs (m x k) · rhs (k x n)`, strides in elements.
struct Product<E> {
    m: usize,
    n: usize,
    k: usize,
    dst_rs: isize,
    dst_cs: isize,
    lhs: *const E,
    lhs_rs: isize,
    lhs_cs: isize,
    rhs: *const E,
    rhs_rs: isize,
    rhs_cs: isize,
}

/// The signature of gemm's per-type kernels (`gemm_f32::gemm::f32::get_gemm_fn`):
/// `(m, n, k, dst, dst_cs, dst_rs, read_dst, lhs, lhs_cs, lhs_rs, rhs,
/// rhs_cs, rhs_rs, alpha, beta, conj_dst, conj_lhs, conj_rhs, parallelism)`.
type GemmFn<E> = unsafe fn(
    usize,
    usize,
    usize,
    *mut E,
    isize,
    isize,
    bool,
    *const E,
    isize,
    isize,
    *const E,
    isize,
    isize,
    E,
    E,
    bool,
    bool,
    bool,
    Parallelism,
);

/// gemm's kernel for `E`, found by type (a safe downcast, no pointer
/// casts, through the same [`per_element`] the compiled-once entry points
/// use): what gemm's own front end does by `TypeId`, for the two types
/// Kiln computes in.
fn kernel<E: Element>() -> GemmFn<E> {
    per_element::<GemmFn<E>, GemmFn<f32>, GemmFn<f64>>(
        gemm_f32::gemm::f32::get_gemm_fn(),
        gemm_f64::gemm::f64::get_gemm_fn(),
    )
}

/// Reference twin of [`matmul`]: three plain loops.
///
/// # Panics
/// If the shapes do not fit.
pub fn matmul_naive<E: Element>(a: MatRef<E>, b: MatRef<E>, mut c: MatMut<E>, accumulate: bool) {
    check_shapes(&a, &b, &c);
    for i in 0..a.rows {
        for j in 0..b.cols {
            let mut acc = E::zero();
            for p in 0..a.cols {
                acc += *a.get(i, p) * *b.get(p, j);
            }
            let dst = c.get_mut(i, j);
            *dst = if accumulate { *dst + acc } else { acc };
        }
    }
}
