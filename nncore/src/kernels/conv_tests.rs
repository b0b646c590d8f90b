//! Tests of the convolution kernels against their naive twins and against
//! values worked out by hand (the same PyTorch gives).

use super::conv::*;
use super::naive::*;
use super::testutil::{assert_close, random_vec, rng, tol};
use crate::Element;

#[allow(clippy::too_many_arguments)]
fn geom(
    batch: usize,
    cin: usize,
    cout: usize,
    h: usize,
    w: usize,
    kh: usize,
    kw: usize,
    (sh, sw): (usize, usize),
    (ph, pw): (usize, usize),
    (dh, dw): (usize, usize),
    groups: usize,
) -> Conv2dGeometry {
    Conv2dGeometry {
        batch,
        in_channels: cin,
        out_channels: cout,
        in_h: h,
        in_w: w,
        kernel_h: kh,
        kernel_w: kw,
        stride_h: sh,
        stride_w: sw,
        pad_h: ph,
        pad_w: pw,
        dilation_h: dh,
        dilation_w: dw,
        groups,
    }
}

fn cases() -> Vec<Conv2dGeometry> {
    vec![
        geom(1, 1, 1, 1, 1, 1, 1, (1, 1), (0, 0), (1, 1), 1), // everything 1
        geom(2, 3, 4, 5, 7, 3, 3, (1, 1), (1, 1), (1, 1), 1), // odd sizes, "same" padding
        geom(3, 4, 6, 8, 9, 3, 2, (2, 3), (1, 0), (1, 1), 2), // strides, groups
        geom(2, 2, 3, 9, 8, 3, 3, (1, 2), (2, 1), (2, 3), 1), // dilation + padding
        geom(4, 6, 6, 5, 5, 1, 1, (1, 1), (0, 0), (2, 2), 3), // pointwise path, groups
        geom(2, 3, 5, 4, 6, 1, 1, (2, 1), (0, 0), (1, 1), 1), // 1x1 but strided: unfolds
        geom(1, 2, 2, 3, 3, 5, 5, (1, 1), (1, 1), (1, 1), 1), // kernel = padded input
        geom(1, 8, 8, 10, 10, 3, 3, (1, 1), (1, 1), (1, 1), 4), // batch 1
        geom(6, 8, 16, 12, 11, 3, 3, (1, 1), (1, 1), (1, 1), 1), // above the parallel threshold
        geom(5, 16, 16, 9, 9, 1, 1, (1, 1), (0, 0), (1, 1), 1), // pointwise, parallel
        // Stride 1 with no more output than input channels: the input
        // gradient runs as a transposed convolution.
        geom(2, 4, 3, 6, 5, 3, 3, (1, 1), (1, 1), (1, 1), 1),
        geom(2, 6, 4, 7, 6, 3, 3, (1, 1), (1, 1), (1, 1), 2), // groups
        geom(1, 4, 2, 9, 8, 3, 2, (1, 1), (2, 1), (2, 1), 1), // dilation, uneven padding
        geom(3, 3, 3, 8, 8, 5, 5, (1, 1), (0, 0), (1, 1), 1), // transpose would pad by 4: folds
        // Few input channels, the lenet shapes (1 -> 6 with padding 2, 6 -> 16).
        geom(2, 1, 6, 12, 12, 5, 5, (1, 1), (2, 2), (1, 1), 1),
        geom(2, 6, 16, 9, 9, 5, 5, (1, 1), (0, 0), (1, 1), 1),
        // At least 16 input channels per group with stride 1: shifted
        // products (and their input gradient, when the output has 16 too).
        geom(3, 16, 5, 7, 9, 3, 3, (1, 1), (1, 1), (1, 1), 1), // odd sizes
        geom(2, 16, 16, 20, 20, 3, 3, (1, 1), (0, 1), (1, 1), 1), // uneven padding
        geom(3, 32, 32, 5, 6, 3, 2, (1, 1), (2, 1), (2, 1), 2), // dilation, groups
        geom(2, 16, 6, 10, 10, 5, 5, (1, 1), (4, 4), (1, 1), 1), // padding = reach
        geom(1, 16, 16, 1, 1, 1, 1, (1, 1), (0, 0), (1, 1), 1), // pointwise: not shifted
        geom(9, 16, 20, 12, 11, 3, 3, (1, 1), (1, 1), (1, 1), 1), // parallel chunks
        geom(25, 16, 4, 12, 12, 3, 3, (1, 1), (1, 1), (1, 1), 1), // several chunks
        geom(2, 16, 4, 8, 8, 3, 3, (1, 1), (2, 2), (1, 1), 1), // padding > reach: im2col
        // Fewer: direct sums (several blocks and a tail; in parallel).
        geom(3, 2, 5, 20, 19, 3, 3, (1, 1), (1, 1), (1, 1), 1),
        geom(8, 3, 8, 16, 16, 3, 3, (1, 1), (1, 1), (1, 1), 1),
        geom(2, 4, 12, 9, 9, 3, 3, (1, 1), (1, 1), (1, 1), 2), // groups of 6 out
    ]
}

fn agree<E: Element>(seed: u64) {
    let mut r = rng(seed);
    for g in cases() {
        g.validate().unwrap();
        let x = random_vec::<E>(&mut r, g.input_len());
        let w = random_vec::<E>(&mut r, g.weight_len());
        let b = random_vec::<E>(&mut r, g.out_channels);
        let gy = random_vec::<E>(&mut r, g.output_len());
        let t = tol::<E>();
        for bias in [None, Some(&b[..])] {
            let (mut y1, mut y2) = (
                vec![E::nan(); g.output_len()],
                vec![E::nan(); g.output_len()],
            );
            conv2d_forward(&g, &x, &w, bias, &mut y1);
            conv2d_forward_naive(&g, &x, &w, bias, &mut y2);
            assert_close(&y1, &y2, t, &format!("forward {g:?}"));
        }
        let (mut gx1, mut gx2) = (vec![E::nan(); g.input_len()], vec![E::nan(); g.input_len()]);
        conv2d_backward_input(&g, &gy, &w, &mut gx1);
        conv2d_backward_input_naive(&g, &gy, &w, &mut gx2);
        assert_close(&gx1, &gx2, t, &format!("backward_input {g:?}"));
        // Accumulates: start both from the same non-zero values.
        let gw0 = random_vec::<E>(&mut r, g.weight_len());
        let (mut gw1, mut gw2) = (gw0.clone(), gw0);
        conv2d_backward_weight(&g, &x, &gy, &mut gw1);
        conv2d_backward_weight_naive(&g, &x, &gy, &mut gw2);
        assert_close(&gw1, &gw2, t, &format!("backward_weight {g:?}"));
        let (mut gb1, mut gb2) = (b.clone(), b.clone());
        conv2d_backward_bias(&g, &gy, &mut gb1);
        conv2d_backward_bias_naive(&g, &gy, &mut gb2);
        assert_close(&gb1, &gb2, t, &format!("backward_bias {g:?}"));
    }
}

#[test]
fn conv_agrees_with_naive() {
    agree::<f32>(31);
    agree::<f64>(32);
}

#[test]
fn the_workloads_take_the_paths_meant_for_them() {
    use super::{conv_direct, conv_shifted};
    let lenet1 = geom(64, 1, 6, 28, 28, 5, 5, (1, 1), (2, 2), (1, 1), 1);
    let lenet2 = geom(64, 6, 16, 14, 14, 5, 5, (1, 1), (0, 0), (1, 1), 1);
    let cnn1 = geom(32, 3, 32, 32, 32, 3, 3, (1, 1), (1, 1), (1, 1), 1);
    let cnn2 = geom(32, 32, 32, 32, 32, 3, 3, (1, 1), (1, 1), (1, 1), 1);
    assert!(conv_direct::fits(&lenet1));
    // 32 output channels: gemm reuses each input load, im2col wins.
    assert!(!conv_direct::fits(&cnn1) && !conv_shifted::fits(&cnn1));
    // Without padding the grid would be 3.2x the output: im2col.
    assert!(!conv_direct::fits(&lenet2) && !conv_shifted::fits(&lenet2));
    // Its input gradient (padding 4) sits on the grid with no waste.
    assert!(conv_shifted::fits(
        &lenet2.input_gradient_as_conv().unwrap()
    ));
    assert!(conv_shifted::fits(&cnn2) && !conv_direct::fits(&cnn2));
}

#[test]
fn hand_computed_values() {
    // 3x3 image 1..9, 2x2 kernel of ones.
    let x: Vec<f64> = (1..=9).map(f64::from).collect();
    let w = [1.0; 4];
    let g = geom(1, 1, 1, 3, 3, 2, 2, (1, 1), (0, 0), (1, 1), 1);
    let mut y = [0.0; 4];
    conv2d_forward(&g, &x, &w, Some(&[0.5]), &mut y);
    assert_eq!(y, [12.5, 16.5, 24.5, 28.5]);
    // Padding 1, stride 2: windows at (-1,-1), (-1,1), (1,-1), (1,1).
    let g = geom(1, 1, 1, 3, 3, 2, 2, (2, 2), (1, 1), (1, 1), 1);
    conv2d_forward(&g, &x, &w, None, &mut y);
    assert_eq!(y, [1.0, 5.0, 11.0, 28.0]);
    conv2d_forward_naive(&g, &x, &w, None, &mut y);
    assert_eq!(y, [1.0, 5.0, 11.0, 28.0]);
    // Dilation 2 on a 3x3 kernel reads the corners and centre lines of 5x5.
    let g = geom(1, 1, 1, 5, 5, 3, 3, (1, 1), (0, 0), (2, 2), 1);
    let x: Vec<f64> = (0..25).map(f64::from).collect();
    let mut y = [0.0];
    conv2d_forward(&g, &x, &[1.0; 9], None, &mut y);
    assert_eq!(y, [(2 + 4 + 10 + 12 + 14 + 20 + 22 + 24) as f64]);
}

#[test]
fn geometry_sizes_and_validation() {
    let g = geom(1, 3, 8, 28, 28, 5, 5, (1, 1), (0, 0), (1, 1), 1);
    assert_eq!((g.out_h(), g.out_w()), (24, 24));
    let g = geom(1, 3, 8, 7, 8, 3, 3, (2, 3), (1, 1), (2, 1), 1);
    // (7 + 2 - 4 - 1)/2 + 1 = 3 ; (8 + 2 - 2 - 1)/3 + 1 = 3
    assert_eq!((g.out_h(), g.out_w()), (3, 3));
    assert!(
        geom(1, 3, 8, 7, 8, 3, 3, (1, 1), (0, 0), (1, 1), 2)
            .validate()
            .unwrap_err()
            .contains("groups")
    );
    assert!(
        geom(1, 3, 8, 2, 8, 5, 3, (1, 1), (1, 0), (1, 1), 1)
            .validate()
            .unwrap_err()
            .contains("larger")
    );
    assert!(
        geom(1, 3, 8, 7, 8, 3, 3, (0, 1), (0, 0), (1, 1), 1)
            .validate()
            .unwrap_err()
            .contains("stride_h")
    );
}

#[test]
#[should_panic(expected = "weight has")]
fn wrong_length_panics() {
    let g = geom(1, 1, 1, 3, 3, 2, 2, (1, 1), (0, 0), (1, 1), 1);
    conv2d_forward(&g, &[0.0f32; 9], &[0.0; 3], None, &mut [0.0; 4]);
}

#[test]
fn input_gradient_as_conv_only_for_stride_one_and_small_padding() {
    let g = geom(1, 4, 3, 6, 5, 3, 3, (1, 1), (1, 1), (1, 1), 1);
    let t = g.input_gradient_as_conv().unwrap();
    assert_eq!(
        (t.in_channels, t.out_channels, t.pad_h, t.pad_w),
        (3, 4, 1, 1)
    );
    assert_eq!((t.in_h, t.in_w, t.out_h(), t.out_w()), (6, 5, 6, 5));
    // Dilation 2 on a 3-tap kernel spans 5: padding 3 becomes 1.
    let g = geom(1, 4, 3, 9, 9, 3, 3, (1, 1), (3, 3), (2, 2), 1);
    assert_eq!(g.input_gradient_as_conv().unwrap().pad_h, 1);
    assert!(
        geom(1, 4, 3, 9, 9, 3, 3, (2, 1), (1, 1), (1, 1), 1)
            .input_gradient_as_conv()
            .is_none()
    );
    // Padding 3 on a 3-tap kernel: more than dilation * (kernel - 1).
    assert!(
        geom(1, 4, 3, 9, 9, 3, 3, (1, 1), (3, 3), (1, 1), 1)
            .input_gradient_as_conv()
            .is_none()
    );
}
