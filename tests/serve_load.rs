//! The load run's bookkeeping (examples/serve_load/report.rs): every
//! request ends in exactly one count, the percentiles are nearest-rank, and
//! the report names the first thing that went wrong.

#[allow(dead_code)]
#[path = "../examples/serve/client.rs"]
mod client;
#[path = "../examples/serve_load/report.rs"]
mod report;

use client::Reply;
use report::Tally;
use std::time::Duration;

fn reply(status: u16, body: &str) -> Result<Reply, ureq::Error> {
    Ok(Reply {
        status,
        content_type: Some("application/json".into()),
        allow: None,
        body: body.into(),
    })
}

#[test]
fn a_clean_run_reports_throughput_and_percentiles() {
    let mut a = Tally::default();
    let mut b = Tally::default();
    // 1..=100 ms, split over two clients.
    for ms in 1..=100 {
        let t = if ms % 2 == 0 { &mut a } else { &mut b };
        t.record(Duration::from_millis(ms), reply(200, "ok"), "ok");
    }
    let all = Tally::merge(vec![a, b]);
    assert_eq!(all.failed(100), 0);
    assert_eq!(
        all.summary(2, 100, Duration::from_secs(4)),
        "requests 100, clients 2, wall 4.00 s: 25 answers/s\n\
         latency p50 50.00 ms, p99 99.00 ms, max 100.00 ms\n\
         100 right, 0 wrong, 0 refused, 0 lost, 0 not sent, 0 unaccounted"
    );
}

#[test]
fn every_failure_is_counted_and_the_first_is_shown() {
    let mut t = Tally::default();
    let ms = Duration::from_millis(2);
    t.record(ms, reply(200, "ok"), "ok");
    t.record(ms, reply(200, r#"{"top3":[]}"#), "ok");
    t.record(ms, reply(413, r#"{"error":"too large"}"#), "ok");
    t.record(ms, Err(ureq::Error::Timeout(ureq::Timeout::Global)), "ok");
    t.not_sent += 1;
    let all = Tally::merge(vec![t]);
    // Six requests, five accounted for: one unaccounted (a client that died).
    assert_eq!(all.failed(6), 5);
    assert_eq!(
        all.summary(1, 6, Duration::from_secs(1)),
        "requests 6, clients 1, wall 1.00 s: 3 answers/s\n\
         latency p50 2.00 ms, p99 2.00 ms, max 2.00 ms\n\
         1 right, 1 wrong, 1 refused, 1 lost, 1 not sent, 1 unaccounted\n\
         first problem: 200: {\"top3\":[]}"
    );
}

#[test]
fn no_answers_give_zero_latencies() {
    let all = Tally::merge(Vec::new());
    assert_eq!(
        all.summary(8, 0, Duration::from_secs(1)),
        "requests 0, clients 8, wall 1.00 s: 0 answers/s\n\
         latency p50 0.00 ms, p99 0.00 ms, max 0.00 ms\n\
         0 right, 0 wrong, 0 refused, 0 lost, 0 not sent, 0 unaccounted"
    );
}
