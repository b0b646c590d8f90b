//! A trained model served to many clients: an HTTP server that loads the
//! shipped LeNet weights once and answers `POST /predict`, whose body is a
//! 28 × 28 PNG of a digit, with the three most likely classes in JSON.
//!
//! ```text
//! cargo run --release --example serve                 # http://127.0.0.1:3000
//! curl --data-binary @examples/data/digit-7.png http://127.0.0.1:3000/predict
//! {"top3":[{"class":7,"probability":0.999783},{"class":3,"probability":0.00010399954},{"class":9,...}]}
//! ```
//!
//! One model, static shapes: every size from the 28 × 28 input to the 10
//! classes was checked by the compiler, so a request is checked only for
//! what the client controls (the body: empty, too large, not a PNG, not
//! 28 × 28), each refused with a 4xx status and `{"error": "..."}`; other
//! paths are 404 and other methods on `/predict` 405. The model is shared
//! by every request (an `Arc`, no lock: a forward pass under `no_grad` only
//! reads the weights) and runs on tokio's blocking pool. Ctrl-C stops the
//! server after the requests in flight. `examples/serve_load.rs` measures
//! it under load (docs/benchmarks.md).

// `run::Background` is for the test and the load run, not this binary.
#[allow(dead_code)]
#[path = "serve/mod.rs"]
mod server;

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// LeNet weights (safetensors, nn.Sequential names).
    #[arg(long, default_value = server::model::SHIPPED_WEIGHTS)]
    weights: PathBuf,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let model = Arc::new(server::model::load(&args.weights)?);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("{}: {e}", args.addr))?;
    let addr = listener.local_addr()?;
    eprintln!("serving LeNet at http://{addr}/predict (Ctrl-C stops)");
    server::run::serve(listener, model, ctrl_c()).await?;
    eprintln!("stopped");
    Ok(())
}

/// Completes on Ctrl-C; never, if the signal handler cannot be installed
/// (the server then runs until killed rather than stopping at once).
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
