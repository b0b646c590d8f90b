//! Tests of max, average and adaptive average pooling: PyTorch's output
//! sizes, tie and NaN rules, and agreement with the naive twins.

use super::avg_pool::*;
use super::naive::*;
use super::pool::*;
use super::simd::{Level, dispatch_at};
use super::testutil::{assert_close, random_vec, rng, tol};
use crate::Element;

#[allow(clippy::too_many_arguments)]
fn geom(
    batch: usize,
    channels: usize,
    (in_h, in_w): (usize, usize),
    (kernel_h, kernel_w): (usize, usize),
    (stride_h, stride_w): (usize, usize),
    (pad_h, pad_w): (usize, usize),
    (dilation_h, dilation_w): (usize, usize),
    ceil_mode: bool,
) -> Pool2dGeometry {
    Pool2dGeometry {
        batch,
        channels,
        in_h,
        in_w,
        kernel_h,
        kernel_w,
        stride_h,
        stride_w,
        pad_h,
        pad_w,
        dilation_h,
        dilation_w,
        ceil_mode,
    }
}

/// Geometries with dilation 1 (usable by average pooling too).
fn dense_cases() -> Vec<Pool2dGeometry> {
    let mut v = Vec::new();
    for ceil in [false, true] {
        v.extend([
            geom(1, 1, (1, 1), (1, 1), (1, 1), (0, 0), (1, 1), ceil),
            geom(2, 3, (7, 9), (3, 3), (2, 2), (1, 1), (1, 1), ceil),
            geom(3, 2, (5, 6), (2, 2), (2, 2), (0, 0), (1, 1), ceil),
            geom(1, 1, (4, 4), (3, 3), (3, 3), (1, 1), (1, 1), ceil),
            geom(1, 2, (5, 5), (3, 3), (3, 3), (1, 1), (1, 1), ceil),
            geom(2, 1, (6, 5), (2, 3), (1, 2), (1, 1), (1, 1), ceil),
            geom(4, 16, (16, 15), (3, 3), (2, 2), (1, 1), (1, 1), ceil), // parallel
        ]);
    }
    v
}

#[test]
fn output_sizes_follow_pytorch() {
    let size =
        |n, k, s, p, d, ceil| geom(1, 1, (n, n), (k, k), (s, s), (p, p), (d, d), ceil).out_h();
    assert_eq!(size(5, 2, 2, 0, 1, false), 2);
    assert_eq!(size(5, 2, 2, 0, 1, true), 3);
    // The last window would start in the right padding: dropped.
    assert_eq!(size(5, 3, 3, 1, 1, true), 2);
    assert_eq!(size(4, 3, 3, 1, 1, true), 2);
    assert_eq!(size(7, 3, 2, 1, 1, false), 4);
    assert_eq!(size(10, 3, 2, 0, 2, false), 3);
    assert_eq!(size(112, 3, 2, 1, 1, false), 56); // ResNet's stem pool
    assert!(
        geom(1, 1, (5, 5), (3, 3), (1, 1), (2, 2), (1, 1), false)
            .validate()
            .unwrap_err()
            .contains("pad")
    );
    assert!(
        geom(1, 1, (2, 2), (5, 5), (1, 1), (0, 0), (1, 1), false)
            .validate()
            .unwrap_err()
            .contains("too small")
    );
    assert!(
        geom(1, 1, (2, 2), (1, 1), (0, 1), (0, 0), (1, 1), false)
            .validate()
            .is_err()
    );
}

#[test]
fn max_ties_nan_and_neg_inf() {
    let g = geom(1, 3, (2, 2), (2, 2), (2, 2), (0, 0), (1, 1), false);
    let (n, inf) = (f64::NAN, f64::INFINITY);
    let x = [3.0, 3.0, 1.0, 2.0, 1.0, n, 5.0, n, -inf, -inf, -inf, -inf];
    let (mut y, mut a) = ([0.0; 3], [0; 3]);
    max_pool2d_forward(&g, &x, &mut y, &mut a);
    assert_eq!((y[0], a[0]), (3.0, 0)); // first maximum wins a tie
    assert!(y[1].is_nan() && a[1] == 3); // NaN wins, the last NaN
    assert_eq!((y[2], a[2]), (-inf, 0));
    let mut gx = [f64::NAN; 12];
    max_pool2d_backward(&g, &[1.0, 2.0, 3.0], &a, &mut gx);
    assert_eq!(
        gx,
        [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 3.0, 0.0, 0.0, 0.0]
    );
}

#[test]
fn avg_options_follow_pytorch() {
    // 3x3 of ones, kernel 2, stride 2, padding 1: four windows.
    let g = geom(1, 1, (3, 3), (2, 2), (2, 2), (1, 1), (1, 1), false);
    let x = [1.0f64; 9];
    let mut y = [0.0; 4];
    avg_pool2d_forward(&g, true, None, &x, &mut y);
    assert_eq!(y, [0.25, 0.5, 0.5, 1.0]);
    avg_pool2d_forward(&g, false, None, &x, &mut y);
    assert_eq!(y, [1.0; 4]);
    avg_pool2d_forward(&g, true, Some(2), &x, &mut y);
    assert_eq!(y, [0.5, 1.0, 1.0, 2.0]);
    // ceil_mode: 4x4, kernel 3, stride 2, no padding: the windows starting at
    // 2 hang over the edge; with no padding to count, the divisor is what is
    // inside (9, 6, 6, 4).
    let g = geom(1, 1, (4, 4), (3, 3), (2, 2), (0, 0), (1, 1), true);
    let x: Vec<f64> = (0..16).map(f64::from).collect();
    let mut y = [0.0; 4];
    avg_pool2d_forward(&g, true, None, &x, &mut y);
    assert_eq!(y, [5.0, 6.5, 11.0, 12.5]);
}

fn agree<E: Element>(seed: u64) {
    let mut r = rng(seed);
    let t = tol::<E>();
    let mut all = dense_cases();
    all.push(geom(1, 2, (8, 7), (2, 3), (2, 3), (1, 1), (2, 2), true));
    all.push(geom(2, 2, (9, 9), (3, 2), (1, 2), (1, 0), (3, 2), false));
    // Windows inside the plane: the fast path of max pooling.
    all.push(geom(2, 3, (8, 8), (2, 2), (2, 2), (0, 0), (1, 1), false));
    all.push(geom(1, 2, (7, 9), (2, 2), (2, 2), (0, 0), (1, 1), false)); // odd sizes
    all.push(geom(1, 2, (7, 6), (3, 2), (1, 2), (0, 0), (1, 1), false));
    for g in &all {
        g.validate().unwrap();
        let x = random_vec::<E>(&mut r, g.input_len());
        let gy = random_vec::<E>(&mut r, g.output_len());
        let (mut y1, mut y2) = (
            vec![E::nan(); g.output_len()],
            vec![E::nan(); g.output_len()],
        );
        let (mut a1, mut a2) = (vec![0; g.output_len()], vec![0; g.output_len()]);
        max_pool2d_forward(g, &x, &mut y1, &mut a1);
        max_pool2d_forward_naive(g, &x, &mut y2, &mut a2);
        assert_close(&y1, &y2, 0.0, &format!("max forward {g:?}"));
        assert_eq!(a1, a2, "argmax {g:?}");
        let (mut gx1, mut gx2) = (vec![E::nan(); g.input_len()], vec![E::nan(); g.input_len()]);
        max_pool2d_backward(g, &gy, &a1, &mut gx1);
        max_pool2d_backward_naive(g, &gy, &a2, &mut gx2);
        assert_close(&gx1, &gx2, t, &format!("max backward {g:?}"));
        if g.dilation_h != 1 || g.dilation_w != 1 {
            continue;
        }
        for (cip, div) in [
            (true, None),
            (false, None),
            (true, Some(5)),
            (false, Some(1)),
        ] {
            avg_pool2d_forward(g, cip, div, &x, &mut y1);
            avg_pool2d_forward_naive(g, cip, div, &x, &mut y2);
            assert_close(&y1, &y2, t, &format!("avg forward {g:?} {cip} {div:?}"));
            gx1.fill(E::nan());
            avg_pool2d_backward(g, cip, div, &gy, &mut gx1);
            avg_pool2d_backward_naive(g, cip, div, &gy, &mut gx2);
            assert_close(&gx1, &gx2, t, &format!("avg backward {g:?} {cip} {div:?}"));
        }
    }
    for (batch, channels, in_h, in_w, out_h, out_w) in [
        (1, 1, 1, 1, 1, 1),
        (2, 3, 5, 7, 3, 2),
        (1, 2, 3, 4, 5, 7),
        (2, 2, 10, 9, 4, 4),
        (1, 1, 6, 6, 1, 1),
        (8, 64, 9, 8, 3, 3),
    ] {
        let g = AdaptivePool2dGeometry {
            batch,
            channels,
            in_h,
            in_w,
            out_h,
            out_w,
        };
        let planes = batch * channels;
        let x = random_vec::<E>(&mut r, planes * in_h * in_w);
        let gy = random_vec::<E>(&mut r, planes * out_h * out_w);
        let (mut y1, mut y2) = (vec![E::nan(); gy.len()], vec![E::nan(); gy.len()]);
        adaptive_avg_pool2d_forward(&g, &x, &mut y1);
        adaptive_avg_pool2d_forward_naive(&g, &x, &mut y2);
        assert_close(&y1, &y2, t, &format!("adaptive forward {g:?}"));
        let (mut gx1, mut gx2) = (vec![E::nan(); x.len()], vec![E::nan(); x.len()]);
        adaptive_avg_pool2d_backward(&g, &gy, &mut gx1);
        adaptive_avg_pool2d_backward_naive(&g, &gy, &mut gx2);
        assert_close(&gx1, &gx2, t, &format!("adaptive backward {g:?}"));
    }
}

#[test]
fn pooling_agrees_with_naive() {
    agree::<f32>(41);
    agree::<f64>(42);
}

/// Values from a small set, so windows hold ties, with NaN, ±inf and -0
/// sprinkled in: the cases where max pooling's semantics show.
fn tied_with_specials<E: Element>(seed: u64, len: usize) -> Vec<E> {
    let specials = [E::nan(), E::infinity(), E::neg_infinity(), -E::zero()];
    random_vec::<E>(&mut rng(seed), len)
        .iter()
        .enumerate()
        .map(|(i, &v)| match i % 11 {
            5 => specials[i / 11 % specials.len()],
            _ => (v * E::of(3.0)).round(),
        })
        .collect()
}

fn bits<E: Element>(v: &[E]) -> Vec<u64> {
    v.iter().map(|x| x.as_f64().to_bits()).collect()
}

/// The plane kernels the public functions dispatch, compiled for `level`,
/// against the naive twins: the same bits and indices, planes whose output
/// rows are not a multiple of the vector width, ties, NaN and inf.
fn planes_match_naive_at<E: Element>(level: Level) -> bool {
    if dispatch_at(level, || ()).is_none() {
        return false;
    }
    let one = |(h, w), k, s, (p, d)| geom(1, 1, (h, w), k, s, (p, p), (d, d), false);
    let geometries = [
        one((28, 28), (2, 2), (2, 2), (0, 1)),
        one((38, 35), (2, 2), (2, 2), (0, 1)), // 17 outputs a row, odd input
        one((5, 70), (2, 2), (2, 2), (0, 1)),
        one((20, 21), (3, 3), (1, 1), (0, 1)), // interior, stride 1
        one((19, 40), (3, 2), (2, 2), (0, 1)), // interior, stride 2
        one((9, 50), (2, 2), (1, 3), (0, 1)),  // interior, stride 3
        one((13, 13), (3, 3), (2, 2), (1, 1)), // padding: the general path
        one((12, 12), (2, 2), (1, 1), (0, 2)), // dilation: the general path
    ];
    for (n, g) in geometries.iter().enumerate() {
        let x = tied_with_specials::<E>(n as u64, g.input_len());
        let (mut y, mut a) = (vec![E::zero(); g.output_len()], vec![0; g.output_len()]);
        let (mut want_y, mut want_a) = (y.clone(), a.clone());
        dispatch_at(
            level,
            #[inline(always)]
            || max_plane(g, &x, &mut y, &mut a),
        );
        max_pool2d_forward_naive(g, &x, &mut want_y, &mut want_a);
        assert_eq!(bits(&y), bits(&want_y), "forward {g:?} {level:?}");
        assert_eq!(a, want_a, "argmax {g:?} {level:?}");
    }
    true
}

#[test]
fn every_simd_level_matches_the_naive_max_pool() {
    let mut ran = 0;
    for level in Level::ALL {
        ran += usize::from(planes_match_naive_at::<f32>(level));
        planes_match_naive_at::<f64>(level);
    }
    assert!(ran >= 1);
}
