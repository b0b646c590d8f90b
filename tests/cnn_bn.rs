//! A small CNN with BatchNorm2d, Dropout and AdaptiveAvgPool2d, built with
//! `sequential!`, trained a few steps on the shipped MNIST subset in train
//! mode, then evaluated: eval output is deterministic and differs from the
//! train-mode output (batch statistics and dropout), and the running
//! statistics have moved.

use kiln::prelude::*;

#[test]
fn cnn_with_batch_norm_trains_then_evaluates_deterministically() -> kiln::Result<()> {
    manual_seed(0);
    let mut model = sequential![
        Conv2d(1, 8, 3, padding = 1),
        BatchNorm2d(8),
        ReLU,
        MaxPool2d(2),
        Dropout(0.25),
        AdaptiveAvgPool2d(1),
        Flatten,
        Linear(8, 10),
    ];
    assert_eq!(
        model.to_string(),
        "Sequential(\n  (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n  \
         (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)\n  \
         (2): ReLU()\n  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n  \
         (4): Dropout(p=0.25, inplace=False)\n  (5): AdaptiveAvgPool2d(output_size=1)\n  \
         (6): Flatten(start_dim=1, end_dim=-1)\n  (7): Linear(in_features=8, out_features=10, bias=True)\n)"
    );
    let keys: Vec<String> = model.state_dict().into_iter().map(|(k, _)| k).collect();
    assert!(
        keys.contains(&"1.num_batches_tracked".to_string()),
        "{keys:?}"
    );

    let train = Mnist::shipped_subset(Split::Train)?;
    let loader = DataLoader::new(train, 32)?.shuffle(true).seed(0);
    let mut opt = SGD::new(
        model.parameters(),
        SgdOptions {
            lr: 0.05,
            momentum: 0.9,
            ..Default::default()
        },
    )?;
    let criterion = CrossEntropyLoss::new();
    model.train();
    let steps = 4;
    for (x, y) in loader.iter().take(steps) {
        opt.zero_grad();
        let loss = criterion.forward(model.forward(x), y)?;
        assert!(loss.item().is_finite());
        loss.backward()?;
        opt.step()?;
    }
    let state = model.state_dict();
    let get = |key: &str| state.iter().find(|(k, _)| k == key).unwrap().1.to_vec();
    assert_eq!(get("1.num_batches_tracked"), vec![steps as f32]);
    assert!(
        get("1.running_mean").iter().any(|&m| m != 0.0),
        "running mean moved"
    );

    let (x, _) = loader.iter().next().expect("a batch");
    let train_out = no_grad(|| model.forward(x.clone())).to_vec();
    model.eval();
    let eval_a = no_grad(|| model.forward(x.clone())).to_vec();
    let eval_b = no_grad(|| model.forward(x)).to_vec();
    assert_eq!(eval_a, eval_b, "eval mode is deterministic");
    let diff = train_out
        .iter()
        .zip(&eval_a)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(
        diff > 1e-4,
        "train and eval outputs differ (max diff {diff})"
    );
    // The train-mode forward above counted a batch (as in PyTorch, even
    // under no_grad); the two eval-mode forwards did not.
    assert_eq!(get("1.num_batches_tracked"), vec![steps as f32 + 1.0]);
    Ok(())
}
