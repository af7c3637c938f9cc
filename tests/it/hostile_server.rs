//! The library against hostile loopback servers: connections dropped
//! behind the client's back, TLS that cannot work, URLs and timeouts a
//! transport must refuse. The `qod` command's side of the same findings
//! (issue 11) is in crates/qod-cli/tests/it/hostile_server.rs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use qod::auth::ClientCredentials;
use qod::core::Transport;
use qod::ureq_transport::{MAX_TIMEOUT, UreqTransport};
use qod::{Credentials, Delivery, Error, ErrorKind, RetryPolicy};
use qod_testkit::{Reply, TestServer};

use crate::support;

const ID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn session_json() -> String {
    format!(r#"{{"sessionId":"{ID}","qosProfile":"QOS_E","duration":600,"qosStatus":"REQUESTED"}}"#)
}

fn oauth_client(server: &TestServer) -> qod::Client {
    let credentials =
        ClientCredentials::new(&server.url("/oauth/token"), "client-id", "client-secret").unwrap();
    qod::ClientBuilder::new(&server.url("/quality-on-demand/v1"))
        .unwrap()
        .credentials(Credentials::ClientCredentials(credentials))
        .build()
        .unwrap()
}

fn creates(server: &TestServer) -> usize {
    server
        .seen()
        .iter()
        .filter(|s| s.method == "POST" && s.path.ends_with("/sessions"))
        .count()
}

#[test]
fn creates_never_go_over_a_connection_the_server_is_dropping() {
    let server = support::dropping_server(session_json());
    let started = Instant::now();
    let mut failures = Vec::new();
    // A client per create, as the `qod` command runs: token, then create.
    for _ in 0..25 {
        if let Err(error) =
            oauth_client(&server).create_session(&support::phone_session("+14255550100", 600))
        {
            failures.push(error.to_string());
        }
    }
    // One client for many creates, each after a read left a connection idle.
    let client = oauth_client(&server);
    for _ in 0..25 {
        let _ = client.get_session(ID.parse().unwrap());
        if let Err(error) = client.create_session(&support::phone_session("+14255550100", 600)) {
            failures.push(error.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );
    assert_eq!(creates(&server), 50, "each create arrived once");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn reads_keep_their_pooled_connection_around_creates() {
    let server = TestServer::start(|seen| {
        Reply::json(
            if seen.method == "POST" { 201 } else { 200 },
            &session_json(),
        )
    });
    let client = qod::ClientBuilder::new(&server.url("/quality-on-demand/v1"))
        .unwrap()
        .build()
        .unwrap();
    for _ in 0..3 {
        for _ in 0..10 {
            client.get_session(ID.parse().unwrap()).unwrap();
        }
        client
            .create_session(&support::phone_session("+14255550100", 600))
            .unwrap();
    }
    assert_eq!(
        server.connections(),
        4,
        "one pooled connection for 30 reads, one of its own for each create"
    );
}

// ---------------------------------------------------------------- TLS

/// A self-signed certificate for 127.0.0.1 and its key, made by openssl.
fn self_signed() -> (Vec<u8>, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("qod-hostile-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let output = Command::new("openssl")
        .args([
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
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pair = (std::fs::read(&cert).unwrap(), std::fs::read(&key).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
    pair
}

fn untrusted_tls_server() -> TestServer {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let (cert, key) = self_signed();
    let certs = CertificateDer::pem_slice_iter(&cert)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(&key).unwrap();
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

fn tls_client(server: &TestServer) -> qod::Client {
    qod::ClientBuilder::new(&format!("https://{}/qod/v0", server.addr()))
        .unwrap()
        .retry_policy(RetryPolicy::default().with_initial_backoff(Duration::from_millis(10)))
        .build()
        .unwrap()
}

fn transport_source(error: &Error) -> &qod::TransportError {
    match error.kind() {
        ErrorKind::Transport(source) => source,
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[test]
fn a_refused_certificate_is_fatal_not_sent_and_never_retried() {
    let server = untrusted_tls_server();
    let client = tls_client(&server);
    let error = client.get_session(ID.parse().unwrap()).unwrap_err();
    let source = transport_source(&error);
    assert_eq!(source.delivery(), Delivery::Fatal, "{error}");
    assert!(source.to_string().contains("certificate"), "{source}");
    assert_eq!(server.connections(), 1, "not retried");
    let error = client
        .create_session(&support::phone_session("+14255550100", 600))
        .unwrap_err();
    assert!(transport_source(&error).to_string().contains("not sent"));
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_handshake_with_a_plain_http_server_is_not_sent() {
    let server = TestServer::raw(|mut stream| {
        let mut hello = [0_u8; 512];
        let _ = stream.read(&mut hello);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
    });
    let error = tls_client(&server)
        .create_session(&support::phone_session("+14255550100", 600))
        .unwrap_err();
    let source = transport_source(&error);
    assert_eq!(source.delivery(), Delivery::NotSent, "{error}");
    assert_eq!(source.to_string(), "TLS handshake failed");
    assert!(
        server.connections() > 1,
        "a create that was not sent may go again"
    );
}

// ---------------------------------------------------------------- bounds

#[test]
fn timeouts_are_bounded_when_the_transport_is_built() {
    for timeout in [
        Duration::ZERO,
        MAX_TIMEOUT + Duration::from_secs(1),
        Duration::MAX,
    ] {
        let error = UreqTransport::builder()
            .timeout(timeout)
            .build()
            .unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert!(error.to_string().contains("timeout"), "{error}");
        assert!(
            UreqTransport::builder()
                .connect_timeout(timeout)
                .build()
                .is_err()
        );
    }
    assert!(
        UreqTransport::builder()
            .timeout(MAX_TIMEOUT)
            .build()
            .is_ok()
    );
}

#[test]
fn a_port_out_of_range_is_refused_by_the_transport_itself() {
    let transport = UreqTransport::new().unwrap();
    for uri in [
        "http://127.0.0.1:99999/x",
        "http://127.0.0.1:65536/x",
        "https://127.0.0.1:70000/x",
    ] {
        let request = http::Request::get(uri).body(Vec::new()).unwrap();
        let error = transport.send(request).unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal, "{uri}: {error}");
    }
}
