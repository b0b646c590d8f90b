//! Matrix products: `matmul` of two matrices, `(M, K) x (K, N) -> (M, N)`,
//! and `bmm` of two batches of matrices, `(B, M, K) x (B, K, N) -> (B, M, N)`.

use core::ops::{BitOr, Not};

use typenum::Or;

use crate::shape::arith::{Compatible, DimCompat};
use crate::shape::dim::{Dim, Invalid};
use crate::shape::gate::{False, rank_gate, shape_gate};
use crate::shape::shape::Shape;

/// The shape rule of `a.matmul(&b)` (`torch.mm`), implemented on `a`'s
/// shape `(M, K)` for `b`'s shape `(K2, N)`: `K == K2` (a
/// [`Dyn`](crate::shape::Dyn) size is checked at run time). The output is
/// `(M, N)`, from [`MatmulOutput`].
///
/// ```
/// use nncore::shape::*;
/// fn mm<A: MatmulRule<B>, B: Shape>(a: A, b: B) -> MatmulOut<A, B> {
///     a.matmul_output(b)
/// }
/// assert_eq!(mm((Dyn(2), U3::new()), (U3::new(), U4::new())).dims().as_slice(), &[2, 4]);
/// ```
pub trait MatmulRule<R: Shape>: MatmulOutput<R> {}

/// One blanket impl, the pairs of ranks told apart on the second operand
/// ([`MatmulRanks`] is implemented on it): the compiler then waits for that
/// operand's type before choosing. With impls on the first operand, every
/// wrong-rank impl failed whatever the second type was, and the compiler
/// reported the rule with `_` for it instead of the rank gate's message.
impl<L: MatmulOutput<R>, R: Shape + MatmulRanks<L>> MatmulRule<R> for L {}

/// The per-rank part of [`MatmulRule`], implemented on the second operand
/// `Self` for the first `L`: two matrices are checked inside, every other
/// pair of ranks is reported by the rank gate.
#[diagnostic::on_unimplemented(
    message = "matmul cannot multiply a tensor of shape `{L}` by one of shape `{Self}`",
    note = "matmul takes two matrices (M, K) and (K, N); bmm takes two batches (B, M, K) and (B, K, N)"
)]
pub trait MatmulRanks<L> {}

/// The output shape of `matmul` (unchecked: the checks are [`MatmulRule`]'s).
pub trait MatmulOutput<R>: Shape {
    /// `(M, N)`.
    type Output: Shape;
    /// The output shape's value.
    fn matmul_output(self, rhs: R) -> Self::Output;
}

/// The output shape of `matmul` of shapes `A` and `B`.
pub type MatmulOut<A, B> = <A as MatmulOutput<B>>::Output;

shape_gate! {
    /// The columns of the first matrix equal the rows of the second.
    gate MatmulInner, digits MatmulInnerDigits, lits MatmulInnerLits,
    route MatmulInnerRoute, check MatmulInnerCheck;
    params (COLS, ROWS);
    message = "shape mismatch: matmul's first matrix has {COLS} columns, but the second has {ROWS} rows",
    label = "(M, {COLS}) times ({ROWS}, N)",
    note = "a matrix product (M, K) x (K, N) needs the inner sizes K to be equal",
}

rank_gate! {
    /// Both `matmul` operands are matrices.
    gate MatmulRank;
    params (LEFT, RIGHT);
    message = "matmul expects two 2-D tensors (matrices), but got a {LEFT}-D and a {RIGHT}-D tensor",
    label = "a {LEFT}-D tensor times a {RIGHT}-D tensor",
    note = "for batches of matrices (B, M, K) x (B, K, N) use bmm; for (.., K) x (K, N) with a weight use Linear",
}

impl<M: Dim, K: Dim + DimCompat<K2>, K2: Dim, N: Dim> MatmulRanks<(M, K)> for (K2, N) where
    Compatible<K, K2>: MatmulInnerCheck<K, K2>
{
}

impl<M: Dim, K: Dim, K2: Dim, N: Dim> MatmulOutput<(K2, N)> for (M, K) {
    type Output = (M, N);
    #[inline]
    fn matmul_output(self, rhs: (K2, N)) -> (M, N) {
        (self.0, rhs.1)
    }
}

/// The shape rule of `a.bmm(&b)` (`torch.bmm`), implemented on `a`'s shape
/// `(B, M, K)` for `b`'s shape `(B2, K2, N)`: `B == B2` and `K == K2`. The
/// output is `(B, M, N)`, from [`BmmOutput`].
///
/// ```
/// use nncore::shape::*;
/// fn bmm<A: BmmRule<B>, B: Shape>(a: A, b: B) -> BmmOut<A, B> {
///     a.bmm_output(b)
/// }
/// let a = (Dyn(8), U2::new(), U3::new());
/// assert_eq!(bmm(a, (Dyn(8), U3::new(), U5::new())).dims().as_slice(), &[8, 2, 5]);
/// ```
pub trait BmmRule<R: Shape>: BmmOutput<R> {}

/// One blanket impl, the ranks told apart on the second operand, as for
/// [`MatmulRule`].
impl<L: BmmOutput<R>, R: Shape + BmmRanks<L>> BmmRule<R> for L {}

/// The per-rank part of [`BmmRule`], implemented on the second operand.
#[diagnostic::on_unimplemented(
    message = "bmm cannot multiply a tensor of shape `{L}` by one of shape `{Self}`",
    note = "bmm takes two batches of matrices (B, M, K) and (B, K, N)"
)]
pub trait BmmRanks<L> {}

/// The output shape of `bmm` (unchecked: the checks are [`BmmRule`]'s).
pub trait BmmOutput<R>: Shape {
    /// `(B, M, N)`.
    type Output: Shape;
    /// The output shape's value.
    fn bmm_output(self, rhs: R) -> Self::Output;
}

/// The output shape of `bmm` of shapes `A` and `B`.
pub type BmmOut<A, B> = <A as BmmOutput<B>>::Output;

shape_gate! {
    /// Both `bmm` operands hold the same number of matrices.
    gate BmmBatch, digits BmmBatchDigits, lits BmmBatchLits,
    route BmmBatchRoute, check BmmBatchCheck;
    params (LEFT, RIGHT);
    message = "shape mismatch: bmm got a batch of {LEFT} matrices and a batch of {RIGHT}",
    label = "{LEFT} matrices times {RIGHT} matrices",
    note = "bmm multiplies the i-th matrix of the first batch by the i-th of the second: (B, M, K) x (B, K, N)",
}

shape_gate! {
    /// The matrices of the first `bmm` operand have as many columns as those of the second have rows.
    gate BmmInner, digits BmmInnerDigits, lits BmmInnerLits,
    route BmmInnerRoute, check BmmInnerCheck;
    params (COLS, ROWS);
    message = "shape mismatch: bmm's first matrices have {COLS} columns, but the second's have {ROWS} rows",
    label = "(B, M, {COLS}) times (B, {ROWS}, N)",
    note = "a batched matrix product (B, M, K) x (B, K, N) needs the inner sizes K to be equal",
}

rank_gate! {
    /// Both `bmm` operands are batches of matrices.
    gate BmmRank;
    params (LEFT, RIGHT);
    message = "bmm expects two 3-D tensors (batches of matrices), but got a {LEFT}-D and a {RIGHT}-D tensor",
    label = "a {LEFT}-D tensor times a {RIGHT}-D tensor",
    note = "bmm takes (B, M, K) and (B, K, N); for two matrices use matmul",
}

/// The inner check runs only when the batches agree (one error per mistake).
type InnerCondition<Bl, Br, K, K2> = Or<<Compatible<Bl, Br> as Not>::Output, Compatible<K, K2>>;

impl<B: Dim + DimCompat<B2>, M: Dim, K: Dim + DimCompat<K2>, B2: Dim, K2: Dim, N: Dim>
    BmmRanks<(B, M, K)> for (B2, K2, N)
where
    Compatible<B, B2>: BmmBatchCheck<B, B2> + Not<Output: BitOr<Compatible<K, K2>>>,
    InnerCondition<B, B2, K, K2>: BmmInnerCheck<K, K2>,
{
}

impl<B: Dim, M: Dim, K: Dim, B2: Dim, K2: Dim, N: Dim> BmmOutput<(B2, K2, N)> for (B, M, K) {
    type Output = (B, M, N);
    #[inline]
    fn bmm_output(self, rhs: (B2, K2, N)) -> (B, M, N) {
        (self.0, self.1, rhs.2)
    }
}

/// Every other pair of ranks: the rank gate, and an output of poisoned
/// sizes (rank 2 for matmul, 3 for bmm) so that nothing after it reports
/// again.
macro_rules! impl_product_ranks {
    ($rule:ident, $output:ident, $method:ident, $gate:ident, $out:tt;
     $($rl:literal $a:tt $rr:literal $b:tt;)*) => {
        $(impl_product_ranks!(@one $rule, $output, $method, $gate, $out; $rl $a $rr $b);)*
    };
    (@one $rule:ident, $output:ident, $method:ident, $gate:ident, [$($out:ident),*];
     $rl:literal [$($a:ident),*] $rr:literal [$($b:ident),*]) => {

            impl<$($a: Dim,)* $($b: Dim,)*> $rule<($($a,)*)> for ($($b,)*)
            where
                False<($($a,)* $($b,)*)>: $gate<$rl, $rr>,
            {
            }

            impl<$($a: Dim,)* $($b: Dim,)*> $output<($($b,)*)> for ($($a,)*) {
                type Output = ($($out,)*);
                #[inline]
                fn $method(self, _rhs: ($($b,)*)) -> Self::Output {
                    ($(<$out>::default(),)*)
                }
            }
    };
}

impl_product_ranks! {
    MatmulRanks, MatmulOutput, matmul_output, MatmulRank, [Invalid, Invalid];
    0 [] 1 [B0]; 0 [] 2 [B0, B1]; 0 [] 3 [B0, B1, B2]; 0 [] 4 [B0, B1, B2, B3];
    1 [A0] 0 []; 1 [A0] 1 [B0]; 1 [A0] 2 [B0, B1]; 1 [A0] 3 [B0, B1, B2]; 1 [A0] 4 [B0, B1, B2, B3];
    2 [A0, A1] 0 []; 2 [A0, A1] 1 [B0]; 2 [A0, A1] 3 [B0, B1, B2]; 2 [A0, A1] 4 [B0, B1, B2, B3];
    3 [A0, A1, A2] 0 []; 3 [A0, A1, A2] 1 [B0]; 3 [A0, A1, A2] 2 [B0, B1];
    3 [A0, A1, A2] 3 [B0, B1, B2]; 3 [A0, A1, A2] 4 [B0, B1, B2, B3];
    4 [A0, A1, A2, A3] 0 []; 4 [A0, A1, A2, A3] 1 [B0]; 4 [A0, A1, A2, A3] 2 [B0, B1];
    4 [A0, A1, A2, A3] 3 [B0, B1, B2]; 4 [A0, A1, A2, A3] 4 [B0, B1, B2, B3];
}

impl_product_ranks! {
    BmmRanks, BmmOutput, bmm_output, BmmRank, [Invalid, Invalid, Invalid];
    0 [] 1 [B0]; 0 [] 2 [B0, B1]; 0 [] 3 [B0, B1, B2]; 0 [] 4 [B0, B1, B2, B3];
    1 [A0] 0 []; 1 [A0] 1 [B0]; 1 [A0] 2 [B0, B1]; 1 [A0] 3 [B0, B1, B2]; 1 [A0] 4 [B0, B1, B2, B3];
    2 [A0, A1] 0 []; 2 [A0, A1] 1 [B0]; 2 [A0, A1] 2 [B0, B1]; 2 [A0, A1] 3 [B0, B1, B2];
    2 [A0, A1] 4 [B0, B1, B2, B3];
    3 [A0, A1, A2] 0 []; 3 [A0, A1, A2] 1 [B0]; 3 [A0, A1, A2] 2 [B0, B1];
    3 [A0, A1, A2] 4 [B0, B1, B2, B3];
    4 [A0, A1, A2, A3] 0 []; 4 [A0, A1, A2, A3] 1 [B0]; 4 [A0, A1, A2, A3] 2 [B0, B1];
    4 [A0, A1, A2, A3] 3 [B0, B1, B2]; 4 [A0, A1, A2, A3] 4 [B0, B1, B2, B3];
}
