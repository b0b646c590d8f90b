//! Every learning-rate scheduler of `torch.optim.lr_scheduler` that Kiln
//! has, stepped once per epoch on an SGD optimizer (lr 0.1, momentum 0.9)
//! as a PyTorch training loop would, and drawn in one picture.
//!
//! | scheduler | settings |
//! | --- | --- |
//! | StepLR | step_size=30, gamma=0.1 |
//! | MultiStepLR | milestones=[30, 60, 80], gamma=0.5 |
//! | ExponentialLR | gamma=0.97 |
//! | CosineAnnealingLR | T_max=epochs, eta_min=0.001 |
//! | LinearLR | start_factor=0.1, end_factor=1.0, total_iters=20 (warm-up) |
//! | OneCycleLR | max_lr=0.1, total_steps=epochs |
//! | ReduceLROnPlateau | factor=0.5, patience=5, fed a loss that stops improving at epoch 30 |
//! | LambdaLR | linear warm-up over 10 epochs, then `sqrt(10 / (epoch + 1))` |
//!
//! ```text
//! cargo run --release --example lr_schedules                  # writes docs/img/lr_schedules.{svg,png}
//! cargo run --release --example lr_schedules -- --epochs 50 --out /tmp/lr
//! ```
//!
//! Text in the pictures needs a TrueType font (see examples/kiln-plot/src/lib.rs:
//! `KILN_PLOT_FONT`, else DejaVu/Liberation Sans). Ends with
//! `lr_schedules: 8 schedulers over N epochs, plot written to ...`.

use kiln_plot as plot;

use clap::Parser;
use kiln::nn::Parameter;
use kiln::optim::lr_scheduler::{
    CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, LrScheduler, MultiStepLR, OneCycleLR,
    OneCycleOptions, PlateauOptions, ReduceLROnPlateau, StepLR,
};
use kiln::optim::{LrGroups, SGD, SgdOptions};
use std::path::PathBuf;

#[derive(Parser, Debug)]
struct Args {
    /// Epochs to step every scheduler over.
    #[arg(long, default_value_t = 100)]
    epochs: usize,
    /// Where to write the picture: `OUT.svg` and `OUT.png`.
    #[arg(long, default_value = "docs/img/lr_schedules")]
    out: PathBuf,
}

/// A fresh optimizer over one dummy parameter: schedulers only read and
/// write its param groups' lr (and momentum, for OneCycleLR).
fn optimizer() -> kiln::Result<SGD> {
    SGD::new(
        vec![Parameter::new(vec![0.0], &[1])],
        SgdOptions {
            lr: 0.1,
            momentum: 0.9,
            ..Default::default()
        },
    )
}

/// The lr of each epoch: read it, `optimizer.step()`, `scheduler.step()`.
fn curve(
    epochs: usize,
    make: impl FnOnce(&mut SGD) -> kiln::Result<Box<dyn LrScheduler>>,
) -> kiln::Result<Vec<f64>> {
    let mut opt = optimizer()?;
    let mut sched = make(&mut opt)?;
    let mut lrs = Vec::with_capacity(epochs);
    for epoch in 0..epochs {
        lrs.push(opt.group_lr(0));
        opt.step()?;
        if epoch + 1 < epochs {
            sched.step(&mut opt)?;
        }
    }
    Ok(lrs)
}

/// The validation loss ReduceLROnPlateau watches: improving until epoch
/// 30, flat after.
fn plateau_loss(epoch: usize) -> f64 {
    0.3 + 0.7 * (-(epoch.min(30) as f64) / 10.0).exp()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let n = args.epochs;
    if n < 2 {
        return Err("--epochs must be at least 2".into());
    }
    let mut curves: Vec<(&str, Vec<f64>)> = vec![
        (
            "StepLR",
            curve(n, |o| Ok(Box::new(StepLR::new(o, 30, 0.1)?)))?,
        ),
        (
            "MultiStepLR",
            curve(n, |o| {
                Ok(Box::new(MultiStepLR::new(o, vec![30, 60, 80], 0.5)?))
            })?,
        ),
        (
            "ExponentialLR",
            curve(n, |o| Ok(Box::new(ExponentialLR::new(o, 0.97)?)))?,
        ),
        (
            "CosineAnnealingLR",
            curve(n, |o| Ok(Box::new(CosineAnnealingLR::new(o, n, 0.001)?)))?,
        ),
        (
            "LinearLR",
            curve(n, |o| Ok(Box::new(LinearLR::new(o, 0.1, 1.0, 20)?)))?,
        ),
        (
            "OneCycleLR",
            curve(n, |o| {
                let options = OneCycleOptions {
                    max_lr: vec![0.1],
                    total_steps: Some(n),
                    ..Default::default()
                };
                Ok(Box::new(OneCycleLR::new(o, options)?))
            })?,
        ),
    ];

    // ReduceLROnPlateau steps on a metric, so it has its own loop.
    let mut opt = optimizer()?;
    let mut plateau = ReduceLROnPlateau::new(
        &mut opt,
        PlateauOptions {
            factor: 0.5,
            patience: 5,
            ..Default::default()
        },
    )?;
    let mut lrs = Vec::with_capacity(n);
    for epoch in 0..n {
        lrs.push(opt.group_lr(0));
        opt.step()?;
        plateau.step(&mut opt, plateau_loss(epoch))?;
    }
    curves.push(("ReduceLROnPlateau", lrs));

    curves.push((
        "LambdaLR",
        curve(n, |o| {
            let warm_then_decay = |e: usize| {
                if e < 10 {
                    (e + 1) as f64 / 10.0
                } else {
                    (10.0 / (e + 1) as f64).sqrt()
                }
            };
            Ok(Box::new(LambdaLR::new(o, vec![Box::new(warm_then_decay)])?))
        })?,
    ));

    let marks = [0, n / 4, n / 2, 3 * n / 4, n - 1];
    print!("{:<18}", "epoch");
    for m in marks {
        print!("{m:>10}");
    }
    println!();
    for (name, lrs) in &curves {
        print!("{name:<18}");
        for m in marks {
            print!("{:>10.5}", lrs[m]);
        }
        println!();
    }

    let series: Vec<plot::Series> = curves
        .iter()
        .map(|(name, lrs)| plot::Series {
            name: name.to_string(),
            points: lrs
                .iter()
                .enumerate()
                .map(|(e, &lr)| (e as f64, lr))
                .collect(),
        })
        .collect();
    let (svg, png) = plot::write(
        &args.out,
        &plot::Chart {
            title: "Kiln learning-rate schedulers (SGD, lr=0.1)",
            x_desc: "epoch",
            y_desc: "learning rate",
            series: &series,
            y_max: None,
        },
    )?;
    println!(
        "lr_schedules: {} schedulers over {n} epochs, plot written to {} and {}",
        curves.len(),
        svg.display(),
        png.display()
    );
    Ok(())
}
