//! Timing one closure over warm-up and measured steps, and the row it gives.

use super::alloc;
use cpu_time::ProcessTime;
use serde_json::{Value, json};
use std::time::Instant;

/// How many steps to run before timing and how many to time.
#[derive(Clone, Copy, Debug)]
pub struct Steps {
    /// Untimed steps first (caches, lazily allocated state, page faults).
    pub warmup: usize,
    /// Timed steps; the row reports their median, min and max.
    pub timed: usize,
}

/// One workload's result, as printed in the table and in `--json`.
#[derive(Clone, Debug)]
pub struct Row {
    /// Workload id from WORKLOADS.md.
    pub id: &'static str,
    /// Size of the rayon pool the workload ran in.
    pub threads: usize,
    /// Median, min and max of the timed steps, in microseconds.
    pub median_us: f64,
    /// Fastest step.
    pub min_us: f64,
    /// Slowest step.
    pub max_us: f64,
    /// Heap allocations (and reallocations) per timed step, averaged.
    pub allocs_per_step: f64,
    /// Process CPU time (all threads, user + system) per timed step, in
    /// microseconds: steadier than wall time on a loaded machine.
    pub cpu_us_per_step: f64,
    /// Extra fields for the JSON object (optimizer, losses, GFLOP/s...).
    pub extra: Vec<(&'static str, Value)>,
}

impl Row {
    /// The JSON object for this row (without its id, which keys it).
    pub fn json(&self) -> Value {
        let mut v = json!({
            "threads": self.threads,
            "median_us": round2(self.median_us),
            "min_us": round2(self.min_us),
            "max_us": round2(self.max_us),
            "allocs_per_step": round2(self.allocs_per_step),
            "cpu_us_per_step": round2(self.cpu_us_per_step),
        });
        for (k, x) in &self.extra {
            v[*k] = x.clone();
        }
        v
    }

    /// A value from `extra`, if there.
    pub fn extra(&self, key: &str) -> Option<&Value> {
        self.extra.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// What [`time_steps`] measured.
pub struct Timing {
    /// Wall time of each timed step (µs), sorted.
    pub sorted_us: Vec<f64>,
    /// Heap allocations per timed step.
    pub allocs_per_step: f64,
    /// Process CPU time per timed step (µs).
    pub cpu_us_per_step: f64,
}

/// Runs `step` `warmup + timed` times and measures the timed steps.
pub fn time_steps(steps: Steps, mut step: impl FnMut()) -> Timing {
    for _ in 0..steps.warmup {
        step();
    }
    let mut times = Vec::with_capacity(steps.timed);
    let before = alloc::snapshot();
    let cpu = ProcessTime::now();
    for _ in 0..steps.timed {
        let t = Instant::now();
        step();
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let cpu = cpu.elapsed().as_secs_f64() * 1e6;
    let allocs = alloc::snapshot().allocs_since(&before) as f64;
    times.sort_by(f64::total_cmp);
    let per_step = |x: f64| x / steps.timed.max(1) as f64;
    Timing {
        sorted_us: times,
        allocs_per_step: per_step(allocs),
        cpu_us_per_step: per_step(cpu),
    }
}

/// A row from a timing.
pub fn row(id: &'static str, threads: usize, t: &Timing) -> Row {
    let sorted_us = &t.sorted_us;
    let n = sorted_us.len();
    let median = if n % 2 == 1 {
        sorted_us[n / 2]
    } else {
        (sorted_us[n / 2 - 1] + sorted_us[n / 2]) / 2.0
    };
    Row {
        id,
        threads,
        median_us: median,
        min_us: sorted_us[0],
        max_us: sorted_us[n - 1],
        allocs_per_step: t.allocs_per_step,
        cpu_us_per_step: t.cpu_us_per_step,
        extra: Vec::new(),
    }
}
