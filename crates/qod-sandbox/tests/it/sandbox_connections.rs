//! Connections to the sandbox end: clients that say nothing, send half a
//! head, stop in the middle of a body, leave a keep-alive connection idle
//! or never read their answers are cut off, and the sandbox keeps serving.
//! Framing a hostile client gets wrong is a 400 (no Host in HTTP/1.1, a
//! broken chunk), only a body over the limit a 413; pipelined requests are
//! answered in order.
//! The accept loop out of file descriptors is tested with the `qod` command
//! (`crates/qod-cli/tests/it/sandbox_command.rs`), which can run under `ulimit`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use qod_sandbox::{Sandbox, SandboxConfig};

const HEADER_READ_TIMEOUT: Duration = Duration::from_millis(400);
const IDLE_TIMEOUT: Duration = Duration::from_millis(800);
/// The bound within which the sandbox must have closed a connection: the
/// timeouts are well under a second; this only proves "no hang".
const PATIENCE: Duration = Duration::from_secs(15);

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        header_read_timeout: HEADER_READ_TIMEOUT,
        idle_timeout: IDLE_TIMEOUT,
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn connect(sandbox: &Sandbox) -> TcpStream {
    let stream = TcpStream::connect(sandbox.address()).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Reads until the sandbox closes the connection; returns what came, or
/// panics if it stays open past [`PATIENCE`].
fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0; 64 * 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return received,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return received,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("still open after {:?}", started.elapsed())
            }
            Err(e) => panic!("{e}"),
        }
        assert!(
            started.elapsed() < PATIENCE,
            "still open after {PATIENCE:?}"
        );
    }
}

fn get(path: &str, keep_alive: bool) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nhost: sandbox\r\nconnection: {}\r\n\r\n",
        if keep_alive { "keep-alive" } else { "close" }
    )
}

/// One request on a connection of its own, as a check that the sandbox serves.
fn serves(sandbox: &Sandbox) {
    let mut stream = connect(sandbox);
    stream
        .write_all(get("/qos-profiles/v1/qos-profiles/QOS_E", false).as_bytes())
        .unwrap();
    let answer = String::from_utf8(read_until_closed(&mut stream)).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn silent_and_slow_clients_are_cut_off() {
    let sandbox = sandbox();
    let started = Instant::now();
    let mut clients: Vec<TcpStream> = (0..200)
        .map(|n| {
            let mut stream = connect(&sandbox);
            if n % 2 == 1 {
                // Half a head, and then nothing.
                stream
                    .write_all(b"GET /qod/v0/qos-profiles HTTP/1.1\r\nhost: sand")
                    .unwrap();
            }
            stream
        })
        .collect();
    for client in &mut clients {
        read_until_closed(client);
    }
    println!("200 slow clients cut off in {:?}", started.elapsed());
    assert!(started.elapsed() >= HEADER_READ_TIMEOUT);
    serves(&sandbox);
    assert_eq!(sandbox.stats().requests, 1, "only the check was a request");
}

#[test]
fn a_keep_alive_connection_left_idle_is_closed() {
    let sandbox = sandbox();
    let mut stream = connect(&sandbox);
    stream
        .write_all(get("/qos-profiles/v1/qos-profiles/QOS_E", true).as_bytes())
        .unwrap();
    let started = Instant::now();
    let answer = String::from_utf8(read_until_closed(&mut stream)).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        started.elapsed() >= HEADER_READ_TIMEOUT / 2,
        "kept alive a while first"
    );
}

#[test]
fn a_body_that_stops_coming_is_not_waited_for() {
    let sandbox = sandbox();
    let mut stream = connect(&sandbox);
    stream
        .write_all(
            b"POST /quality-on-demand/v1/sessions HTTP/1.1\r\nhost: sandbox\r\n\
              content-type: application/json\r\ncontent-length: 100\r\n\r\n{\"device\":",
        )
        .unwrap();
    let answer = String::from_utf8(read_until_closed(&mut stream)).unwrap();
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    assert_eq!(sandbox.stats().sessions_created, 0);
    serves(&sandbox);
}

#[test]
fn a_client_that_never_reads_its_answers_is_cut_off() {
    let sandbox = sandbox();
    let stream = connect(&sandbox);
    // Pipelined requests whose answers (3 KB each) fill every buffer on
    // the way, while the client reads nothing: the sandbox is stuck writing.
    let mut writer = stream.try_clone().unwrap();
    writer
        .set_write_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let request = get("/qod/v0/qos-profiles", true);
    let writing = std::thread::spawn(move || {
        let mut written = 0_usize;
        while written < 20_000 && writer.write_all(request.as_bytes()).is_ok() {
            written += 1;
        }
        written
    });
    std::thread::sleep(IDLE_TIMEOUT * 3);
    let mut reader = stream;
    let started = Instant::now();
    let received = read_until_closed(&mut reader);
    let written = writing.join().unwrap();
    let answers = received
        .windows(12)
        .filter(|w| w == b"HTTP/1.1 200")
        .count();
    println!(
        "{written} requests sent, {answers} answers buffered, then closed {:?} after the client began to read",
        started.elapsed()
    );
    // Without the idle timeout the sandbox would answer every request once
    // the client reads.
    assert!(answers < written, "cut off before answering everything");
    serves(&sandbox);
}

/// Sends `request` on a connection of its own and reads until the sandbox
/// closes it.
fn exchange(sandbox: &Sandbox, request: &[u8]) -> String {
    let mut stream = connect(sandbox);
    stream.write_all(request).unwrap();
    String::from_utf8_lossy(&read_until_closed(&mut stream)).into_owned()
}

#[test]
fn http_1_1_needs_one_host_and_http_1_0_none() {
    let sandbox = sandbox();
    let path = "/qos-profiles/v1/qos-profiles/QOS_E";
    for request in [
        format!("GET {path} HTTP/1.1\r\nconnection: close\r\n\r\n"),
        format!("GET {path} HTTP/1.1\r\nhost: a\r\nhost: b\r\nconnection: close\r\n\r\n"),
    ] {
        let answer = exchange(&sandbox, request.as_bytes());
        assert!(answer.starts_with("HTTP/1.1 400"), "{request:?}: {answer}");
        assert!(answer.contains(r#""code":"INVALID_ARGUMENT""#), "{answer}");
        assert!(answer.contains("Host"), "{answer}");
    }
    // RFC 9112 3.2: only HTTP/1.1 must send Host.
    let answer = exchange(&sandbox, format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes());
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");
    assert!(answer.contains(r#""name":"QOS_E""#), "{answer}");
    serves(&sandbox);
}

#[test]
fn a_malformed_chunked_body_is_400_and_only_a_body_over_the_limit_413() {
    let sandbox = sandbox();
    let head = "POST /quality-on-demand/v1/sessions HTTP/1.1\r\nhost: sandbox\r\n\
                content-type: application/json\r\n";
    for (framing, status) in [
        // Not a chunk size, a chunk longer than it says, no CRLF after a chunk.
        (
            "transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "400",
        ),
        (
            "transfer-encoding: chunked\r\n\r\n2\r\n{}}}}\r\n0\r\n\r\n",
            "400",
        ),
        ("transfer-encoding: chunked\r\n\r\n2\r\n{}0\r\n\r\n", "400"),
        // Over the 64 KiB limit, announced or chunked.
        ("content-length: 1000000\r\n\r\n{", "413"),
    ] {
        let answer = exchange(&sandbox, format!("{head}{framing}").as_bytes());
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{framing:?}: {answer}"
        );
    }
    let mut big = format!("{head}transfer-encoding: chunked\r\n\r\n");
    for _ in 0..20 {
        big.push_str(&format!("1000\r\n{}\r\n", " ".repeat(0x1000)));
    }
    big.push_str("0\r\n\r\n");
    let answer = exchange(&sandbox, big.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(sandbox.stats().sessions_created, 0);
    assert_eq!(sandbox.stats().server_errors, 0);
    serves(&sandbox);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let sandbox = sandbox();
    let create = r#"{"device":{"phoneNumber":"+14255550900"},"applicationServer":{"ipv4Address":"198.51.100.1"},"qosProfile":"QOS_E","duration":60}"#;
    let mut requests = String::new();
    requests.push_str(&get("/qos-profiles/v1/qos-profiles/QOS_E", true));
    requests.push_str(&format!(
        "POST /quality-on-demand/v1/sessions HTTP/1.1\r\nhost: sandbox\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n{create}",
        create.len()
    ));
    requests.push_str("GET /nope HTTP/1.1\r\nhost: sandbox\r\n\r\n");
    requests.push_str("GET /qos-profiles/v1/qos-profiles/QOS_L HTTP/1.0\r\n\r\n");
    let answer = exchange(&sandbox, requests.as_bytes());
    let statuses: Vec<&str> = answer
        .match_indices("HTTP/1.")
        .map(|(at, _)| &answer[at..at + 12])
        .collect();
    assert_eq!(
        statuses,
        [
            "HTTP/1.1 200",
            "HTTP/1.1 201",
            "HTTP/1.1 404",
            "HTTP/1.0 200"
        ],
        "{answer}"
    );
    assert_eq!(sandbox.stats().sessions_created, 1);
}

#[test]
fn two_thousand_idle_keep_alive_connections_are_all_closed() {
    let sandbox = sandbox();
    let request = get("/qos-profiles/v1/qos-profiles/QOS_E", true);
    let started = Instant::now();
    let mut clients: Vec<TcpStream> = (0..2_000)
        .map(|_| {
            let mut stream = connect(&sandbox);
            stream.write_all(request.as_bytes()).unwrap();
            stream
        })
        .collect();
    // While they all sit idle, the sandbox still serves others.
    serves(&sandbox);
    let mut answered = 0;
    for client in &mut clients {
        let answer = read_until_closed(client);
        answered += usize::from(answer.starts_with(b"HTTP/1.1 200"));
    }
    println!(
        "2000 idle keep-alive connections closed {:?} after they opened",
        started.elapsed()
    );
    assert_eq!(answered, 2_000);
    assert!(started.elapsed() < PATIENCE);
    serves(&sandbox);
    assert_eq!(sandbox.stats().requests, 2_002);
}
