//! The `serve` example under load: concurrent clients send the ten shipped
//! digit PNGs round robin to `POST /predict` and every answer is compared,
//! byte for byte, with the one the same model gives in this process. Prints
//! the throughput, the latency percentiles and what went wrong (nothing,
//! when all is well); exits non-zero if any request was lost, refused, got
//! a wrong answer or was not sent within the time limit.
//!
//! ```text
//! cargo run --release --example serve_load                  # server started here, on 127.0.0.1
//! cargo run --release --example serve_load -- --clients 8 --requests 10000 --time-limit 300
//! cargo run --release --example serve_load -- --server 127.0.0.1:3000   # a running `serve`
//! ```
//!
//! Without `--server` the server runs in this process on a loopback port
//! of its own, so the clients and the server share the machine's cores:
//! the figures are those of one machine doing both.

// Shared with tests/serve.rs, which reads more of them than the load run.
#[allow(dead_code)]
#[path = "serve/client.rs"]
mod client;
#[path = "serve_load/report.rs"]
mod report;
#[allow(dead_code)]
#[path = "serve/mod.rs"]
mod server;

use clap::Parser;
use client::Client;
use server::routes::Answer;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Requests in all.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    requests: u32,
    /// Concurrent clients, each a thread with its own keep-alive connection.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    clients: u32,
    /// Seconds after which no new request is sent (those left are reported
    /// as not sent); also each request's own timeout.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    time_limit: u64,
    /// A running `serve` to load; without it one is started here on a free
    /// loopback port.
    #[arg(long)]
    server: Option<SocketAddr>,
    /// LeNet weights: the model of the in-process server and of the expected
    /// answers (a `--server` must serve the same ones).
    #[arg(long, default_value = server::model::SHIPPED_WEIGHTS)]
    weights: PathBuf,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let model = Arc::new(server::model::load(&args.weights)?);
    let digits = client::shipped_digits()?;
    let expected = expected_answers(&model, &digits)?;
    let background = match args.server {
        Some(_) => None,
        None => Some(server::run::Background::start(
            Arc::clone(&model),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )?),
    };
    let addr = args
        .server
        .or(background.as_ref().map(|b| b.addr()))
        .ok_or("no server")?;
    println!(
        "in process, no HTTP: PNG decode + forward + top-3 takes {:.1} µs (median of 1000, one thread)",
        in_process_micros(&model, &digits)
    );
    let limit = Duration::from_secs(args.time_limit);
    let next = AtomicUsize::new(0);
    let total = args.requests as usize;
    let start = Instant::now();
    let tallies: Vec<report::Tally> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..args.clients)
            .map(|_| {
                let client = Client::new(&format!("http://{addr}"), limit);
                let (next, digits, expected) = (&next, &digits, &expected);
                s.spawn(move || {
                    let mut tally = report::Tally::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            return tally;
                        }
                        if start.elapsed() > limit {
                            tally.not_sent += 1;
                            continue;
                        }
                        let sent = Instant::now();
                        let reply = client.post("/predict", &digits[i % 10]);
                        tally.record(sent.elapsed(), reply, &expected[i % 10]);
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let wall = start.elapsed();
    if let Some(background) = background {
        background.stop()?;
    }
    let tally = report::Tally::merge(tallies);
    println!("{}", tally.summary(args.clients, total, wall));
    match tally.failed(total) {
        0 => Ok(()),
        _ => Err(format!(
            "{} of {total} requests got no right answer",
            tally.failed(total)
        )
        .into()),
    }
}

/// The body the server must send for each shipped digit: this process's own
/// forward pass of the same model, serialised as the server does.
fn expected_answers(
    model: &server::model::LeNet,
    digits: &[Vec<u8>],
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    digits
        .iter()
        .map(|png| {
            let pixels = server::digit::pixels(png).map_err(|e| e.to_string())?;
            let answer = Answer {
                top3: server::model::top3(model, pixels),
            };
            Ok(serde_json::to_string(&answer)?)
        })
        .collect()
}

/// The median time of the server's work for one request without HTTP: what
/// the latencies above it are compared with.
fn in_process_micros(model: &server::model::LeNet, digits: &[Vec<u8>]) -> f64 {
    let mut times: Vec<f64> = (0..1000)
        .map(|i| {
            let start = Instant::now();
            if let Ok(pixels) = server::digit::pixels(&digits[i % 10]) {
                std::hint::black_box(server::model::top3(model, pixels));
            }
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
