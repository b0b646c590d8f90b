//! Tests of the few-rows product: agreement with the naive product on
//! odd sizes and strided layouts, the same bits at every instruction-set
//! level, and that `matmul` still agrees where it routes to it.

use super::gemm::{MatMut, MatRef, matmul, matmul_naive};
use super::gemv::{fits_layout, matmul_small_at, pays_off};
use super::simd::Level;
use super::testutil::{assert_close, random_vec, rng, tol};
use crate::Element;

/// `b` (`k x n`) as a row-major `[n, k]` weight seen transposed, with
/// `pad` unused elements after each of its rows (contiguous columns of `b`).
fn b_view<E>(b: &[E], k: usize, n: usize, pad: usize) -> MatRef<'_, E> {
    MatRef::from_strides(b, n, k, k + pad, 1).t()
}

/// `c` as `m x n`, either row-major with `pad` after each row or
/// transposed (column-major).
fn c_view<E>(c: &mut [E], m: usize, n: usize, transposed: bool, pad: usize) -> MatMut<'_, E> {
    if transposed {
        MatMut::from_strides(c, n, m, m + pad, 1).t()
    } else {
        MatMut::from_strides(c, m, n, n + pad, 1)
    }
}

fn agree<E: Element>(seed: u64) {
    let mut r = rng(seed);
    for m in 1..=5 {
        for k in [0, 1, 5, 16, 17, 47, 130] {
            for n in [1, 3, 8, 9, 17, 30] {
                for b_pad in [0, 3] {
                    let (a_pad, c_pad) = (k % 3, n % 2);
                    let a = random_vec::<E>(&mut r, m * (k + a_pad));
                    let b = random_vec::<E>(&mut r, (k + 5) * (n + 5));
                    let a_v = MatRef::from_strides(&a, m, k, k + a_pad, 1);
                    let b_v = b_view(&b, k, n, b_pad);
                    assert!(fits_layout(&a_v, &b_v));
                    for (accumulate, transposed) in [(false, false), (true, true), (true, false)] {
                        let c0 = random_vec::<E>(&mut r, m * n + m.max(n) * c_pad + c_pad);
                        let mut want = c0.clone();
                        matmul_naive(
                            a_v,
                            b_v,
                            c_view(&mut want, m, n, transposed, c_pad),
                            accumulate,
                        );
                        let what =
                            format!("{m}x{k}x{n} b_pad={b_pad} acc={accumulate} c_t={transposed}");
                        let mut baseline = None;
                        for level in Level::ALL {
                            let mut got = c0.clone();
                            let ran = matmul_small_at(
                                level,
                                a_v,
                                b_v,
                                c_view(&mut got, m, n, transposed, c_pad),
                                accumulate,
                            );
                            if ran.is_none() {
                                continue;
                            }
                            assert_close(&got, &want, tol::<E>(), &format!("{what} {level:?}"));
                            let bits: Vec<f64> = got.iter().map(|x| x.as_f64()).collect();
                            match &baseline {
                                None => baseline = Some(bits),
                                Some(base) => assert!(
                                    base.iter()
                                        .zip(&bits)
                                        .all(|(x, y)| x.to_bits() == y.to_bits()),
                                    "{what}: {level:?} differs from the baseline bits"
                                ),
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn small_products_agree_with_naive_at_every_level() {
    agree::<f32>(11);
    agree::<f64>(12);
}

#[test]
fn overwrite_ignores_nan_in_dst_and_nan_inputs_propagate() {
    let x = [1.0f32, f32::NAN, 2.0];
    let w = [1.0f32, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]; // [3, 3]
    for level in Level::ALL {
        let mut y = [f32::NAN; 3];
        let ran = matmul_small_at(
            level,
            MatRef::row_major(&x, 1, 3),
            MatRef::row_major(&w, 3, 3).t(),
            MatMut::row_major(&mut y, 1, 3),
            false,
        );
        if ran.is_some() {
            // 0 · NaN is NaN, as in the naive product and PyTorch.
            assert!(y.iter().all(|v| v.is_nan()), "{level:?}: {y:?}");
        }
    }
}

#[test]
fn matmul_routes_only_contiguous_few_row_products_that_pay_off() {
    let d = [0.0f32; 64];
    let row_major = |r, c| MatRef::row_major(&d, r, c);
    assert!(fits_layout(&row_major(1, 8), &row_major(4, 8).t()));
    // b's columns strided, or a's rows: left to gemm.
    assert!(!fits_layout(&row_major(4, 8), &row_major(8, 4)));
    assert!(!fits_layout(&row_major(8, 2).t(), &row_major(4, 2).t()));
    assert!(pays_off(2, 784, 256) && pays_off(4, 1024, 1024));
    assert!(!pays_off(1, 784, 256) && !pays_off(5, 784, 256) && !pays_off(2, 256, 10));
    // Through `matmul`: a routed size and layout, against the naive product.
    let mut r = rng(5);
    for (m, k, n) in [(2, 300, 260), (4, 256, 263)] {
        let a = random_vec::<f32>(&mut r, m * k);
        let w = random_vec::<f32>(&mut r, n * k);
        let (a, b) = (MatRef::row_major(&a, m, k), MatRef::row_major(&w, n, k).t());
        assert!(pays_off(m, k, n) && fits_layout(&a, &b));
        let (mut got, mut want) = (vec![0.0f32; m * n], vec![0.0f32; m * n]);
        matmul(a, b, MatMut::row_major(&mut got, m, n), false);
        matmul_naive(a, b, MatMut::row_major(&mut want, m, n), false);
        assert_close(&got, &want, tol::<f32>(), &format!("matmul {m}x{k}x{n}"));
    }
}
