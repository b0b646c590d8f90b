//! Tests of the gemm wrapper: agreement with the naive product on many
//! shapes and layouts, f32 and f64, and the documented panics.

use super::gemm::*;
use super::testutil::{assert_close, random_vec, rng, tol};
use crate::Element;

fn agree<E: Element>(seed: u64) {
    let mut r = rng(seed);
    for &(m, k, n) in &[
        (1, 1, 1),
        (3, 5, 7),
        (17, 1, 4),
        (9, 33, 2),
        (0, 3, 4),
        (4, 0, 3),
        (65, 70, 66),
        (90, 100, 70),
    ] {
        for &(ta, tb, tc) in &[
            (false, false, false),
            (true, false, false),
            (false, true, true),
            (true, true, false),
        ] {
            for accumulate in [false, true] {
                let a = random_vec::<E>(&mut r, m * k);
                let b = random_vec::<E>(&mut r, k * n);
                let c0 = random_vec::<E>(&mut r, m * n);
                let av = if ta {
                    MatRef::row_major(&a, k, m).t()
                } else {
                    MatRef::row_major(&a, m, k)
                };
                let bv = if tb {
                    MatRef::row_major(&b, n, k).t()
                } else {
                    MatRef::row_major(&b, k, n)
                };
                let (mut c1, mut c2) = (c0.clone(), c0.clone());
                fn view<E>(c: &mut [E], m: usize, n: usize, tc: bool) -> MatMut<'_, E> {
                    if tc {
                        MatMut::row_major(c, n, m).t()
                    } else {
                        MatMut::row_major(c, m, n)
                    }
                }
                matmul(av, bv, view(&mut c1, m, n, tc), accumulate);
                matmul_naive(av, bv, view(&mut c2, m, n, tc), accumulate);
                assert_close(
                    &c1,
                    &c2,
                    tol::<E>(),
                    &format!("matmul {m}x{k}x{n} t={ta},{tb},{tc} acc={accumulate}"),
                );
            }
        }
    }
}

#[test]
fn matmul_agrees_with_naive() {
    agree::<f32>(1);
    agree::<f64>(2);
}

#[test]
fn overwrite_ignores_nan_in_dst() {
    let a = [1.0f64, 2.0, 3.0, 4.0];
    let b = [1.0f64, 0.0, 0.0, 1.0];
    let mut c = [f64::NAN; 4];
    matmul(
        MatRef::row_major(&a, 2, 2),
        MatRef::row_major(&b, 2, 2),
        MatMut::row_major(&mut c, 2, 2),
        false,
    );
    assert_eq!(c, a);
}

#[test]
fn padded_strides() {
    // A 2x3 block inside a 3x5 buffer (row stride 5).
    let buf: Vec<f32> = (0..15).map(|x| x as f32).collect();
    let a = MatRef::from_strides(&buf, 2, 3, 5, 1);
    let id = [1.0f32, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let mut c = [0.0f32; 6];
    matmul(
        a,
        MatRef::row_major(&id, 3, 3),
        MatMut::row_major(&mut c, 2, 3),
        false,
    );
    assert_eq!(c, [0.0, 1.0, 2.0, 5.0, 6.0, 7.0]);
}

#[test]
#[should_panic(expected = "needs more than")]
fn short_slice_panics() {
    let a = [0.0f32; 5];
    let _ = MatRef::row_major(&a, 2, 3);
}

#[test]
#[should_panic(expected = "overlap")]
fn overlapping_dst_panics() {
    let mut c = [0.0f32; 4];
    let _ = MatMut::from_strides(&mut c, 2, 2, 1, 1);
}

#[test]
#[should_panic(expected = "does not fit")]
fn shape_mismatch_panics() {
    let a = [0.0f32; 6];
    let mut c = [0.0f32; 4];
    matmul(
        MatRef::row_major(&a, 2, 3),
        MatRef::row_major(&a, 2, 3),
        MatMut::row_major(&mut c, 2, 2),
        false,
    );
}

#[test]
fn broadcast_stride_zero_operand() {
    // Every row of `a` is the same three values (row stride 0).
    let row = [1.0f64, 2.0, 3.0];
    let a = MatRef::from_strides(&row, 4, 3, 0, 1);
    let b = [1.0f64, 0.0, 0.0, 1.0, 1.0, 1.0];
    let mut c = [f64::NAN; 8];
    matmul(
        a,
        MatRef::row_major(&b, 3, 2),
        MatMut::row_major(&mut c, 4, 2),
        false,
    );
    assert_eq!(c, [4.0, 5.0, 4.0, 5.0, 4.0, 5.0, 4.0, 5.0]);
}
