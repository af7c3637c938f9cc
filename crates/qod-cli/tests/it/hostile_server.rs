//! The `qod` command against hostile loopback servers and odd input: one
//! case per finding of the red-team run (issue 11). Each case bounds the
//! run's time, counts on the server side what reached it, and checks the
//! exit status and what was printed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod hostile;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use hostile::{Run, Stream, TempDir, leaks, openssl, qod, qod_writing_to};
use qod_testkit::{Reply, TestServer, json, response};

const ID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn session_json(status: &str) -> String {
    format!(
        r#"{{"sessionId":"{ID}","qosProfile":"QOS_E","duration":600,"qosStatus":"{status}","startedAt":1700000000,"expiresAt":1700000600}}"#
    )
}

/// A server that answers tokens at any `.../token(s)` path and sessions elsewhere.
fn api_server() -> TestServer {
    TestServer::start(|seen| {
        if seen.path.contains("token") {
            Reply::Raw(json(
                200,
                r#"{"access_token":"tok-1234567890","token_type":"Bearer","expires_in":3600}"#,
            ))
        } else if seen.method == "POST" {
            Reply::Raw(json(201, &session_json("REQUESTED")))
        } else {
            Reply::Raw(json(200, &session_json("REQUESTED")))
        }
    })
}

fn assert_refused(run: &Run, words: &[&str]) {
    assert_eq!(run.code, Some(2), "exit 2 expected: {}", run.stderr);
    for word in words {
        assert!(
            run.stderr.contains(word),
            "stderr should name {word:?}: {}",
            run.stderr
        );
    }
    assert!(
        run.elapsed < Duration::from_secs(5),
        "refused at once, took {:?}",
        run.elapsed
    );
}

// ---------------------------------------------------- 1. durations

#[test]
fn a_huge_timeout_is_refused_not_a_panic() {
    let server = api_server();
    let base = server.url("/qod/v0");
    for timeout in ["18446744073709551615", "0", "100000"] {
        let run = qod(
            &[
                "--base-url",
                &base,
                "--timeout",
                timeout,
                "session",
                "get",
                ID,
            ],
            &[],
        );
        assert_refused(&run, &["--timeout"]);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    assert_eq!(server.connections(), 0, "nothing was sent");
}

#[test]
fn wait_intervals_are_bounded() {
    let server = api_server();
    let base = server.url("/qod/v0");
    for interval in ["1e30", "1e-300", "0", "-1", "NaN", "inf", "0.01"] {
        let run = qod(
            &[
                "--base-url",
                &base,
                "session",
                "wait",
                ID,
                "--interval",
                interval,
                "--max-wait",
                "3",
            ],
            &[],
        );
        assert_refused(&run, &["--interval"]);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    let run = qod(
        &[
            "--base-url",
            &base,
            "session",
            "wait",
            ID,
            "--max-wait",
            "100000000",
        ],
        &[],
    );
    assert_refused(&run, &["--max-wait"]);
    assert_eq!(server.connections(), 0, "nothing was sent");
}

#[test]
fn the_shortest_interval_polls_at_a_bounded_rate() {
    let server = api_server();
    let base = server.url("/qod/v0");
    let run = qod(
        &[
            "--base-url",
            &base,
            "session",
            "wait",
            ID,
            "--interval",
            "0.1",
            "--max-wait",
            "1",
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("still REQUESTED"), "{}", run.stderr);
    let polls = server.count("GET", ID);
    assert!((2..=12).contains(&polls), "{polls} GETs in a 1 s wait");
}

// ---------------------------------------------------- 2. secrets in logs

const BEARER: &str = "canaryBearerToken0123456789abcdefghijklmnop";
const CLIENT_ID: &str = "canary-client-id-0123456789";
const CLIENT_SECRET: &str = "canaryClientSecret0123456789abcdefghijklmnop";
const ACCESS_TOKEN: &str = "canaryIssuedAccessToken0123456789abcdefghijk";
const WEBHOOK_TOKEN: &str = "canaryWebhookToken0123456789abcdefghijklmnop";
const SINK_TOKEN: &str = "canarySinkToken0123456789abcdefghijklmnopqrs";

/// Issues [`ACCESS_TOKEN`] for the canary client, refuses other clients,
/// answers sessions, and a 500 for the nil session id (an error path).
fn canary_server() -> TestServer {
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    TestServer::start(move |seen| {
        if seen.path.contains("token") {
            if seen.header("authorization") == Some(basic.as_str()) {
                Reply::Raw(json(
                    200,
                    &format!(
                        r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","expires_in":3600}}"#
                    ),
                ))
            } else {
                Reply::Raw(json(401, r#"{"error":"invalid_client"}"#))
            }
        } else if seen.path.ends_with("00000000-0000-0000-0000-000000000000") {
            Reply::Raw(json(
                500,
                r#"{"status":500,"code":"INTERNAL","message":"boom"}"#,
            ))
        } else if seen.method == "POST" {
            Reply::Raw(json(201, &session_json("REQUESTED")))
        } else {
            Reply::Raw(json(200, &session_json("AVAILABLE")))
        }
    })
}

/// Runs create, get, a failing get and a refused token at RUST_LOG=trace
/// with `auth` options; returns everything printed.
fn traced_runs(server: &TestServer, base: &str, auth: &[&str], create: &[&str]) -> String {
    let env = [("RUST_LOG", "trace")];
    let mut printed = String::new();
    let mut args: Vec<&str> = vec!["--base-url", base];
    args.extend_from_slice(auth);
    let mut run = |extra: &[&str], expect: i32| {
        let mut all = args.clone();
        all.extend_from_slice(extra);
        let result = qod(&all, &env);
        assert_eq!(result.code, Some(expect), "{extra:?}: {}", result.stderr);
        printed.push_str(&result.all_output());
    };
    run(create, 0);
    run(&["session", "get", ID], 0);
    run(
        &["session", "get", "00000000-0000-0000-0000-000000000000"],
        1,
    );
    assert!(server.connections() > 0);
    printed
}

fn assert_no_canary(printed: &str, secrets: &[&str]) {
    assert!(
        printed.contains("TRACE") || printed.contains("DEBUG"),
        "the runs logged at trace level"
    );
    let leaked: Vec<&&str> = secrets.iter().filter(|s| leaks(printed, s)).collect();
    assert!(
        leaked.is_empty(),
        "secrets in the output at RUST_LOG=trace: {leaked:?}"
    );
}

#[test]
fn no_secret_in_trace_logs_with_a_bearer_token() {
    let server = canary_server();
    let base = server.url("/quality-on-demand/v1");
    let printed = traced_runs(
        &server,
        &base,
        &["--auth", "bearer", "--token", BEARER],
        &[
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_E",
            "--duration",
            "600",
            "--app-server-ipv4",
            "198.51.100.10",
            "--sink",
            "https://app.example.com/notify",
            "--sink-token",
            SINK_TOKEN,
        ],
    );
    assert_no_canary(&printed, &[BEARER, SINK_TOKEN]);
}

#[test]
fn no_secret_in_trace_logs_with_oauth2() {
    let server = canary_server();
    let base = server.url("/quality-on-demand/v1");
    let token_url = server.url("/oauth/token");
    let auth = [
        "--auth",
        "oauth2",
        "--token-url",
        &token_url,
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
    ];
    let mut printed = traced_runs(
        &server,
        &base,
        &auth,
        &[
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_E",
            "--duration",
            "600",
            "--app-server-ipv4",
            "198.51.100.10",
        ],
    );
    // The token endpoint refusing the client: an error path with the Basic header.
    let refused = qod(
        &[
            "--base-url",
            &base,
            "--auth",
            "oauth2",
            "--token-url",
            &token_url,
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            "canaryWrongSecret0123456789abcdefghijklmnop",
            "session",
            "get",
            ID,
        ],
        &[("RUST_LOG", "trace")],
    );
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    printed.push_str(&refused.all_output());
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let wrong_basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{CLIENT_ID}:canaryWrongSecret0123456789abcdefghijklmnop"
    ));
    assert_no_canary(
        &printed,
        &[
            CLIENT_SECRET,
            ACCESS_TOKEN,
            &basic,
            &wrong_basic,
            "canaryWrongSecret0123456789abcdefghijklmnop",
        ],
    );
}

#[test]
fn no_secret_in_trace_logs_with_tmobile_taap() {
    let dir = TempDir::new("taap");
    let key = dir.path("key.pem");
    let key_path = key.to_str().unwrap();
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        key_path,
    ]);
    let server = canary_server();
    let base = server.url("/qod/v0");
    let printed = traced_runs(
        &server,
        &base,
        &[
            "--auth",
            "tmobile",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
            "--private-key",
            key_path,
        ],
        &[
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_E",
            "--duration",
            "600",
            "--webhook-url",
            "https://app.example.com/notify",
            "--webhook-token",
            WEBHOOK_TOKEN,
        ],
    );
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    // Every PoP token the server received, by its signature.
    let pops: Vec<String> = server
        .seen()
        .iter()
        .filter_map(|s| s.header("x-authorization"))
        .map(|jwt| jwt.rsplit('.').next().unwrap().to_owned())
        .collect();
    assert!(
        pops.len() >= 4,
        "PoP tokens on the token call and API calls"
    );
    let mut secrets = vec![CLIENT_SECRET, ACCESS_TOKEN, WEBHOOK_TOKEN, basic.as_str()];
    secrets.extend(pops.iter().map(String::as_str));
    assert_no_canary(&printed, &secrets);
}

// ---------------------------------------------------- 3. ports

#[test]
fn a_port_out_of_range_is_refused_before_anything_is_sent() {
    // When this test may listen on port 80 or 443, it proves nothing went there.
    let default_ports = [
        TestServer::try_bind_raw("127.0.0.1:80", drop).ok(),
        TestServer::try_bind_raw("127.0.0.1:443", drop).ok(),
    ];
    for url in [
        "http://127.0.0.1:99999/qod/v0",
        "http://127.0.0.1:65536/qod/v0",
        "https://127.0.0.1:70000/qod/v0",
        "http://127.0.0.1:0/qod/v0",
    ] {
        let run = qod(&["--base-url", url, "session", "get", ID], &[]);
        assert_refused(&run, &["--base-url", "port"]);
    }
    let server = api_server();
    let base = server.url("/quality-on-demand/v1");
    let run = qod(
        &[
            "--base-url",
            &base,
            "--auth",
            "oauth2",
            "--token-url",
            "http://127.0.0.1:99999/token",
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "session",
            "get",
            ID,
        ],
        &[],
    );
    assert_refused(&run, &["token URL", "port"]);
    let run = qod(
        &[
            "--base-url",
            &server.url("/qod/v0"),
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_E",
            "--webhook-url",
            "https://app.example.com:99999/cb",
        ],
        &[],
    );
    assert_refused(&run, &["--webhook-url", "port"]);
    assert_eq!(server.connections(), 0, "nothing was sent");
    for listener in default_ports.iter().flatten() {
        assert_eq!(
            listener.connections(),
            0,
            "nothing went to {}",
            listener.addr()
        );
    }
}

// ---------------------------------------------------- 4. terminal escapes

const FORGED: &str = "\u{1b}[2J\u{1b}[H\rerror: forged line\nerror: another\u{7}\u{202e}";

fn no_control_characters(text: &str) -> bool {
    !text
        .chars()
        .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
}

#[test]
fn server_text_is_printed_with_control_characters_escaped() {
    let message = serde_json::to_string(FORGED).unwrap();
    let server = TestServer::start(move |seen| {
        if seen.path.contains("token") {
            Reply::Raw(json(
                400,
                &format!(r#"{{"error":"invalid_client","error_description":{message}}}"#),
            ))
        } else if seen.path.ends_with("00000000-0000-0000-0000-000000000000") {
            // An unknown status is kept as text, and `wait` prints it.
            Reply::Raw(json(
                200,
                &format!(
                    r#"{{"sessionId":"00000000-0000-0000-0000-000000000000","qosProfile":"QOS_E","duration":600,"qosStatus":{message}}}"#
                ),
            ))
        } else {
            Reply::Raw(json(
                409,
                &format!(r#"{{"status":409,"code":{message},"message":{message}}}"#),
            ))
        }
    });
    let base = server.url("/quality-on-demand/v1");
    let runs = [
        qod(&["--base-url", &base, "session", "get", ID], &[]),
        qod(
            &[
                "--base-url",
                &base,
                "--auth",
                "oauth2",
                "--token-url",
                &server.url("/token"),
                "--client-id",
                "id",
                "--client-secret",
                "secret",
                "session",
                "get",
                ID,
            ],
            &[],
        ),
    ];
    for run in &runs {
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(
            no_control_characters(&run.stderr),
            "raw control characters on stderr: {:?}",
            run.stderr
        );
        // One line of the error, and maybe a hint of qod's own below it.
        let mut lines = run.stderr.lines();
        assert!(
            lines.next().is_some_and(|line| line.starts_with("error: ")),
            "{:?}",
            run.stderr
        );
        assert!(
            lines.all(|line| line.starts_with("hint: ") && !line.contains("forged")),
            "one line of the error: {:?}",
            run.stderr
        );
        assert!(run.stderr.contains("forged line"), "{:?}", run.stderr);
        assert!(run.stderr.contains("\\u{1b}"), "{:?}", run.stderr);
    }
    // A status qod does not know is no decision: the wait goes on until
    // --max-wait, and the last reading is printed escaped.
    let waited = qod(
        &[
            "--base-url",
            &base,
            "session",
            "wait",
            "--interval",
            "0.2",
            "--max-wait",
            "1",
            "00000000-0000-0000-0000-000000000000",
        ],
        &[],
    );
    assert_eq!(waited.code, Some(1), "{}", waited.stderr);
    assert!(waited.stderr.contains("after"), "{}", waited.stderr);
    assert!(
        no_control_characters(&waited.stderr) && waited.stderr.contains("forged line"),
        "{:?}",
        waited.stderr
    );
}

// ---------------------------------------------------- 5. stale connections

#[test]
fn fifty_creates_against_a_server_that_drops_each_connection_after_answering() {
    let server = TestServer::start(|seen| {
        let body = if seen.path.contains("token") {
            json(
                200,
                r#"{"access_token":"tok-1234567890","token_type":"Bearer","expires_in":3600}"#,
            )
        } else {
            json(201, &session_json("REQUESTED"))
        };
        // The connection is dropped 3 ms after the answer, whatever arrives meanwhile.
        Reply::RawThenClose {
            bytes: body,
            linger: Duration::from_millis(3),
        }
    });
    let base = server.url("/quality-on-demand/v1");
    let token_url = server.url("/oauth/token");
    let mut failures = Vec::new();
    for _ in 0..50 {
        let run = qod(
            &[
                "--base-url",
                &base,
                "--auth",
                "oauth2",
                "--token-url",
                &token_url,
                "--client-id",
                "id",
                "--client-secret",
                "secret",
                "session",
                "create",
                "--phone",
                "+14255550100",
                "--profile",
                "QOS_E",
                "--duration",
                "600",
                "--app-server-ipv4",
                "198.51.100.10",
            ],
            &[],
        );
        if run.code != Some(0) {
            failures.push(run.stderr);
        }
    }
    let created = 50 - failures.len();
    let arrived = server.count("POST", "/sessions");
    eprintln!(
        "stale connections: {created} of 50 created, {arrived} POST /sessions arrived, {} connections",
        server.connections()
    );
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(
        arrived, 50,
        "each create arrived exactly once: no duplicate"
    );
}

// ---------------------------------------------------- 6. TLS and connect failures

/// A self-signed certificate for 127.0.0.1, and its key, in `dir`.
fn self_signed(dir: &TempDir) -> (Vec<u8>, Vec<u8>) {
    let (cert, key) = (dir.path("cert.pem"), dir.path("key.pem"));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        key.to_str().unwrap(),
        "-out",
        cert.to_str().unwrap(),
    ]);
    (std::fs::read(cert).unwrap(), std::fs::read(key).unwrap())
}

/// A TLS server whose certificate no client trusts.
fn untrusted_tls_server(cert_pem: &[u8], key_pem: &[u8]) -> TestServer {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(key_pem).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    TestServer::raw(move |mut stream| {
        let mut connection = rustls::ServerConnection::new(config.clone()).unwrap();
        while connection.is_handshaking() {
            if connection.complete_io(&mut stream).is_err() {
                return;
            }
        }
    })
}

fn https_base(server: &TestServer, path: &str) -> String {
    format!("https://{}{path}", server.addr())
}

#[test]
fn a_refused_certificate_is_not_retried_and_not_called_maybe_sent() {
    let dir = TempDir::new("tls");
    let (cert, key) = self_signed(&dir);
    let server = untrusted_tls_server(&cert, &key);
    let base = https_base(&server, "/qod/v0");
    let get = qod(&["--base-url", &base, "session", "get", ID], &[]);
    assert_eq!(get.code, Some(1), "{}", get.stderr);
    assert!(get.stderr.contains("certificate"), "{}", get.stderr);
    assert!(!get.stderr.contains("may have been sent"), "{}", get.stderr);
    assert_eq!(
        server.connections(),
        1,
        "a certificate error is not retried"
    );
    let create = qod(
        &[
            "--base-url",
            &base,
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_E",
        ],
        &[],
    );
    assert_eq!(create.code, Some(1), "{}", create.stderr);
    assert!(create.stderr.contains("not sent"), "{}", create.stderr);
    assert_eq!(server.connections(), 2, "one attempt per command");
}

#[test]
fn a_plain_http_server_behind_an_https_url_is_a_handshake_failure_not_sent() {
    let server = TestServer::raw(|mut stream| {
        use std::io::{Read, Write};
        let mut hello = [0_u8; 512];
        let _ = stream.read(&mut hello);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
    });
    let base = https_base(&server, "/qod/v0");
    let create = qod(
        &[
            "--base-url",
            &base,
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_E",
        ],
        &[],
    );
    assert_eq!(create.code, Some(1), "{}", create.stderr);
    assert!(create.stderr.contains("not sent"), "{}", create.stderr);
    assert!(
        !create.stderr.contains("may have been sent"),
        "{}",
        create.stderr
    );
    assert!(create.elapsed < Duration::from_secs(10));
}

// ---------------------------------------------------- 7. input holes

fn create_args<'a>(base: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--base-url",
        base,
        "session",
        "create",
        "--phone",
        "+14255550100",
        "--profile",
        "QOS_E",
        "--duration",
        "600",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn input_holes_are_closed_with_the_field_and_rule_named() {
    let server = api_server();
    let v0 = server.url("/qod/v0");
    let v1 = server.url("/quality-on-demand/v1");
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            create_args(&v0, &["--webhook-url", "http://app.example.com/cb"]),
            &["--webhook-url", "https"],
        ),
        (
            create_args(
                &v0,
                &["--webhook-url", "https://user:pw@app.example.com/cb"],
            ),
            &["--webhook-url", "credentials"],
        ),
        (
            create_args(
                &v1,
                &[
                    "--app-server-ipv4",
                    "198.51.100.10",
                    "--sink",
                    "https://user:pw@app.example.com/cb",
                ],
            ),
            &["--sink", "credentials"],
        ),
        (
            create_args(&v1, &["--app-server-ipv4", "1.2.3.4/24"]),
            &["--app-server-ipv4", "1.2.3.0/24"],
        ),
        (
            create_args(&v1, &["--app-server-ipv6", "2001:db8::1/64"]),
            &["--app-server-ipv6", "2001:db8::/64"],
        ),
        (
            vec![
                "--base-url",
                &v1,
                "session",
                "retrieve",
                "--ipv4",
                "1.2.3.4:0",
            ],
            &["--ipv4", "port"],
        ),
        (
            vec!["--base-url", &v1, "--correlator", "", "session", "get", ID],
            &["--correlator", "empty"],
        ),
    ];
    for (args, words) in &cases {
        let run = qod(args, &[]);
        assert_refused(&run, words);
    }
    let token_url_with_userinfo = qod(
        &[
            "--base-url",
            &v1,
            "--auth",
            "oauth2",
            "--token-url",
            &format!("http://user:pw@{}/token", server.addr()),
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "session",
            "get",
            ID,
        ],
        &[],
    );
    assert_refused(&token_url_with_userinfo, &["token URL", "credentials"]);
    assert_eq!(server.connections(), 0, "nothing was sent");
}

#[test]
fn an_endless_private_key_file_is_refused_quickly() {
    let server = api_server();
    let run = qod(
        &[
            "--base-url",
            &server.url("/qod/v0"),
            "--auth",
            "tmobile",
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "--private-key",
            "/dev/zero",
            "session",
            "get",
            ID,
        ],
        &[],
    );
    assert_refused(&run, &["--private-key", "not a regular file"]);
    let dir = TempDir::new("huge-key");
    let huge = dir.path("huge.pem");
    std::fs::write(&huge, vec![b'a'; 64 * 1024 + 1]).unwrap();
    let run = qod(
        &[
            "--base-url",
            &server.url("/qod/v0"),
            "--auth",
            "tmobile",
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "--private-key",
            huge.to_str().unwrap(),
            "session",
            "get",
            ID,
        ],
        &[],
    );
    assert_refused(&run, &["--private-key", "larger than 64 KiB"]);
    assert_eq!(server.connections(), 0);
}

// ---------------------------------------------------- 8. error text

#[test]
fn each_cause_is_printed_once() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let run = qod(
        &[
            "--base-url",
            &format!("http://127.0.0.1:{port}/qod/v0"),
            "session",
            "get",
            ID,
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("refused").count(),
        1,
        "the cause once: {}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("not sent").count(), 1, "{}", run.stderr);
}

#[test]
fn the_body_limit_is_reported_as_the_limit() {
    let server = TestServer::start(|_| {
        Reply::Raw(response(
            200,
            "application/json",
            &vec![b' '; 2 * 1024 * 1024],
        ))
    });
    let run = qod(
        &["--base-url", &server.url("/qod/v0"), "session", "get", ID],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("1048576"), "{}", run.stderr);
    assert!(!run.stderr.contains("1048577"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("limit").count(), 1, "{}", run.stderr);
}

// ---------------------------------------------------- 9. red-team run 2: streams, files, tokens

/// A server that answers QoS assignments as well as sessions and tokens.
fn assignment_server() -> TestServer {
    TestServer::start(|seen| {
        if seen.path.contains("qos-assignments") {
            let status = if seen.method == "POST" { 201 } else { 200 };
            Reply::Raw(json(
                status,
                &format!(r#"{{"assignmentId":"{ID}","qosProfile":"QOS_L","status":"REQUESTED"}}"#),
            ))
        } else if seen.method == "DELETE" {
            Reply::Raw(json(204, ""))
        } else if seen.method == "POST" {
            Reply::Raw(json(201, &session_json("REQUESTED")))
        } else {
            Reply::Raw(json(200, &session_json("REQUESTED")))
        }
    })
}

fn no_panic(run: &Run) {
    assert_ne!(run.code, Some(101), "panicked: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_reader_that_closed_its_pipe_ends_the_command_quietly() {
    let server = assignment_server();
    let base = server.url("/qod/v0");
    for args in [
        vec!["completions", "bash"],
        vec!["--base-url", &base, "session", "get", ID],
        vec![
            "--base-url",
            &base,
            "--output",
            "table",
            "session",
            "get",
            ID,
        ],
        vec!["--help"],
    ] {
        let run = qod_writing_to(&args, &[], Stream::ReaderGone, Stream::Piped);
        no_panic(&run);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{args:?}: quiet");
    }
}

#[test]
fn a_full_stdout_is_one_line_of_error_and_exit_1() {
    let server = assignment_server();
    let base = server.url("/qod/v0");
    for args in [
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["--base-url", &base, "session", "get", ID],
        vec!["--help"],
    ] {
        let run = qod_writing_to(&args, &[], Stream::Full, Stream::Piped);
        no_panic(&run);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: cannot write the output: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn an_unwritable_stderr_keeps_the_exit_status() {
    let server = assignment_server();
    let base = server.url("/qod/v0");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}/qod/v0", closed.local_addr().unwrap());
    drop(closed);
    for err in [Stream::Full, Stream::ReaderGone, Stream::Closed] {
        for (args, code) in [
            (vec!["--base-url", &base, "session", "delete", ID], 0),
            (vec!["--base-url", &base, "session", "get", "not-an-id"], 2),
            (vec!["--base-url", &nowhere, "session", "get", ID], 1),
            (
                vec!["--base-url", &base, "--verbose", "session", "get", ID],
                0,
            ),
            (
                vec![
                    "--base-url",
                    &base,
                    "session",
                    "wait",
                    ID,
                    "--interval",
                    "0.1",
                    "--max-wait",
                    "0.3",
                ],
                1,
            ),
            (vec!["--bogus-flag"], 2),
        ] {
            let run = qod_writing_to(&args, &[], Stream::Piped, err);
            no_panic(&run);
            assert_eq!(run.code, Some(code), "{args:?} with stderr {err:?}");
        }
    }
    assert_eq!(server.count("DELETE", ID), 3, "each delete was sent");
}

#[test]
fn a_create_whose_output_cannot_be_written_names_what_it_made_on_stderr() {
    let server = assignment_server();
    let v0 = server.url("/qod/v0");
    let v1 = server.url("/quality-on-demand/v1");
    let session = [
        "--base-url",
        &v0,
        "session",
        "create",
        "--phone",
        "+14255550100",
        "--profile",
        "QOS_E",
    ];
    let assignment = [
        "--base-url",
        &v1,
        "assignment",
        "create",
        "--phone",
        "+14255550100",
        "--profile",
        "QOS_L",
    ];
    for out in [Stream::Closed, Stream::Full, Stream::ReaderGone] {
        let run = qod_writing_to(&session, &[], out, Stream::Piped);
        no_panic(&run);
        assert_eq!(run.code, Some(1), "stdout {out:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: cannot write the output"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.lines().any(|line| line
                == format!("session {ID} was created; delete it with: qod session delete {ID}")),
            "stdout {out:?}: {}",
            run.stderr
        );
        let run = qod_writing_to(&assignment, &[], out, Stream::Piped);
        no_panic(&run);
        assert_eq!(run.code, Some(1), "stdout {out:?}: {}", run.stderr);
        assert!(
            run.stderr.lines().any(|line| line
                == format!(
                    "assignment {ID} was created; revoke it with: qod assignment revoke {ID}"
                )),
            "stdout {out:?}: {}",
            run.stderr
        );
    }
    // Output discarded on purpose is not a failure.
    let to_null = qod_writing_to(&session, &[], Stream::Null, Stream::Piped);
    assert_eq!(to_null.code, Some(0), "{}", to_null.stderr);
}

/// Makes a FIFO with `mkfifo`.
fn fifo(dir: &TempDir, name: &str) -> String {
    let path = dir.path(name);
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_fifo_key_file_is_refused_at_once() {
    let server = api_server();
    let dir = TempDir::new("fifo");
    let private = fifo(&dir, "private.pem");
    let public = fifo(&dir, "public.pem");
    let run = qod(
        &[
            "--base-url",
            &server.url("/qod/v0"),
            "--auth",
            "tmobile",
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "--private-key",
            &private,
            "session",
            "get",
            ID,
        ],
        &[],
    );
    assert_refused(&run, &["--private-key", "not a regular file"]);
    let run = qod(
        &["session", "get", ID],
        &[
            ("QOD_BASE_URL", &server.url("/qod/v0")),
            ("QOD_AUTH", "tmobile"),
            ("QOD_CLIENT_ID", "id"),
            ("QOD_CLIENT_SECRET", "secret"),
            ("QOD_PRIVATE_KEY_FILE", &private),
        ],
    );
    assert_refused(&run, &["--private-key", "not a regular file"]);
    let run = qod(
        &[
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--auth",
            "tmobile",
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "--client-public-key",
            &public,
        ],
        &[],
    );
    assert_refused(&run, &["--client-public-key", "not a regular file"]);
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_token_that_cannot_be_a_header_value_is_refused_before_sending() {
    let server = api_server();
    let base = server.url("/qod/v0");
    let huge = "a".repeat(100_000);
    for token in ["", "tök", "two words", "a\u{1}b", "tab\there", &huge] {
        let run = qod(
            &[
                "--base-url",
                &base,
                "--auth",
                "bearer",
                "--token",
                token,
                "session",
                "get",
                ID,
            ],
            &[],
        );
        assert_refused(&run, &["--token"]);
        assert!(
            run.stderr.len() < 400,
            "the token is not echoed: {}",
            run.stderr
        );
        let run = qod(
            &[
                "--base-url",
                &base,
                "--auth",
                "bearer",
                "session",
                "get",
                ID,
            ],
            &[("QOD_TOKEN", token)],
        );
        assert_refused(&run, &["--token"]);
        if !token.is_empty() {
            // The sandbox would accept a token no client can send.
            let run = qod(
                &[
                    "sandbox",
                    "--addr",
                    "127.0.0.1:0",
                    "--auth",
                    "bearer",
                    "--token",
                    token,
                ],
                &[],
            );
            assert_refused(&run, &["--token"]);
        }
    }
    assert_eq!(server.connections(), 0, "nothing was sent");
}

#[test]
fn a_fractional_max_wait_ends_the_wait_in_time() {
    let server = api_server();
    let base = server.url("/qod/v0");
    let run = qod(
        &[
            "--base-url",
            &base,
            "session",
            "wait",
            ID,
            "--interval",
            "0.1",
            "--max-wait",
            "0.5",
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("still REQUESTED"), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(3), "{:?}", run.elapsed);
    for max_wait in ["-1", "-0.5", "NaN", "inf", "1e30", "86401", "x"] {
        let run = qod(
            &[
                "--base-url",
                &base,
                "session",
                "wait",
                ID,
                "--max-wait",
                max_wait,
            ],
            &[],
        );
        assert_refused(&run, &["--max-wait", "0 to 86400"]);
        no_panic(&run);
    }
}

#[test]
fn wide_and_invisible_server_text_keeps_the_table_aligned_and_visible() {
    let device = "\u{6771}\u{4eac}\u{2028}\u{202e}\u{061c}\u{feff}\u{85}";
    let body = format!(
        r#"[{{"sessionId":"{ID}","qosProfile":"QOS_E","duration":600,"qosStatus":"AVAILABLE","device":{{"networkAccessIdentifier":"{device}@x"}}}},{{"sessionId":"{ID}","qosProfile":"QOS_E","duration":600,"qosStatus":"AVAILABLE","device":{{"networkAccessIdentifier":"ab@x"}}}}]"#
    );
    let server = TestServer::start(move |_| Reply::Raw(json(200, &body)));
    let run = qod(
        &[
            "--base-url",
            &server.url("/quality-on-demand/v1"),
            "--output",
            "table",
            "session",
            "retrieve",
            "--phone",
            "+14255550100",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    for escape in ["\\u{2028}", "\\u{202e}", "\\u{61c}", "\\u{feff}", "\\u{85}"] {
        assert!(lines[1].contains(escape), "{escape} in {}", lines[1]);
    }
    // DURATION starts at the same terminal column on every line: the CJK
    // characters count two columns each.
    let column_of = |line: &str, text: &str| {
        let at = line.find(text).unwrap();
        line[..at]
            .chars()
            .map(|c| {
                if ('\u{4e00}'..='\u{9fff}').contains(&c) {
                    2
                } else {
                    1
                }
            })
            .sum::<usize>()
    };
    let duration = column_of(lines[0], "DURATION");
    assert_eq!(column_of(lines[1], "600 s"), duration, "{}", run.stdout);
    assert_eq!(column_of(lines[2], "600 s"), duration, "{}", run.stdout);
}

/// The status a flickering server gives: REQUESTED, then a status no
/// version of the spec has, and again.
fn flickering_server(kind: &'static str) -> TestServer {
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    TestServer::start(move |_| {
        let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let status = if n.is_multiple_of(2) {
            "REQUESTED"
        } else {
            "FLICKERING"
        };
        let body = if kind == "session" {
            session_json(status)
        } else {
            format!(r#"{{"assignmentId":"{ID}","qosProfile":"QOS_L","status":"{status}"}}"#)
        };
        Reply::Raw(json(200, &body))
    })
}

#[test]
fn a_wait_on_a_status_flickering_to_unknown_ends_at_max_wait() {
    for (kind, base_path) in [
        ("session", "/qod/v0"),
        ("assignment", "/quality-on-demand/v1"),
    ] {
        let server = flickering_server(kind);
        let run = qod(
            &[
                "--base-url",
                &server.url(base_path),
                kind,
                "wait",
                ID,
                "--interval",
                "0.1",
                "--max-wait",
                "1",
            ],
            &[],
        );
        assert_eq!(run.code, Some(1), "{kind}: {}", run.stderr);
        assert!(run.stderr.contains("still"), "{kind}: {}", run.stderr);
        assert!(
            run.elapsed < Duration::from_secs(5),
            "{kind}: {:?}",
            run.elapsed
        );
        assert!(server.count("GET", ID) >= 3, "{kind}: it kept polling");
    }
}

// ------------------------------------ the token step and what was not sent

/// A token endpoint that accepts and never answers; the API is on the same server.
fn hanging_token_server() -> TestServer {
    TestServer::raw(|stream| {
        // Hold the connection open, say nothing, until the client gives up.
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        let mut reader = std::io::BufReader::new(&stream);
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut reader, &mut sink);
    })
}

#[test]
fn a_create_whose_token_request_timed_out_says_nothing_was_created() {
    let server = hanging_token_server();
    let run = qod(
        &[
            "--base-url",
            &server.url("/quality-on-demand/v1"),
            "--auth",
            "oauth2",
            "--token-url",
            &server.url("/token"),
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "--timeout",
            "1",
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_E",
            "--app-server-ipv4",
            "198.51.100.10",
            "--duration",
            "600",
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    // Before: "request may have been sent … timed out (global)", after 5 s.
    assert!(!run.stderr.contains("may have been sent"), "{}", run.stderr);
    assert!(
        run.stderr.contains("the token request failed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("was not sent"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no session was created"),
        "{}",
        run.stderr
    );
    assert!(
        run.elapsed < Duration::from_secs(8),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn a_token_endpoint_s_empty_or_binary_answer_is_named_in_the_message() {
    for (reply, expected) in [
        (response(302, "text/html", b""), "HTTP 302: empty body"),
        (
            response(500, "application/octet-stream", &[0xff, 0xfe, 0x00, 0x81]),
            "HTTP 500: 4 bytes, not UTF-8 text",
        ),
    ] {
        let server = TestServer::start(move |_| Reply::Raw(reply.clone()));
        let run = qod(
            &[
                "--base-url",
                &server.url("/quality-on-demand/v1"),
                "--auth",
                "oauth2",
                "--token-url",
                &server.url("/token"),
                "--client-id",
                "id",
                "--client-secret",
                "secret",
                "session",
                "get",
                ID,
            ],
            &[],
        );
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(run.stderr.contains(expected), "{}", run.stderr);
    }
}

#[test]
fn a_created_answer_with_no_readable_id_says_a_session_was_probably_made() {
    let server = TestServer::start(|seen| {
        if seen.method == "POST" {
            Reply::Raw(json(201, ""))
        } else {
            Reply::Raw(json(
                404,
                r#"{"status":404,"code":"NOT_FOUND","message":"x"}"#,
            ))
        }
    });
    let run = qod(
        &[
            "--base-url",
            &server.url("/quality-on-demand/v1"),
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_E",
            "--app-server-ipv4",
            "198.51.100.10",
            "--duration",
            "600",
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("a session was probably created"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("qod session retrieve"),
        "{}",
        run.stderr
    );
    assert_eq!(server.count("POST", "/sessions"), 1, "never created twice");
}

#[test]
fn a_wait_ends_by_max_wait_whatever_retry_after_asks() {
    // Before: 58 s, two Retry-After: 29 waits inside a --max-wait of 5.
    let server = TestServer::start(|_| {
        let mut reply =
            b"HTTP/1.1 503 X\r\nretry-after: 29\r\ncontent-type: application/json\r\n".to_vec();
        let body = br#"{"status":503,"code":"UNAVAILABLE","message":"later"}"#;
        reply.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
        reply.extend_from_slice(body);
        Reply::Raw(reply)
    });
    let run = qod(
        &[
            "--base-url",
            &server.url("/quality-on-demand/v1"),
            "session",
            "wait",
            "--max-wait",
            "5",
            ID,
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("503"), "{}", run.stderr);
    assert!(
        run.elapsed < Duration::from_secs(8),
        "took {:?}",
        run.elapsed
    );
}
