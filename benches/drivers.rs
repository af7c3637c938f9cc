//! The two drivers against plain HTTP clients, on a neutral keep-alive
//! server that answers every request with the same SessionInfo, so that the
//! server's own cost does not hide the client's.
//!
//! `cargo bench --bench drivers --features reqwest` (add `-- --quick` for a
//! shorter run). Rounds alternate between qod and the plain client; the
//! median of each is compared. Goals are printed, never asserted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use qod::models::uuid::Uuid;
use qod::models::{SessionId, SessionInfo};
use qod::reqwest_transport::reqwest;
use qod::ureq_transport::ureq;

const SESSION_JSON: &str = r#"{"sessionId":"3fa85f64-5717-4562-b3fc-2c963f66afa6","device":{"phoneNumber":"+14255550100"},
"applicationServer":{"ipv4Address":"198.51.100.0/24"},"devicePorts":{"ranges":[{"from":5010,"to":5020}],"ports":[5060]},
"qosProfile":"QOS_E","duration":600,"startedAt":"2024-06-01T12:00:00Z","expiresAt":"2024-06-01T12:10:00Z","qosStatus":"AVAILABLE"}"#;

const SESSION_ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

/// Serves every request on every connection with the same 200 response.
fn neutral_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let response = Arc::new(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{SESSION_JSON}",
            SESSION_JSON.len()
        )
        .into_bytes(),
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let response = response.clone();
            std::thread::spawn(move || serve(stream, &response));
        }
    });
    address
}

fn serve(stream: TcpStream, response: &[u8]) {
    stream.set_nodelay(true).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        // GETs only: read the head up to the blank line, then answer.
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => {}
            }
        }
        if writer.write_all(response).is_err() {
            return;
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Seconds per call of `calls` sequential calls.
fn per_call(calls: u32, mut call: impl FnMut()) -> f64 {
    let started = Instant::now();
    for _ in 0..calls {
        call();
    }
    started.elapsed().as_secs_f64() / f64::from(calls)
}

fn report(title: &str, qod: &[f64], plain: &[f64], plain_name: &str, goal: f64) {
    let (qod, plain) = (median(qod.to_vec()), median(plain.to_vec()));
    println!("{title}");
    println!("  qod               {:>9.1} us/call", qod * 1e6);
    println!("  {plain_name:<17} {:>9.1} us/call", plain * 1e6);
    println!(
        "  qod throughput relative to plain {:.3}x   (goal >= {goal}x)",
        plain / qod
    );
}

/// One plain ureq GET of `url` with the headers qod sends, parsed as qod parses it.
fn plain_ureq_get(agent: &ureq::Agent, url: &str) {
    let mut response = agent
        .get(url)
        .header("accept", "application/json")
        .header("x-correlator", Uuid::new_v4().hyphenated().to_string())
        .header("user-agent", "qod/0.1.0")
        .call()
        .unwrap();
    let bytes = response.body_mut().read_to_vec().unwrap();
    std::hint::black_box(serde_json::from_slice::<SessionInfo>(&bytes).unwrap());
}

fn blocking(url: &str, rounds: usize, calls: u32) {
    let client = qod::ClientBuilder::new(url).unwrap().build().unwrap();
    let id: SessionId = SESSION_ID.parse().unwrap();
    // ureq's defaults: no timeout at all, the fastest plain client there is.
    let untimed: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    // The timeouts qod sets: ureq then resolves on a new thread per call.
    let timed: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let plain_url = format!("{url}/sessions/{SESSION_ID}");
    // Warm the pools.
    client.get_session(id).unwrap();
    plain_ureq_get(&untimed, &plain_url);
    plain_ureq_get(&timed, &plain_url);
    let (mut qod_runs, mut plain_runs, mut timed_runs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        qod_runs.push(per_call(calls, || {
            std::hint::black_box(client.get_session(id).unwrap());
        }));
        plain_runs.push(per_call(calls, || plain_ureq_get(&untimed, &plain_url)));
        timed_runs.push(per_call(calls / 5, || plain_ureq_get(&timed, &plain_url)));
    }
    report(
        "blocking client vs plain ureq + serde_json without timeouts, sequential GETs",
        &qod_runs,
        &plain_runs,
        "plain ureq",
        0.97,
    );
    let (qod, timed) = (median(qod_runs), median(timed_runs));
    println!(
        "  plain ureq with qod's timeouts {:>9.1} us/call: qod {:.2}x its throughput",
        timed * 1e6,
        timed / qod
    );
}

fn plain_reqwest() -> reqwest::Client {
    // qod's reqwest is built with rustls but no default crypto provider: give it ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .build()
        .unwrap()
}

async fn plain_get(client: &reqwest::Client, url: &str) {
    let response = client
        .get(url)
        .header("accept", "application/json")
        .header("x-correlator", Uuid::new_v4().hyphenated().to_string())
        .header("user-agent", "qod/0.1.0")
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    std::hint::black_box(serde_json::from_slice::<SessionInfo>(&bytes).unwrap());
}

fn asynchronous(url: &str, rounds: usize, calls: u32) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = qod::AsyncClientBuilder::new(url).unwrap().build().unwrap();
    let plain = plain_reqwest();
    let id: SessionId = SESSION_ID.parse().unwrap();
    let plain_url = format!("{url}/sessions/{SESSION_ID}");
    let (mut qod_runs, mut plain_runs) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        client.get_session(id).await.unwrap();
        plain_get(&plain, &plain_url).await;
        for _ in 0..rounds {
            let started = Instant::now();
            for _ in 0..calls {
                std::hint::black_box(client.get_session(id).await.unwrap());
            }
            qod_runs.push(started.elapsed().as_secs_f64() / f64::from(calls));
            let started = Instant::now();
            for _ in 0..calls {
                plain_get(&plain, &plain_url).await;
            }
            plain_runs.push(started.elapsed().as_secs_f64() / f64::from(calls));
        }
    });
    report(
        "async client vs plain reqwest + serde_json, sequential GETs (current-thread runtime)",
        &qod_runs,
        &plain_runs,
        "plain reqwest",
        0.97,
    );
}

fn concurrent(url: &str, rounds: usize, calls: u32) {
    const TASKS: u32 = 64;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = Arc::new(qod::AsyncClientBuilder::new(url).unwrap().build().unwrap());
    let plain = plain_reqwest();
    let id: SessionId = SESSION_ID.parse().unwrap();
    let plain_url: Arc<str> = format!("{url}/sessions/{SESSION_ID}").into();
    let per_task = (calls / TASKS).max(1);
    let (mut qod_runs, mut plain_runs) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        for _ in 0..rounds {
            let started = Instant::now();
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move {
                        for _ in 0..per_task {
                            std::hint::black_box(client.get_session(id).await.unwrap());
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            qod_runs.push(started.elapsed().as_secs_f64() / f64::from(per_task * TASKS));
            let started = Instant::now();
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let (plain, url) = (plain.clone(), plain_url.clone());
                    tokio::spawn(async move {
                        for _ in 0..per_task {
                            plain_get(&plain, &url).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            plain_runs.push(started.elapsed().as_secs_f64() / f64::from(per_task * TASKS));
        }
    });
    let (qod, plain) = (median(qod_runs), median(plain_runs));
    println!("64 concurrent tasks on one client (2-worker runtime)");
    println!("  qod               {:>9.0} calls/s", 1.0 / qod);
    println!("  plain reqwest     {:>9.0} calls/s", 1.0 / plain);
    println!("  qod throughput relative to plain {:.3}x", plain / qod);
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let (rounds, calls) = if quick { (5, 1_000) } else { (11, 5_000) };
    let address = neutral_server();
    let url = format!("http://{address}/quality-on-demand/v1");
    println!(
        "neutral keep-alive server on {address}; {rounds} alternating rounds of {calls} calls each\n"
    );
    blocking(&url, rounds, calls);
    println!();
    asynchronous(&url, rounds, calls);
    println!();
    concurrent(&url, rounds, calls);
}
