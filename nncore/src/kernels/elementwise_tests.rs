//! Tests of the elementwise kernels: PyTorch values, derivatives against
//! finite differences, optimised against naive, f32 and f64.

use super::elementwise::*;
use super::simd::{Level, dispatch_at};
use super::testutil::{assert_close, random_vec, rng, tol};
use crate::Element;

const LEAKY: LeakyRelu = LeakyRelu { slope: 0.01 };
const ELU: Elu = Elu { alpha: 1.0 };
const SOFTPLUS: Softplus = Softplus {
    beta: 1.0,
    threshold: 20.0,
};
const HARDTANH: Hardtanh = Hardtanh {
    min: -1.0,
    max: 1.0,
};

/// Runs `check` on every activation, named.
fn each_kernel(mut check: impl FnMut(&str, &dyn Fn(f64) -> f64, &dyn Fn(f64) -> f64)) {
    macro_rules! go {
        ($($name:literal => $k:expr),* $(,)?) => {$(
            check($name, &|x| $k.f(x), &|x| $k.df(x, $k.f(x)));
        )*};
    }
    go!("relu" => Relu, "sigmoid" => Sigmoid, "tanh" => Tanh, "leaky_relu" => LEAKY, "elu" => ELU,
        "gelu" => Gelu, "gelu_tanh" => GeluTanh, "silu" => Silu, "softplus" => SOFTPLUS,
        "softplus_b2" => Softplus { beta: 2.0, threshold: 3.0 }, "hardtanh" => HARDTANH);
}

#[test]
fn pytorch_values() {
    // torch.nn.functional.* in float64 (same formulas; values via Python's math).
    let cases: &[(&str, f64, f64)] = &[
        ("gelu", 1.0, 0.8413447460685429),
        ("gelu", -1.0, -0.15865525393145707),
        ("gelu", 2.5, 2.4844758366855597),
        ("gelu", -0.3, -0.1146265733433142),
        ("gelu_tanh", 1.0, 0.8411919906082768),
        ("gelu_tanh", -1.0, -0.15880800939172324),
        ("gelu_tanh", 2.5, 2.484915733910001),
        ("silu", 1.0, 0.7310585786300049),
        ("silu", -0.3, -0.1276672449565023),
        ("softplus", 1.0, 1.3132616875182228),
        ("softplus", -1.0, 0.31326168751822286),
        ("softplus", 25.0, 25.0),
        ("elu", -1.0, -0.6321205588285577),
        ("elu", 2.5, 2.5),
        ("sigmoid", 0.0, 0.5),
        ("tanh", 1.0, 0.7615941559557649),
        ("relu", -2.0, 0.0),
        ("leaky_relu", -2.0, -0.02),
        ("hardtanh", -2.0, -1.0),
        ("hardtanh", 0.5, 0.5),
    ];
    each_kernel(|name, f, _| {
        for &(_, x, want) in cases.iter().filter(|c| c.0 == name) {
            let got = f(x);
            assert!(
                (got - want).abs() <= 1e-15 * (1.0 + want.abs()),
                "{name}({x}) = {got}, want {want}"
            );
        }
    });
    assert!(Relu.f(f64::NAN).is_nan() && HARDTANH.f(f32::NAN).is_nan());
    assert_eq!(Relu.df(0.0f64, 0.0), 0.0);
    assert_eq!(HARDTANH.df(1.0f64, 1.0), 0.0);
}

#[test]
fn derivatives_match_finite_differences() {
    let mut r = rng(21);
    let xs: Vec<f64> = random_vec::<f64>(&mut r, 40)
        .iter()
        .map(|x| x * 4.0)
        .collect();
    each_kernel(|name, f, df| {
        for &x in &xs {
            // Stay away from kinks (0, ±1 for hardtanh, 1.5 for softplus β=2 θ=3).
            if [0.0, 1.0, -1.0, 1.5].iter().any(|k| (x - k).abs() < 1e-3) {
                continue;
            }
            let h = 1e-6;
            let fd = (f(x + h) - f(x - h)) / (2.0 * h);
            assert!(
                (fd - df(x)).abs() < 1e-6,
                "{name}'({x}) = {} but finite difference {fd}",
                df(x)
            );
        }
    });
}

fn agree<E: Element>(seed: u64) {
    let mut r = rng(seed);
    for len in [0, 1, 7, 4097, PARALLEL_THRESHOLD + 3] {
        let x: Vec<E> = random_vec::<E>(&mut r, len)
            .iter()
            .map(|&v| v * E::of(5.0))
            .collect();
        let gy = random_vec::<E>(&mut r, len);
        macro_rules! check {
            ($($k:expr),*) => {$({
                let k = $k;
                let (mut y1, mut y2) = (vec![E::nan(); len], vec![E::nan(); len]);
                unary_forward(&k, &x, &mut y1);
                unary_forward_naive(&k, &x, &mut y2);
                assert_close(&y1, &y2, 0.0, stringify!($k));
                let (mut g1, mut g2) = (vec![E::nan(); len], vec![E::nan(); len]);
                unary_backward(&k, &x, &y1, &gy, &mut g1);
                unary_backward_naive(&k, &x, &y2, &gy, &mut g2);
                assert_close(&g1, &g2, 0.0, stringify!($k));
            })*};
        }
        check!(
            Relu, Sigmoid, Tanh, LEAKY, ELU, Gelu, GeluTanh, Silu, SOFTPLUS, HARDTANH
        );

        assert_close(&[sum(&x)], &[sum_naive(&x)], tol::<E>(), "sum");
        let mut d1 = gy.clone();
        add_assign(&mut d1, &x);
        axpy(&mut d1, E::of(2.0), &x);
        mul_assign(&mut d1, &x);
        scale(&mut d1, E::of(0.5));
        let d2: Vec<E> = gy
            .iter()
            .zip(&x)
            .map(|(&g, &x)| (g + x + E::of(2.0) * x) * x * E::of(0.5))
            .collect();
        assert_close(&d1, &d2, tol::<E>(), "add/axpy/mul/scale");
    }
}

#[test]
fn kernels_agree_with_naive() {
    agree::<f32>(22);
    agree::<f64>(23);
}

#[test]
fn pairwise_sum_is_accurate_in_f32() {
    let x = vec![0.1f32; 100_000];
    let naive_f32: f32 = x.iter().sum();
    let exact = 0.1f32 as f64 * 100_000.0;
    assert!((sum(&x) as f64 - exact).abs() < 1e-3, "{}", sum(&x));
    assert!(
        (naive_f32 as f64 - exact).abs() > 1e-2,
        "the test should show sequential error"
    );
}

/// Random values in ±5 with NaN, ±inf and ±0 sprinkled in (every 7th
/// element), where the kernels' edge semantics show.
fn with_specials<E: Element>(seed: u64, len: usize) -> Vec<E> {
    let specials = [
        E::nan(),
        E::infinity(),
        E::neg_infinity(),
        E::zero(),
        -E::zero(),
    ];
    random_vec::<E>(&mut rng(seed), len)
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if i % 7 == 3 {
                specials[i / 7 % specials.len()]
            } else {
                v * E::of(5.0)
            }
        })
        .collect()
}

/// Bit-for-bit equality, any NaN matching any NaN.
#[track_caller]
fn assert_same_bits<E: Element>(a: &[E], b: &[E], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
        let same = (x.is_nan() && y.is_nan()) || x.as_f64().to_bits() == y.as_f64().to_bits();
        assert!(same, "{what}: index {i}: {x} vs {y} ({})", E::DTYPE);
    }
}

/// `dst[i] = op(dst[i], src[i], alpha)`: one of the binary helpers.
type BinaryOp<E> = fn(&mut E, E, E);

/// Runs every chunk body the public kernels dispatch, compiled for
/// `level`, against the naive twins: the same bits, NaN and inf included.
fn bodies_match_naive_at<E: Element>(level: Level) -> bool {
    let Some(()) = dispatch_at(level, || ()) else {
        return false;
    };
    for len in [0, 1, 15, 17, 33, 1000, SUM_BLOCK + 1, 4097] {
        let x = with_specials::<E>(len as u64, len);
        let y_out = with_specials::<E>(len as u64 + 1, len);
        let gy = with_specials::<E>(len as u64 + 2, len);
        let at = |what: &str| format!("{what}, len {len}, {level:?}");
        macro_rules! check {
            ($($k:expr),*) => {$({
                let k = $k;
                let (mut got, mut want) = (vec![E::zero(); len], vec![E::zero(); len]);
                dispatch_at(level, #[inline(always)] || forward_chunk(&k, &x, &mut got));
                unary_forward_naive(&k, &x, &mut want);
                assert_same_bits(&got, &want, &at(stringify!($k)));
                dispatch_at(level, #[inline(always)] || backward_chunk(&k, &x, &y_out, &gy, &mut got));
                unary_backward_naive(&k, &x, &y_out, &gy, &mut want);
                assert_same_bits(&got, &want, &at(concat!(stringify!($k), " backward")));
            })*};
        }
        check!(
            Relu, Sigmoid, Tanh, LEAKY, ELU, Gelu, GeluTanh, Silu, SOFTPLUS, HARDTANH
        );

        let alpha = E::of(0.75);
        let ops: [(&str, BinaryOp<E>); 3] = [
            ("add_assign", |d, s, _| *d += s),
            ("mul_assign", |d, s, _| *d *= s),
            ("axpy", |d, s, a| *d += a * s),
        ];
        for (name, op) in ops {
            let mut got = gy.clone();
            dispatch_at(
                level,
                #[inline(always)]
                || binary_chunk(&mut got, &x, |d, s| op(d, s, alpha)),
            );
            let mut want = gy.clone();
            for (d, &s) in want.iter_mut().zip(&x) {
                op(d, s, alpha);
            }
            assert_same_bits(&got, &want, &at(name));
        }
        let mut got = x.clone();
        dispatch_at(
            level,
            #[inline(always)]
            || scale_chunk(&mut got, alpha),
        );
        let want: Vec<E> = x.iter().map(|&v| v * alpha).collect();
        assert_same_bits(&got, &want, &at("scale"));

        // The sum's order is fixed by the length: every level gives the
        // baseline's bits, and finite inputs stay close to the f64 sum.
        let finite = random_vec::<E>(&mut rng(len as u64), len);
        let got = dispatch_at(
            level,
            #[inline(always)]
            || sum_blocks(&finite),
        );
        let baseline = sum_blocks(&finite);
        assert_same_bits(&[got.unwrap()], &[baseline], &at("sum"));
        assert_close(&[baseline], &[sum_naive(&finite)], tol::<E>(), &at("sum"));
        let got = dispatch_at(
            level,
            #[inline(always)]
            || sum_blocks(&x),
        );
        assert!(got.unwrap().is_nan() == (len > 3), "{}", at("sum with NaN"));
    }
    true
}

#[test]
fn every_simd_level_matches_the_naive_twins() {
    let mut ran = 0;
    for level in Level::ALL {
        ran += usize::from(bodies_match_naive_at::<f32>(level));
        bodies_match_naive_at::<f64>(level);
    }
    assert!(ran >= 1);
}

#[test]
fn sum_does_not_depend_on_the_thread_count() {
    for len in [
        PARALLEL_THRESHOLD,
        3 * PARALLEL_THRESHOLD + 1000,
        40 * SUM_BLOCK + 7,
    ] {
        let x = random_vec::<f32>(&mut rng(len as u64), len);
        let serial = sum_blocks(&x);
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got = pool.install(|| sum(&x));
            assert_eq!(
                got.to_bits(),
                serial.to_bits(),
                "len {len}, {threads} threads"
            );
        }
    }
}
