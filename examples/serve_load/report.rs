//! What the load run counts and prints: every request ends as right, wrong,
//! refused, lost or not sent, and the latencies of the answered ones give
//! the percentiles.

use super::client::Reply;
use std::time::Duration;

/// The outcomes of one client's requests (or of all, after [`Tally::merge`]).
#[derive(Default)]
pub struct Tally {
    /// Time from sending to the last byte of the answer, per answered request.
    latencies: Vec<Duration>,
    /// 200 with exactly the expected body.
    right: usize,
    /// 200 with another body.
    wrong: usize,
    /// Any other status.
    refused: usize,
    /// No answer: a connection error or the timeout.
    lost: usize,
    /// Not sent: the time limit had passed.
    pub not_sent: usize,
    /// The first thing that went wrong, to print.
    first_problem: Option<String>,
}

impl Tally {
    /// Counts one request that took `latency` and got `reply`.
    pub fn record(&mut self, latency: Duration, reply: Result<Reply, ureq::Error>, expected: &str) {
        let problem = match reply {
            Ok(reply) => {
                self.latencies.push(latency);
                match (reply.status, reply.body == expected) {
                    (200, true) => {
                        self.right += 1;
                        return;
                    }
                    (200, false) => self.wrong += 1,
                    _ => self.refused += 1,
                }
                format!("{}: {}", reply.status, reply.body)
            }
            Err(e) => {
                self.lost += 1;
                e.to_string()
            }
        };
        self.first_problem.get_or_insert(problem);
    }

    /// The clients' tallies as one.
    pub fn merge(tallies: Vec<Tally>) -> Tally {
        let mut all = Tally::default();
        for t in tallies {
            all.latencies.extend(t.latencies);
            all.right += t.right;
            all.wrong += t.wrong;
            all.refused += t.refused;
            all.lost += t.lost;
            all.not_sent += t.not_sent;
            all.first_problem = all.first_problem.or(t.first_problem);
        }
        all.latencies.sort();
        all
    }

    /// Requests of `total` without the right answer (a client thread that
    /// ended early leaves its requests unaccounted: they count here).
    pub fn failed(&self, total: usize) -> usize {
        total - self.right.min(total)
    }

    /// The report: throughput, latency percentiles, outcome counts.
    pub fn summary(&self, clients: u32, total: usize, wall: Duration) -> String {
        let accounted = self.right + self.wrong + self.refused + self.lost + self.not_sent;
        let mut text = format!(
            "requests {total}, clients {clients}, wall {:.2} s: {:.0} answers/s\n\
             latency p50 {}, p99 {}, max {}\n\
             {} right, {} wrong, {} refused, {} lost, {} not sent, {} unaccounted",
            wall.as_secs_f64(),
            self.latencies.len() as f64 / wall.as_secs_f64(),
            millis(percentile(&self.latencies, 0.50)),
            millis(percentile(&self.latencies, 0.99)),
            millis(self.latencies.last().copied().unwrap_or_default()),
            self.right,
            self.wrong,
            self.refused,
            self.lost,
            self.not_sent,
            total.saturating_sub(accounted),
        );
        if let Some(problem) = &self.first_problem {
            text += &format!("\nfirst problem: {problem}");
        }
        text
    }
}

/// The nearest-rank percentile `p` (in [0, 1]) of sorted durations; zero
/// for none.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len().max(1)) - 1)
        .copied()
        .unwrap_or_default()
}

fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}
