//! qod's benchmark: prints side-by-side figures measured in one run.
//!
//! `cargo bench --bench qod_bench` (add `-- --quick` for a shorter run).
//! Goals are printed beside the figures; they are measured here, never
//! asserted in tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use qod::core::Operation;
use qod::core::{Client, ClientCore};
use qod::models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName, SessionId, SessionInfo,
};
use qod::operations::CreateSessionOp;
use qod::ureq_transport::{UreqTransport, ureq};
use qod::{Endpoint, StdClock};
use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};

/// A test-only key, the same the core's tests use.
const KEY_PEM: &[u8] = include_bytes!("../crates/qod-core/tests/fixtures/test-rsa-2048.pem");

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn time_per_op(iterations: u32, mut op: impl FnMut()) -> f64 {
    let started = Instant::now();
    for _ in 0..iterations {
        op();
    }
    started.elapsed().as_secs_f64() / f64::from(iterations)
}

fn create_body() -> CreateSession {
    CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14255550100").unwrap()),
        QosProfileName::parse("QOS_E").unwrap(),
    )
    .with_application_server(ApplicationServer::ipv4("198.51.100.0/24".parse().unwrap()))
    .with_device_ports("5010-5020,5060".parse().unwrap())
    .with_duration(600)
}

const SESSION_JSON: &str = r#"{"sessionId":"3fa85f64-5717-4562-b3fc-2c963f66afa6","device":{"phoneNumber":"+14255550100"},
"applicationServer":{"ipv4Address":"198.51.100.0/24"},"devicePorts":{"ranges":[{"from":5010,"to":5020}],"ports":[5060]},
"qosProfile":"QOS_E","duration":600,"startedAt":"2024-06-01T12:00:00Z","expiresAt":"2024-06-01T12:10:00Z","qosStatus":"AVAILABLE"}"#;

fn core_cost(quick: bool) {
    let iterations = if quick { 20_000 } else { 200_000 };
    let endpoint = Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap();
    let body = create_body();
    let operation = CreateSessionOp::new(body.clone());
    let response_bytes = SESSION_JSON.as_bytes().to_vec();
    let mut qod_runs = Vec::new();
    let mut floor_runs = Vec::new();
    for _ in 0..5 {
        qod_runs.push(time_per_op(iterations, || {
            let request = operation.to_request(&endpoint, None).unwrap();
            std::hint::black_box(&request);
            let response = http::Response::builder()
                .status(201)
                .body(response_bytes.clone())
                .unwrap();
            std::hint::black_box(operation.parse(response).unwrap());
        }));
        floor_runs.push(time_per_op(iterations, || {
            std::hint::black_box(serde_json::to_vec(&body).unwrap());
            let bytes = response_bytes.clone();
            std::hint::black_box(serde_json::from_slice::<SessionInfo>(&bytes).unwrap());
        }));
    }
    let (qod_cost, floor) = (median(qod_runs), median(floor_runs));
    println!("core: build create request + parse SessionInfo");
    println!("  qod-core          {:>9.2} us/op", qod_cost * 1e6);
    println!("  serde_json floor  {:>9.2} us/op", floor * 1e6);
    println!(
        "  ratio             {:>9.2}x   (goal <= 1.2x)",
        qod_cost / floor
    );
}

/// The client's own work per call, with a transport that answers at once.
fn client_overhead(quick: bool) {
    let iterations = if quick { 20_000 } else { 200_000 };
    let body = SESSION_JSON.as_bytes().to_vec();
    let transport = move |_request: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, qod::TransportError> {
        Ok(http::Response::builder().status(200).body(body.clone()).unwrap())
    };
    let core =
        ClientCore::new(Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap());
    let client = Client::new(transport, core, Arc::new(StdClock));
    let id: SessionId = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap();
    let per_call = median(
        (0..5)
            .map(|_| {
                time_per_op(iterations, || {
                    std::hint::black_box(client.get_session(id).unwrap());
                })
            })
            .collect(),
    );
    println!("client overhead: GET through the client with an in-memory transport");
    println!(
        "  per call          {:>9.2} us (correlator, request, status gate, parse)",
        per_call * 1e6
    );
}

fn qod_client(url: &str) -> Client<UreqTransport> {
    Client::new(
        UreqTransport::new().unwrap(),
        ClientCore::new(Endpoint::new(url).unwrap()),
        Arc::new(StdClock),
    )
}

fn end_to_end(quick: bool) {
    let calls = if quick { 500 } else { 3_000 };
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = qod_client(&sandbox.v1_url());
    let session = client.create_session(&create_body()).unwrap();
    let id = session.session_id;
    let url = format!("{}/sessions/{id}", sandbox.v1_url());

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let plain_get = |agent: &ureq::Agent| {
        let mut response = agent
            .get(&url)
            .header("accept", "application/json")
            .call()
            .unwrap();
        let bytes = response.body_mut().read_to_vec().unwrap();
        std::hint::black_box(serde_json::from_slice::<SessionInfo>(&bytes).unwrap());
    };
    for _ in 0..100 {
        client.get_session(id).unwrap();
        plain_get(&agent);
    }
    let mut qod_runs = Vec::new();
    let mut plain_runs = Vec::new();
    for _ in 0..3 {
        qod_runs.push(time_per_op(calls, || {
            std::hint::black_box(client.get_session(id).unwrap());
        }));
        plain_runs.push(time_per_op(calls, || plain_get(&agent)));
    }
    let (qod_time, plain_time) = (median(qod_runs), median(plain_runs));
    println!(
        "end to end: {calls} sequential GET /sessions/{{id}} over loopback keep-alive, sandbox"
    );
    println!(
        "  qod client        {:>9.1} us/call  {:>8.0} calls/s",
        qod_time * 1e6,
        1.0 / qod_time
    );
    println!(
        "  plain ureq+serde  {:>9.1} us/call  {:>8.0} calls/s",
        plain_time * 1e6,
        1.0 / plain_time
    );
    println!(
        "  qod throughput    {:>9.2}x plain   (goal >= 0.95x)",
        plain_time / qod_time
    );
    python_requests(&url, calls, qod_time);

    println!("concurrency: one shared client, GETs spread over threads");
    let shared = Arc::new(client);
    for threads in [1_u32, 2, 4, 8] {
        let per_thread = calls / threads;
        let started = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let client = shared.clone();
                scope.spawn(move || {
                    for _ in 0..per_thread {
                        client.get_session(id).unwrap();
                    }
                });
            }
        });
        let rate = f64::from(per_thread * threads) / started.elapsed().as_secs_f64();
        println!("  {threads} thread(s)       {rate:>9.0} calls/s");
    }
}

fn python_requests(url: &str, calls: u32, qod_time: f64) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/python_requests.py");
    let python = ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(python) = python else {
        println!("  python requests   skipped: no Python on this machine");
        return;
    };
    let has_requests = Command::new(python)
        .args(["-c", "import requests"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_requests {
        println!("  (installing the Python package `requests` for the comparison)");
        let installed = Command::new(python)
            .args(["-m", "pip", "install", "--quiet", "requests"])
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            println!("  python requests   skipped: `pip install requests` failed");
            return;
        }
    }
    let output = Command::new(python)
        .args([script, url, &calls.to_string()])
        .output();
    match output {
        Ok(output) if output.status.success() => {
            let text = String::from_utf8_lossy(&output.stdout);
            let seconds: f64 = text
                .split_whitespace()
                .find_map(|w| w.strip_prefix("seconds="))
                .and_then(|s| s.parse().ok())
                .unwrap_or(f64::NAN);
            let per_call = seconds / f64::from(calls);
            println!(
                "  python requests   {:>9.1} us/call  {:>8.0} calls/s",
                per_call * 1e6,
                1.0 / per_call
            );
            println!(
                "  qod vs requests   {:>9.2}x faster   (goal >= 5x)",
                per_call / qod_time
            );
        }
        Ok(output) => println!(
            "  python requests   failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ),
        Err(e) => println!("  python requests   failed to start: {e}"),
    }
}

fn taap(quick: bool) {
    let calls = if quick { 200 } else { 1_000 };
    let taap =
        qod::auth::TaapCredentials::from_pem("bench-client", "bench-secret", KEY_PEM).unwrap();
    let signer = taap.signer().clone();
    let request = http::Request::post("https://naas.t-mobile.com/qod/v0/sessions")
        .header("content-type", "application/json")
        .header("authorization", "Bearer abc123")
        .body(serde_json::to_vec(&create_body()).unwrap())
        .unwrap();
    let pop = time_per_op(if quick { 200 } else { 2_000 }, || {
        std::hint::black_box(
            signer
                .sign(
                    &request,
                    SystemTime::now(),
                    qod::models::uuid::Uuid::new_v4(),
                )
                .unwrap(),
        );
    });

    let sandbox = Sandbox::start(SandboxConfig {
        available_after: Duration::ZERO,
        auth: SandboxAuth::Taap {
            client_id: "bench-client".to_owned(),
            client_secret: "bench-secret".to_owned(),
            public_key_der: signer.public_key_der().to_vec(),
        },
        ..SandboxConfig::default()
    })
    .unwrap();
    let endpoint = Endpoint::builder(&sandbox.v0_url())
        .flavor(qod::Flavor::TMobile)
        .build()
        .unwrap();
    let taap = taap.with_token_url(&sandbox.taap_token_url()).unwrap();
    let core = ClientCore::new(endpoint).with_credentials(qod::Credentials::TMobile(taap));
    let client = Client::new(UreqTransport::new().unwrap(), core, Arc::new(StdClock));
    let created = client
        .create_session(&create_body().with_duration(3600))
        .unwrap();
    let id: SessionId = created.session_id;
    let per_call = time_per_op(calls, || {
        std::hint::black_box(client.get_session(id).unwrap());
    });
    let after = sandbox.stats();
    println!("TAAP (T-Mobile auth) against the sandbox, which verifies every PoP token");
    println!("  PoP token sign+encode {:>7.1} us", pop * 1e6);
    println!(
        "  GET with TAAP         {:>7.1} us/call; PoP share {:.0}%",
        per_call * 1e6,
        100.0 * pop / per_call
    );
    println!(
        "  counts for {} calls: TCP connections opened {}, token requests {}   (goal 3 and 1: the token request and the create each on a connection of its own, every read on one)",
        calls + 1,
        after.connections,
        after.token_requests
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    println!(
        "qod benchmark: {} on {} cores, {}",
        std::env::consts::ARCH,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if cfg!(debug_assertions) {
            "DEBUG build (numbers not meaningful)"
        } else {
            "release build"
        }
    );
    core_cost(quick);
    client_overhead(quick);
    end_to_end(quick);
    taap(quick);
}
