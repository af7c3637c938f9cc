//! TLS over real loopback sockets, with each TLS the build has: whom the
//! transport trusts, and how TLS failures are classified (handshake → not
//! sent, certificate → fatal). The test servers speak rustls.

#![cfg(any(feature = "rustls", feature = "native-tls"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::Request;
use qod_core::{AsyncTransport, Delivery};
use qod_reqwest::ReqwestTransport;
use qod_testkit::TestServer;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

const CA: &[u8] = include_bytes!("../fixtures/test-ca.pem");
const CERT: &[u8] = include_bytes!("../fixtures/localhost-cert.pem");
const KEY: &[u8] = include_bytes!("../fixtures/localhost-key.pem");

/// How a test server treats each connection.
#[derive(Clone, Copy)]
enum Peer {
    /// Speaks TLS with the fixture certificate and answers 204.
    Tls,
    /// Answers the ClientHello with plain HTTP.
    PlainHttp,
    /// Accepts and says nothing.
    Silent,
}

fn serve(peer: Peer) -> TestServer {
    TestServer::raw(move |stream| handle(peer, stream))
}

fn handle(peer: Peer, mut stream: TcpStream) {
    match peer {
        Peer::Tls => {
            let Ok(connection) = rustls::ServerConnection::new(server_config()) else {
                return;
            };
            let mut tls = BufReader::new(rustls::StreamOwned::new(connection, stream));
            loop {
                let mut line = String::new();
                // A client that refused the certificate ends the handshake here.
                match tls.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) if line == "\r\n" => break,
                    Ok(_) => {}
                }
            }
            let _ = tls
                .get_mut()
                .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
            let _ = tls.get_mut().flush();
        }
        Peer::PlainHttp => {
            let mut hello = [0; 512];
            let _ = stream.read(&mut hello);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        }
        Peer::Silent => std::thread::sleep(Duration::from_secs(30)),
    }
}

fn server_config() -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = CertificateDer::pem_slice_iter(CERT)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    Arc::new(config)
}

/// The TLS stacks of this build: rustls (`false`) and native (`true`).
fn stacks() -> Vec<bool> {
    let mut stacks = Vec::new();
    if cfg!(feature = "rustls") {
        stacks.push(false);
    }
    if cfg!(feature = "native-tls") {
        stacks.push(true);
    }
    stacks
}

/// A transport on `native` TLS or rustls.
fn transport(native: bool) -> qod_reqwest::ReqwestTransportBuilder {
    ReqwestTransport::builder().native_tls(native)
}

fn get(address: SocketAddr, host: &str) -> Request<Vec<u8>> {
    let url = format!("https://{host}:{}/qod/v0/sessions/1", address.port());
    Request::get(url).body(Vec::new()).unwrap()
}

#[tokio::test]
async fn a_private_ca_given_as_pem_is_trusted() {
    let server = serve(Peer::Tls);
    let address = server.addr();
    for native in stacks() {
        let transport = transport(native)
            .root_certificates_pem(CA)
            .unwrap()
            .build()
            .unwrap();
        for host in ["127.0.0.1", "localhost"] {
            let response = transport.send(get(address, host)).await.unwrap();
            assert_eq!(response.status().as_u16(), 204, "native={native} {host}");
        }
    }
}

#[tokio::test]
async fn an_untrusted_certificate_is_fatal() {
    let server = serve(Peer::Tls);
    let address = server.addr();
    for native in stacks() {
        // Neither the Mozilla roots nor the system's know the test CA.
        let transport = transport(native).build().unwrap();
        let error = transport.send(get(address, "127.0.0.1")).await.unwrap_err();
        assert_eq!(
            error.delivery(),
            Delivery::Fatal,
            "native={native}: {error}"
        );
        assert!(
            error.to_string().contains("certificate was refused"),
            "native={native}: {error}"
        );
    }
}

#[tokio::test]
async fn a_certificate_for_another_name_is_fatal() {
    // 127.0.0.2 is loopback too, but the certificate names only 127.0.0.1 and localhost.
    let server = match TestServer::try_bind_raw("127.0.0.2:0", |stream| handle(Peer::Tls, stream)) {
        Ok(server) => server,
        // Linux routes all of 127/8 to loopback; other systems may not.
        Err(error) if !cfg!(target_os = "linux") => {
            eprintln!("skipped: cannot listen on 127.0.0.2: {error}");
            return;
        }
        Err(error) => panic!("cannot listen on 127.0.0.2: {error}"),
    };
    let address = server.addr();
    for native in stacks() {
        let transport = transport(native)
            .root_certificates_pem(CA)
            .unwrap()
            .build()
            .unwrap();
        let error = transport.send(get(address, "127.0.0.2")).await.unwrap_err();
        assert_eq!(
            error.delivery(),
            Delivery::Fatal,
            "native={native}: {error}"
        );
        assert!(
            error.to_string().contains("certificate was refused"),
            "native={native}: {error}"
        );
    }
}

#[tokio::test]
async fn a_failed_handshake_is_not_sent() {
    let server = serve(Peer::PlainHttp);
    let address = server.addr();
    for native in stacks() {
        let transport = transport(native).build().unwrap();
        let url = format!("https://127.0.0.1:{}/qod/v0/sessions", address.port());
        let post = Request::post(url).body(b"{}".to_vec()).unwrap();
        let error = transport.send(post).await.unwrap_err();
        assert_eq!(
            error.delivery(),
            Delivery::NotSent,
            "native={native}: {error}"
        );
    }
}

#[tokio::test]
async fn a_handshake_that_never_ends_is_cut_by_the_connect_timeout_and_not_sent() {
    let server = serve(Peer::Silent);
    let address = server.addr();
    for native in stacks() {
        let transport = transport(native)
            .connect_timeout(Duration::from_millis(300))
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = transport.send(get(address, "127.0.0.1")).await.unwrap_err();
        let elapsed = started.elapsed();
        assert_eq!(
            error.delivery(),
            Delivery::NotSent,
            "native={native}: {error}"
        );
        assert!(
            error.to_string().contains("timed out connecting"),
            "native={native}: {error}"
        );
        assert!(
            elapsed < Duration::from_secs(10),
            "native={native}: a 300 ms connect timeout took {elapsed:?}"
        );
    }
}
