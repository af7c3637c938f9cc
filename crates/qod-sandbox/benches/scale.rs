//! The sandbox's cost per request against the sessions it stores: requests
//! per second and the process's memory with 0, 10 000 and 100 000 stored
//! sessions. Goal: within 1.5x of each other. First, memory over 20 000
//! hostile requests (bad JSON, wrong types, duplicate keys, huge numbers,
//! unknown paths): goal, flat once warm.
//!
//! `cargo bench -p qod-sandbox --bench scale` (add `-- --quick` for a
//! shorter run, `-- --hostile` for the hostile part only). Figures are
//! printed, never asserted; only that no hostile request gets a 5xx.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use qod_sandbox::{Sandbox, SandboxConfig};

/// Client threads (the machine this runs on has two cores).
const THREADS: u64 = 2;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections_per_host(THREADS as usize)
        .build()
        .into()
}

fn create_body(number: u64, duration: u32) -> String {
    format!(
        r#"{{"device":{{"phoneNumber":"+1{number:010}"}},"applicationServer":{{"ipv4Address":"198.51.100.0/24"}},"qosProfile":"QOS_E","duration":{duration}}}"#
    )
}

fn session_id(body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    json["sessionId"].as_str().unwrap().to_owned()
}

fn create(agent: &ureq::Agent, base: &str, number: u64, duration: u32) -> String {
    let mut response = agent
        .post(&format!("{base}/sessions"))
        .content_type("application/json")
        .send(create_body(number, duration))
        .unwrap();
    assert_eq!(response.status(), 201);
    session_id(&response.body_mut().read_to_string().unwrap())
}

/// Stores `missing` more sessions, on numbers from `next`; returns the ids
/// of a few of them.
fn fill(sandbox: &Sandbox, missing: u64, next: &AtomicU64) -> Vec<String> {
    let base = sandbox.v1_url();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|thread| {
                let base = &base;
                scope.spawn(move || {
                    let agent = agent();
                    let share = missing / THREADS + u64::from(thread < missing % THREADS);
                    let mut sample = Vec::new();
                    for n in 0..share {
                        let id = create(&agent, base, next.fetch_add(1, Ordering::Relaxed), 86_400);
                        if n % (share / 32).max(1) == 0 {
                            sample.push(id);
                        }
                    }
                    sample
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    })
}

/// One round: create, read it, read a stored session, delete it (4 requests).
fn workload(sandbox: &Sandbox, rounds: u64, next: &AtomicU64, stored: &[String]) -> f64 {
    let base = sandbox.v1_url();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let base = &base;
            scope.spawn(move || {
                let agent = agent();
                let mut pick = thread as usize;
                for _ in 0..rounds / THREADS {
                    let id = create(&agent, base, next.fetch_add(1, Ordering::Relaxed), 600);
                    let get = |id: &str| {
                        let response = agent.get(&format!("{base}/sessions/{id}")).call().unwrap();
                        assert_eq!(response.status(), 200);
                    };
                    get(&id);
                    pick = (pick * 7919 + 13) % stored.len().max(1);
                    get(stored.get(pick).map_or(id.as_str(), String::as_str));
                    let response = agent
                        .delete(&format!("{base}/sessions/{id}"))
                        .call()
                        .unwrap();
                    assert_eq!(response.status(), 204);
                }
            });
        }
    });
    (rounds / THREADS * THREADS * 4) as f64 / started.elapsed().as_secs_f64()
}

/// Hostile request `n`: the path, the Content-Type and the body.
fn hostile_request(n: u64, deep: &str) -> (&'static str, &'static str, String) {
    let sessions = "/quality-on-demand/v1/sessions";
    match n % 8 {
        0 => (sessions, "application/json", deep.to_owned()),
        1 => (
            sessions,
            "application/json",
            r#"{"device":{"phoneNumber":"+1425"#.to_owned(),
        ),
        2 => (sessions, "text/plain", create_body(n, 60)),
        3 => (
            sessions,
            "application/json",
            create_body(n, 60).replace(
                r#""qosProfile":"QOS_E""#,
                r#""qosProfile":"QOS_E","qosProfile":"QOS_L""#,
            ),
        ),
        4 => (
            sessions,
            "application/json",
            create_body(n, 60).replace(r#""duration":60"#, r#""duration":18446744073709551616"#),
        ),
        5 => (
            sessions,
            "application/json",
            r#"{"qosProfile":"\ud800"}"#.to_owned(),
        ),
        6 => (
            "/quality-on-demand/v1/nope",
            "application/json",
            "{}".to_owned(),
        ),
        _ => (
            "/qos-profiles/v1/retrieve-qos-profiles",
            "application/json",
            "1e400".to_owned(),
        ),
    }
}

/// Sends `total` hostile requests on two threads; prints RSS along the way
/// and the statuses answered.
fn hostile(sandbox: &Sandbox, total: u64) {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let base = sandbox.base_url();
    let sent = AtomicU64::new(0);
    let statuses = std::sync::Mutex::new(std::collections::BTreeMap::<u16, u64>::new());
    let before = rss_mib().unwrap_or(f64::NAN);
    let mut marks = Vec::new();
    for half in 0..2 {
        std::thread::scope(|scope| {
            for _ in 0..THREADS {
                scope.spawn(|| {
                    let agent = agent();
                    let mut seen = std::collections::BTreeMap::<u16, u64>::new();
                    loop {
                        let n = sent.fetch_add(1, Ordering::Relaxed);
                        if n >= total / 2 * (half + 1) {
                            break;
                        }
                        let (path, media, body) = hostile_request(n, &deep);
                        let response = agent
                            .post(&format!("{base}{path}"))
                            .content_type(media)
                            .send(body)
                            .unwrap();
                        *seen.entry(response.status().as_u16()).or_default() += 1;
                    }
                    let mut all = statuses.lock().unwrap();
                    for (status, count) in seen {
                        *all.entry(status).or_default() += count;
                    }
                });
            }
        });
        sent.store(total / 2 * (half + 1), Ordering::Relaxed);
        marks.push(rss_mib().unwrap_or(f64::NAN));
    }
    let statuses = statuses.into_inner().unwrap();
    println!(
        "qod-sandbox hostile: {total} bad requests; RSS {before:.1} MiB before, {:.1} after {}, {:.1} after {total}",
        marks[0],
        total / 2,
        marks[1]
    );
    println!("  statuses: {statuses:?}");
    assert!(
        statuses.keys().all(|status| *status < 500),
        "a hostile request got a 5xx: {statuses:?}"
    );
}

/// The process's resident memory, in MiB (Linux).
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 2_000 } else { 10_000 };
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: Duration::ZERO,
        // Deleted sessions of the workload are forgotten soon, so that each
        // stage measures with the sessions it means to.
        retain_ended_for: Duration::from_secs(2),
        max_sessions: 200_000,
        ..SandboxConfig::default()
    })
    .unwrap();
    hostile(&sandbox, 20_000);
    if std::env::args().any(|a| a == "--hostile") {
        return;
    }
    let next = AtomicU64::new(4_255_500_000);
    println!(
        "qod-sandbox scale: {} rounds of create, get, get a stored one, delete; {THREADS} client threads; median of 3",
        rounds
    );
    println!("  stored    requests/s    RSS before the workload (MiB)");
    let mut figures = Vec::new();
    let mut stored: Vec<String> = Vec::new();
    for target in [0_u64, 10_000, 100_000] {
        let filled: u64 = figures.last().map_or(0, |(t, _, _)| *t);
        stored.extend(fill(&sandbox, target - filled, &next));
        // The workload's own sessions are gone after the retention.
        std::thread::sleep(Duration::from_millis(2_500));
        let count = sandbox.session_count();
        // Before the workload's churn, which the allocator keeps around.
        let rss = rss_mib().unwrap_or(f64::NAN);
        workload(&sandbox, rounds / 5, &next, &stored);
        let rate = median(
            (0..3)
                .map(|_| workload(&sandbox, rounds, &next, &stored))
                .collect(),
        );
        println!("  {count:>7}    {rate:>10.0}    {rss:>9.1}");
        figures.push((target, rate, rss));
    }
    let (fastest, slowest) = figures
        .iter()
        .fold((0.0_f64, f64::MAX), |(hi, lo), (_, rate, _)| {
            (hi.max(*rate), lo.min(*rate))
        });
    println!(
        "  fastest / slowest: {:.2}x   (goal <= 1.5x)",
        fastest / slowest
    );
    if let [_, (low, _, at_low), (high, _, at_high)] = figures[..] {
        println!(
            "  memory per stored session ({low} to {high}): {:.0} bytes",
            (at_high - at_low) * 1024.0 * 1024.0 / (high - low) as f64
        );
    }
    sandbox.stop();
}
