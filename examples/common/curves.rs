//! The training curves `--plot` draws: the loss averaged over every 10
//! steps and the held-out error after each epoch, both against epochs.

use super::plot;
use std::path::{Path, PathBuf};

#[derive(Default)]
pub struct Curves {
    window: Vec<f64>,
    steps: usize,
    loss: Vec<(f64, f64)>,
    /// (epoch, 1 - score / 100) after each epoch.
    pub test_error: Vec<(f64, f64)>,
}

impl Curves {
    /// Records one step's loss.
    pub fn step(&mut self, loss: f64, steps_per_epoch: usize) {
        self.window.push(loss);
        self.steps += 1;
        if self.window.len() == 10 {
            let epoch = self.steps as f64 / steps_per_epoch.max(1) as f64;
            self.loss
                .push((epoch, self.window.iter().sum::<f64>() / 10.0));
            self.window.clear();
        }
    }

    /// Writes `stem.svg` and `stem.png`; `error_name` labels the second curve.
    pub fn write(&self, stem: &Path, error_name: &str) -> plot::PlotResult<(PathBuf, PathBuf)> {
        let series = [
            plot::Series {
                name: "training loss (mean of 10 steps)".into(),
                points: self.loss.clone(),
            },
            plot::Series {
                name: format!("{error_name} (fraction)"),
                points: self.test_error.clone(),
            },
        ];
        plot::write(
            stem,
            &plot::Chart {
                title: "Training curves",
                x_desc: "epoch",
                y_desc: "loss / error",
                series: &series,
                y_max: None,
            },
        )
    }
}
