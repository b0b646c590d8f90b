//! The benchmark workloads of `shared/bench/WORKLOADS.md` (mlp, lenet, wide,
//! cnn, lstm, transformer, infer1, sgemm), timed in Kiln; `bench/torch_workloads.py` times the
//! same in PyTorch and `bench/compare.py` prints the ratios.
//!
//! ```text
//! cargo run --release --example bench -- [--threads N] [--workload ID]... [--json]
//! ```
//!
//! A training step is forward + loss + backward + optimizer step +
//! zero_grad on one fixed synthetic batch, after 20 warm-up steps; each row
//! gives the median, min and max over the timed steps (200, or 50 for wide,
//! cnn and sgemm; mlp times 280 so that it trains 300 steps in all) and the
//! heap allocations per timed step, counted by the global allocator. Every
//! training workload must end with a loss below its first one, or the run
//! fails. See docs/benchmarks.md for figures.

#[path = "bench/alloc.rs"]
mod alloc;
#[path = "bench/optim.rs"]
mod optim;
#[path = "mnist_rnn/model.rs"]
mod rnn_model;
#[path = "bench/stats.rs"]
mod stats;
#[path = "bench/transformer.rs"]
mod transformer;
#[path = "bench/workloads.rs"]
mod workloads;

use clap::Parser;
use serde_json::{Map, Value};

/// Times WORKLOADS.md's workloads.
#[derive(Parser, Debug)]
struct Args {
    /// Threads of the rayon pool the workloads run in.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// A workload to run (repeatable); all when absent.
    #[arg(long = "workload", value_name = "ID")]
    workloads: Vec<String>,
    /// Print one JSON object keyed by workload id instead of a table.
    #[arg(long)]
    json: bool,
}

fn main() -> workloads::BenchResult<()> {
    let args = Args::parse();
    if args.threads == 0 {
        return Err("--threads: must be at least 1".into());
    }
    let ids: Vec<String> = if args.workloads.is_empty() {
        workloads::IDS.iter().map(|s| s.to_string()).collect()
    } else {
        args.workloads.clone()
    };
    for (id, choice) in [
        ("lenet", optim::LENET),
        ("wide", optim::WIDE),
        ("lstm", optim::LSTM),
        ("transformer", optim::TRANSFORMER),
    ] {
        if let Some(note) = choice.note.filter(|_| ids.iter().any(|i| i == id)) {
            eprintln!("{id}: optimizer {} ({note})", choice.label);
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    let mut rows = Vec::new();
    if !args.json {
        println!(
            "{:<8} {:>7} {:>12} {:>12} {:>12} {:>13} {:>12} {:>9}",
            "workload", "threads", "median", "min", "max", "allocs/step", "cpu/step", "GFLOP/s"
        );
    }
    for id in &ids {
        let r = pool.install(|| workloads::run(id, args.threads))?;
        if !args.json {
            let gflops = r
                .extra("gflops")
                .and_then(Value::as_f64)
                .map_or(String::from("-"), |g| format!("{g:.1}"));
            println!(
                "{:<8} {:>7} {:>9.1} µs {:>9.1} µs {:>9.1} µs {:>13.1} {:>9.1} µs {:>9}",
                r.id,
                r.threads,
                r.median_us,
                r.min_us,
                r.max_us,
                r.allocs_per_step,
                r.cpu_us_per_step,
                gflops
            );
        }
        rows.push(r);
    }
    if args.json {
        let mut obj = Map::new();
        for r in &rows {
            obj.insert(r.id.to_string(), r.json());
        }
        println!("{}", Value::Object(obj));
    }
    Ok(())
}
