//! The summary a model with a declared input shape prints: computed by the
//! compiler (each layer's output type), like torchinfo's.

use kiln::prelude::*;

/// LeNet-5 as in PyTorch's tutorials; torchinfo.summary(model, (1, 1, 28,
/// 28)) gives the same output shapes and counts (61,706 parameters: 156 +
/// 2,416 + 48,120 + 10,164 + 850).
#[test]
fn lenet_summary_is_torchinfos() {
    let net = sequential![
        input (1, 28, 28);
        Conv2d(1, 6, 5, padding = 2),
        ReLU,
        MaxPool2d(2),
        Conv2d(6, 16, 5),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(400, 120),
        ReLU,
        Linear(120, 84),
        ReLU,
        Linear(84, 10),
    ];
    let expected = "\
=======================================
Layer (type)   Output shape     Param #
=======================================
Input          [*, 1, 28, 28]        --
(0) Conv2d     [*, 6, 28, 28]       156
(1) ReLU       [*, 6, 28, 28]        --
(2) MaxPool2d  [*, 6, 14, 14]        --
(3) Conv2d     [*, 16, 10, 10]    2,416
(4) ReLU       [*, 16, 10, 10]       --
(5) MaxPool2d  [*, 16, 5, 5]         --
(6) Flatten    [*, 400]              --
(7) Linear     [*, 120]          48,120
(8) ReLU       [*, 120]              --
(9) Linear     [*, 84]           10,164
(10) ReLU      [*, 84]               --
(11) Linear    [*, 10]              850
=======================================
Total params: 61,706
Trainable params: 61,706
Non-trainable params: 0
Params size (MB): 0.25
=======================================";
    assert_eq!(net.summary().to_string(), expected);
    assert_eq!(net.summary().total_params(), net.num_parameters());

    // The shapes are those forward computes.
    let x =
        Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(3), U1::new(), U28::new(), U28::new())).unwrap();
    assert_eq!(net.forward(x).dims().as_slice(), &[3, 10]);
}

/// Frozen parameters are counted apart, as torchinfo's "Non-trainable".
#[test]
fn frozen_parameters_are_non_trainable() {
    let net = sequential![input (8); Linear(8, 4), ReLU, Linear(4, 2, bias = false)];
    net.layers().0.requires_grad_(false);
    let summary = net.summary();
    assert_eq!(summary.total_params(), 8 * 4 + 4 + 4 * 2);
    assert_eq!(summary.trainable_params(), 4 * 2);
    let text = summary.to_string();
    assert!(text.contains("\nNon-trainable params: 36\n"), "{text}");
}

/// A sequential built without an input shape gives its summary for one.
#[test]
fn summary_for_a_given_input() {
    let net = sequential![
        Conv2d(3, 8, 3, stride = 2, padding = 1),
        ReLU,
        AdaptiveAvgPool2d(1),
        Flatten
    ];
    let summary = net.summary_for::<(Dyn, U3, U32, U32)>();
    let shapes: Vec<&str> = summary.rows.iter().map(|r| r.output.as_str()).collect();
    assert_eq!(
        shapes,
        ["[*, 8, 16, 16]", "[*, 8, 16, 16]", "[*, 8, 1, 1]", "[*, 8]"]
    );
    assert_eq!(summary.rows[0].params, 8 * 3 * 9 + 8);
}
