//! Tests of the small-`m` products: agreement with the naive product on
//! odd sizes and strided layouts, the same bits at every instruction-set
//! level, and that `matmul` routes only what they handle.

use super::gemm::{MatMut, MatRef, matmul, matmul_naive};
use super::gemv::{MAX_ROWS, handles, matmul_small_at};
use super::simd::Level;
use super::testutil::{assert_close, random_vec, rng, tol};
use crate::Element;

/// How `b` (`k x n`) lies in memory: its columns contiguous (a row-major
/// `[n, k]` weight seen transposed) or its rows, with `pad` unused
/// elements after each contiguous line.
#[derive(Clone, Copy, Debug)]
enum Layout {
    ColumnsContiguous { pad: usize },
    RowsContiguous { pad: usize },
}

fn b_view<E>(b: &[E], k: usize, n: usize, layout: Layout) -> MatRef<'_, E> {
    match layout {
        Layout::ColumnsContiguous { pad } => MatRef::from_strides(b, n, k, k + pad, 1).t(),
        Layout::RowsContiguous { pad } => MatRef::from_strides(b, k, n, n + pad, 1),
    }
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
    let layouts = [
        Layout::ColumnsContiguous { pad: 0 },
        Layout::ColumnsContiguous { pad: 3 },
        Layout::RowsContiguous { pad: 0 },
        Layout::RowsContiguous { pad: 5 },
    ];
    for m in 1..=MAX_ROWS {
        for k in [0, 1, 5, 16, 17, 47, 130] {
            for n in [1, 3, 8, 9, 17, 130, 150] {
                for layout in layouts {
                    let (a_pad, c_pad) = (k % 3, n % 2);
                    let a = random_vec::<E>(&mut r, m * (k + a_pad));
                    let b = random_vec::<E>(&mut r, (k + 5) * (n + 5));
                    let a_v = MatRef::from_strides(&a, m, k, k + a_pad, 1);
                    let b_v = b_view(&b, k, n, layout);
                    assert!(handles(&a_v, &b_v));
                    for (accumulate, transposed) in [(false, false), (true, true), (true, false)] {
                        let c0 = random_vec::<E>(&mut r, m * n + m.max(n) * c_pad + c_pad);
                        let mut want = c0.clone();
                        matmul_naive(a_v, b_v, c_view(&mut want, m, n, transposed, c_pad), accumulate);
                        let what = format!(
                            "{m}x{k}x{n} {layout:?} acc={accumulate} c_t={transposed}"
                        );
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
                                    base.iter().zip(&bits).all(|(x, y)| x.to_bits() == y.to_bits()),
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
        let x = [1.0f32, 2.0, 3.0];
        let mut y = [f32::NAN; 3];
        let ran = matmul_small_at(
            level,
            MatRef::row_major(&x, 1, 3),
            MatRef::row_major(&w, 3, 3),
            MatMut::row_major(&mut y, 1, 3),
            false,
        );
        if ran.is_some() {
            assert_eq!(y, [6.0, 0.0, 5.0], "{level:?}");
        }
    }
}

#[test]
fn only_few_rows_with_a_contiguous_operand_are_handled() {
    let d = [0.0f32; 64];
    let row_major = |r, c| MatRef::row_major(&d, r, c);
    assert!(handles(&row_major(1, 8), &row_major(4, 8).t()));
    assert!(handles(&row_major(4, 8), &row_major(8, 4)));
    assert!(!handles(&row_major(5, 4), &row_major(4, 8)));
    // a's rows strided: left to gemm.
    assert!(!handles(&row_major(8, 2).t(), &row_major(8, 4)));
    // b strided both ways: left to gemm.
    let b = MatRef::from_strides(&d, 3, 3, 6, 2);
    assert!(!handles(&row_major(1, 3), &b));
    // ... and matmul still gets it right.
    let a = [1.0f32, 2.0, 3.0];
    let (mut got, mut want) = ([0.0f32; 3], [0.0f32; 3]);
    let d: Vec<f32> = (0..64).map(|v| v as f32).collect();
    let b = MatRef::from_strides(&d, 3, 3, 6, 2);
    let a = MatRef::row_major(&a, 1, 3);
    matmul(a, b, MatMut::row_major(&mut got, 1, 3), false);
    matmul_naive(a, b, MatMut::row_major(&mut want, 1, 3), false);
    assert_eq!(got, want);
}
