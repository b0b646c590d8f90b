//! The per-epoch summary every training example prints: a header once,
//! then one right-aligned row per epoch as it ends.

/// What one epoch did.
pub struct EpochRow {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss over the epoch's steps.
    pub train_loss: f64,
    /// The task's held-out score after the epoch, in percent.
    pub score: f64,
    /// Training samples per second (training steps only, not evaluation).
    pub samples_per_sec: f64,
    /// Wall time of the epoch, evaluation included.
    pub seconds: f64,
}

/// Column titles; each column is as wide as its title, at least 8.
pub struct EpochTable {
    titles: [&'static str; 5],
}

impl EpochTable {
    /// A table whose score column is titled `score_title` (e.g. "test accuracy").
    pub fn new(score_title: &'static str) -> Self {
        EpochTable {
            titles: ["epoch", "train loss", score_title, "samples/s", "seconds"],
        }
    }

    fn width(&self, column: usize) -> usize {
        self.titles[column].len().max(8)
    }

    fn line(&self, cells: [String; 5]) -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, cell)| format!("{cell:>w$}", w = self.width(i)))
            .collect::<Vec<_>>()
            .join("  ")
    }

    /// The header line.
    pub fn header(&self) -> String {
        self.line(self.titles.map(String::from))
    }

    /// One epoch's line, aligned under the header.
    pub fn row(&self, r: &EpochRow) -> String {
        self.line([
            r.epoch.to_string(),
            format!("{:.4}", r.train_loss),
            format!("{:.2}%", r.score),
            format!("{:.0}", r.samples_per_sec),
            format!("{:.1}", r.seconds),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_line_up_under_the_header() {
        let table = EpochTable::new("sequence accuracy");
        let row = table.row(&EpochRow {
            epoch: 12,
            train_loss: 0.123456,
            score: 93.4,
            samples_per_sec: 1234.4,
            seconds: 9.96,
        });
        assert_eq!(
            table.header(),
            "   epoch  train loss  sequence accuracy  samples/s   seconds"
        );
        assert_eq!(
            row,
            "      12      0.1235             93.40%       1234      10.0"
        );
    }
}
