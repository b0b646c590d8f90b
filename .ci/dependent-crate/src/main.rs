//! The README's first snippet, as a user's binary: builds the MLP, prints
//! it as PyTorch does, and trains it on a fixed synthetic batch until the
//! loss has fallen. Exits non-zero if any of that fails.

use kiln::prelude::*;

fn main() -> kiln::Result<()> {
    manual_seed(0);
    let model = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let printed = model.to_string();
    let pytorch = "Sequential(\n  (0): Linear(in_features=784, out_features=256, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=256, out_features=10, bias=True)\n)";
    assert_eq!(printed, pytorch, "the printout is PyTorch's");
    println!("{model}");

    let x = Tensor::<(Dyn, U784)>::randn((Dyn(64), U784::default()))?;
    let labels: Vec<i64> = (0..64).map(|i| i % 10).collect();
    let y = Tensor::<(Dyn,), i64>::from_vec(labels, (Dyn(64),))?;
    let options = SgdOptions {
        lr: 0.01,
        momentum: 0.9,
        ..Default::default()
    };
    let mut opt = SGD::new(model.parameters(), options)?;
    let criterion = CrossEntropyLoss::new();
    let mut losses = Vec::new();
    for _ in 0..30 {
        opt.zero_grad();
        let out = model.forward(x.clone());
        let loss = criterion.forward(out, y.clone())?;
        loss.backward()?;
        opt.step()?;
        losses.push(loss.item());
    }
    let (first, last) = (losses[0], losses[losses.len() - 1]);
    assert!(last < 0.5 * first, "the model trains: {losses:?}");
    println!("dependent crate: loss {first:.4} -> {last:.4} in 30 SGD steps");
    Ok(())
}
