//! `nn.Dropout2d` in training mode, proven on the layer itself: with a
//! seeded generator the zeroed channels are exactly the ones the draws
//! say, each kept channel is the input times exactly `1 / (1 - p)`, whole
//! channels go together, the gradient is the same mask, and over many
//! channels the zeroed share is `p`. A layer that returned its input, or
//! zeroed elements one by one, fails every test here.

use kiln::nn::{Dropout, Dropout2d, DynForward, ModuleExt};
use kiln::{DynTensor, GlobalRng, fork_rng};
use rand::{Rng, SeedableRng};

/// Distinct, non-zero values, so a kept channel cannot pass by accident.
fn input(shape: &[usize]) -> DynTensor {
    let n: usize = shape.iter().product();
    let data = (0..n).map(|i| 1.0 + (i % 97) as f32 * 0.013).collect();
    DynTensor::from_vec(data, shape).unwrap()
}

/// The channel mask the layer must draw: the generator seeded like
/// `fork_rng(seed, ..)`, one uniform draw per channel, zeroed when `< p`.
fn expected_kept(seed: u64, channels: usize, p: f64) -> Vec<bool> {
    let mut rng = GlobalRng::seed_from_u64(seed);
    (0..channels).map(|_| rng.random::<f64>() >= p).collect()
}

fn check_channels(x: &DynTensor, y: &[f32], kept: &[bool], plane: usize, p: f64) {
    let scale = (1.0 / (1.0 - p)) as f32;
    let x = x.to_vec();
    for (c, &keep) in kept.iter().enumerate() {
        let (xs, ys) = (&x[c * plane..][..plane], &y[c * plane..][..plane]);
        for (i, (&xv, &yv)) in xs.iter().zip(ys).enumerate() {
            let want = if keep { xv * scale } else { 0.0 };
            assert_eq!(yv, want, "channel {c}, element {i} (kept: {keep})");
        }
    }
}

#[test]
fn dropout2d_zeroes_exactly_the_drawn_channels_and_scales_the_rest() {
    let p = 0.4;
    let layer = Dropout2d::new(p).unwrap();
    let x = input(&[3, 5, 4, 4]).requires_grad_(true);
    let y = fork_rng(21, || layer.forward_dyn(&x).unwrap());
    let kept = expected_kept(21, 15, p);
    assert!(kept.contains(&true) && kept.contains(&false), "{kept:?}");
    check_channels(&x, &y.to_vec(), &kept, 16, p);

    // The gradient of sum(y) is the same mask: 1/(1-p) or 0 per channel.
    y.sum().backward().unwrap();
    let ones = DynTensor::from_vec(vec![1.0; 240], &[3, 5, 4, 4]).unwrap();
    check_channels(&ones, &x.grad().unwrap(), &kept, 16, p);
}

#[test]
fn dropout2d_reads_a_3d_input_as_batch_channels_length_like_pytorch() {
    // PyTorch 2 reads (N, C, L): each of the N·C rows is one channel.
    let p = 0.5;
    let x = input(&[2, 3, 4]);
    let y = fork_rng(8, || Dropout2d::new(p).unwrap().forward_dyn(&x).unwrap());
    check_channels(&x, &y.to_vec(), &expected_kept(8, 6, p), 4, p);
}

#[test]
fn dropout2d_zeroes_a_share_p_of_many_channels() {
    let p = 0.3;
    let (channels, plane) = (8000, 4);
    let x = input(&[10, channels / 10, 2, 2]);
    let y = fork_rng(3, || Dropout2d::new(p).unwrap().forward_dyn(&x).unwrap());
    let y = y.to_vec();
    let x = x.to_vec();
    let mut zeroed = 0;
    for c in 0..channels {
        let ys = &y[c * plane..][..plane];
        if ys.iter().all(|&v| v == 0.0) {
            zeroed += 1;
        } else {
            let scale = (1.0 / (1.0 - p)) as f32;
            for (yv, xv) in ys.iter().zip(&x[c * plane..][..plane]) {
                assert_eq!(
                    *yv,
                    xv * scale,
                    "channel {c} is partly zeroed or badly scaled"
                );
            }
        }
    }
    // Binomial(8000, 0.3): standard deviation 41 channels; 5 sigma is 205.
    let share = zeroed as f64 / channels as f64;
    assert!((share - p).abs() < 205.0 / 8000.0, "zeroed share {share}");
}

#[test]
fn dropout2d_is_the_identity_in_eval_mode_and_at_p_0() {
    let x = input(&[2, 3, 2, 2]);
    let mut layer = Dropout2d::new(0.9).unwrap();
    layer.eval();
    assert_eq!(layer.forward_dyn(&x).unwrap().to_vec(), x.to_vec());
    let zero = Dropout2d::new(0.0).unwrap();
    assert_eq!(zero.forward_dyn(&x).unwrap().to_vec(), x.to_vec());
    let all = Dropout2d::new(1.0).unwrap();
    assert!(
        all.forward_dyn(&x)
            .unwrap()
            .to_vec()
            .iter()
            .all(|&v| v == 0.0)
    );
}

#[test]
fn dropout_zeroes_elements_one_by_one_with_the_drawn_mask() {
    let p = 0.25;
    let x = input(&[6, 7]);
    let y = fork_rng(4, || Dropout::new(p).unwrap().forward_dyn(&x).unwrap());
    check_channels(&x, &y.to_vec(), &expected_kept(4, 42, p), 1, p);
}
