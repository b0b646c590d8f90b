//! The layer types [`DynLayer`] runs beyond Linear/Conv2d/MaxPool2d:
//! PyTorch's printout, parameter shapes, output shapes and values (printouts,
//! shapes and activation values from PyTorch 2.15).

use super::{DynLayer, LayerOptions, OptValue};
use crate::nn::{DynForward, ModuleExt};
use crate::ops::{
    AvgPool2dOptions, Conv1dOptions, ConvPadding, ConvTranspose2dOptions, avg_pool2d,
    conv_transpose2d, conv1d,
};
use crate::{DynTensor, rng};

fn input(shape: &[usize]) -> DynTensor {
    let n = shape.iter().product::<usize>();
    let data = (0..n)
        .map(|i| ((i * 37 % 23) as f32 - 11.0) / 7.0)
        .collect();
    DynTensor::from_vec(data, shape).unwrap()
}

fn shapes(layer: &DynLayer) -> Vec<Vec<usize>> {
    layer
        .named_parameters()
        .iter()
        .map(|(_, p)| p.shape().to_vec())
        .collect()
}

fn assert_close(a: &DynTensor, b: &DynTensor) {
    assert_eq!(a.shape(), b.shape());
    for (x, y) in a.to_vec().iter().zip(b.to_vec()) {
        assert!((x - y).abs() <= 1e-6 * (1.0 + y.abs()), "{x} vs {y}");
    }
}

#[test]
fn conv_transpose2d_runs_with_pytorch_shapes_and_init() {
    let o = LayerOptions::new()
        .with("in_channels", 4)
        .with("out_channels", 6)
        .with("kernel_size", 3)
        .with("stride", 2)
        .with("padding", 1)
        .with("output_padding", 1)
        .with("groups", 2);
    let layer = DynLayer::new("ConvTranspose2d", &o).unwrap();
    assert_eq!(
        layer.to_string(),
        "ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)"
    );
    assert_eq!(shapes(&layer), [vec![4, 3, 3, 3], vec![6]]);
    let x = input(&[1, 4, 5, 5]);
    let y = layer.forward_dyn(&x).unwrap();
    assert_eq!(y.shape(), &[1, 6, 10, 10]);
    let options = ConvTranspose2dOptions::default()
        .stride(2)
        .padding(1)
        .output_padding(1)
        .groups(2);
    let want = conv_transpose2d(
        &x,
        layer.weight().unwrap(),
        layer.bias().map(|b| &**b),
        options,
    );
    assert_close(&y, &want.unwrap());
}

#[test]
fn conv_transpose2d_fan_in_is_read_from_its_weight_like_pytorch() {
    // Weight [8, 2, 1, 1]: PyTorch's fan-in is 2 (dim 1), bound 1/√2; the
    // in_channels-based fan-in (8) would bound everything by 1/√8.
    let o = LayerOptions::new()
        .with("in_channels", 8)
        .with("out_channels", 2)
        .with("kernel_size", 1);
    let layer = rng::fork_rng(3, || DynLayer::new("ConvTranspose2d", &o).unwrap());
    let bound = 1.0 / 2f32.sqrt();
    for p in [layer.weight().unwrap(), layer.bias().unwrap()] {
        let values = p.to_vec();
        assert!(values.iter().all(|v| v.abs() <= bound));
        assert!(
            values.iter().any(|v| v.abs() > 1.0 / 8f32.sqrt()),
            "{values:?}"
        );
    }
}

#[test]
fn conv1d_runs_with_same_padding_and_tuple_sizes() {
    let same = LayerOptions::new()
        .with("in_channels", 4)
        .with("out_channels", 6)
        .with("kernel_size", 3)
        .with("padding", "same")
        .with("dilation", 2);
    let layer = DynLayer::new("Conv1d", &same).unwrap();
    assert_eq!(
        layer.to_string(),
        "Conv1d(4, 6, kernel_size=(3,), stride=(1,), padding=same, dilation=(2,))"
    );
    assert_eq!(shapes(&layer), [vec![6, 4, 3], vec![6]]);
    let x = input(&[2, 4, 7]);
    let y = layer.forward_dyn(&x).unwrap();
    let options = Conv1dOptions::default()
        .padding_mode(ConvPadding::Same)
        .dilation(2);
    let want = conv1d(
        &x,
        layer.weight().unwrap(),
        layer.bias().map(|b| &**b),
        options,
    );
    assert_eq!(y.shape(), &[2, 6, 7]);
    assert_close(&y, &want.unwrap());

    let strided = LayerOptions::new()
        .with("in_channels", 4)
        .with("out_channels", 6)
        .with("kernel_size", OptValue::Tuple(vec![3.into()]))
        .with("stride", 2);
    let layer = DynLayer::new("Conv1d", &strided).unwrap();
    assert_eq!(
        layer.forward_dyn(&input(&[2, 4, 9])).unwrap().shape(),
        &[2, 6, 4]
    );
    let bad = strided.clone().with("padding", "full");
    assert_eq!(
        DynLayer::new("Conv1d", &bad).err().unwrap().to_string(),
        "Conv1d: invalid padding: 'full' is not 'same', 'valid' or a size"
    );
}

#[test]
fn avg_pool2d_runs_with_every_option() {
    let o = LayerOptions::new()
        .with("kernel_size", 3)
        .with("stride", 2)
        .with("padding", 1)
        .with("ceil_mode", true)
        .with("count_include_pad", false);
    let layer = DynLayer::new("AvgPool2d", &o).unwrap();
    assert_eq!(
        layer.to_string(),
        "AvgPool2d(kernel_size=3, stride=2, padding=1)"
    );
    let x = input(&[1, 2, 6, 6]);
    let y = layer.forward_dyn(&x).unwrap();
    assert_eq!(y.shape(), &[1, 2, 4, 4]);
    let options = AvgPool2dOptions::new(3)
        .stride(2)
        .padding(1)
        .ceil_mode(true)
        .count_include_pad(false);
    assert_close(&y, &avg_pool2d(&x, options).unwrap());
    let divided = DynLayer::new("AvgPool2d", &o.clone().with("divisor_override", 5)).unwrap();
    let options = options.divisor_override(Some(5));
    assert_close(
        &divided.forward_dyn(&x).unwrap(),
        &avg_pool2d(&x, options).unwrap(),
    );
}

#[test]
fn adaptive_avg_pool2d_keeps_a_none_side() {
    let o = LayerOptions::new().with(
        "output_size",
        OptValue::Tuple(vec![OptValue::None, 3.into()]),
    );
    let layer = DynLayer::new("AdaptiveAvgPool2d", &o).unwrap();
    assert_eq!(
        layer.to_string(),
        "AdaptiveAvgPool2d(output_size=(None, 3))"
    );
    assert_eq!(
        layer.forward_dyn(&input(&[1, 2, 5, 7])).unwrap().shape(),
        &[1, 2, 5, 3]
    );
    let square = DynLayer::new(
        "AdaptiveAvgPool2d",
        &LayerOptions::new().with("output_size", 1),
    );
    let y = square.unwrap().forward_dyn(&input(&[1, 1, 2, 2])).unwrap();
    assert_eq!(y.shape(), &[1, 1, 1, 1]);
}

#[test]
fn activations_compute_pytorch_values() {
    let x = DynTensor::from_vec(vec![-2.0, -0.5, 0.0, 0.5, 3.0], &[5]).unwrap();
    let cases: [(&str, LayerOptions, &str, [f32; 5]); 6] = [
        (
            "LeakyReLU",
            LayerOptions::new().with("negative_slope", 0.2),
            "LeakyReLU(negative_slope=0.2)",
            [-0.4, -0.1, 0.0, 0.5, 3.0],
        ),
        (
            "ELU",
            LayerOptions::new().with("alpha", 2),
            "ELU(alpha=2)",
            [-1.7293295, -0.7869387, 0.0, 0.5, 3.0],
        ),
        (
            "GELU",
            LayerOptions::new().with("approximate", "tanh"),
            "GELU(approximate='tanh')",
            [-0.0454023, -0.154286, 0.0, 0.345714, 2.9963627],
        ),
        (
            "SiLU",
            LayerOptions::new(),
            "SiLU()",
            [-0.2384058, -0.1887703, 0.0, 0.3112297, 2.8577225],
        ),
        (
            "Softplus",
            LayerOptions::new().with("beta", 2).with("threshold", 1),
            "Softplus(beta=2, threshold=1)",
            [0.009075, 0.1566308, 0.3465736, 0.6566308, 3.0],
        ),
        (
            "Hardtanh",
            LayerOptions::new().with("min_val", -1).with("max_val", 2),
            "Hardtanh(min_val=-1, max_val=2)",
            [-1.0, -0.5, 0.0, 0.5, 2.0],
        ),
    ];
    for (name, options, repr, want) in cases {
        let layer = DynLayer::new(name, &options).unwrap();
        assert_eq!(layer.to_string(), repr);
        let got = layer.forward_dyn(&x).unwrap().to_vec();
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= 2e-6, "{name}: {got:?} vs {want:?}");
        }
    }
}

#[test]
fn bad_activation_options_are_errors_naming_them() {
    let err = |name: &str, o: LayerOptions| DynLayer::new(name, &o).err().unwrap().to_string();
    assert_eq!(
        err("GELU", LayerOptions::new().with("approximate", "erf")),
        "GELU: invalid approximate: 'erf' is not 'none' or 'tanh'"
    );
    assert_eq!(
        err(
            "Hardtanh",
            LayerOptions::new().with("min_val", 1).with("max_val", 1)
        ),
        "Hardtanh: invalid max_val: 1 must be greater than min_val (1)"
    );
    assert_eq!(
        err("ELU", LayerOptions::new().with("alpha", "big")),
        "ELU: invalid alpha: 'big' is not a number"
    );
}

#[test]
fn a_linear_layer_without_inputs_builds_like_pytorch() {
    // PyTorch allows in_features=0 (an empty weight, a zero bias).
    let o = LayerOptions::new()
        .with("in_features", 0)
        .with("out_features", 3);
    let layer = DynLayer::new("Linear", &o).unwrap();
    assert_eq!(shapes(&layer), [vec![3, 0], vec![3]]);
    assert_eq!(layer.bias().unwrap().to_vec(), [0.0; 3]);
}
