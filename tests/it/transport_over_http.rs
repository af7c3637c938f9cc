//! The ureq transport over real loopback HTTP: keep-alive, timeouts, the body
//! limit, refused connections, redirects. The call rules (retries, replays,
//! tokens, correlators) are checked for both drivers in `drivers.rs`.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use qod::core::{Client, ClientCore};
use qod::models::{CreateSession, SessionId};
use qod::ureq_transport::UreqTransport;
use qod::{Delivery, Endpoint, ErrorKind, RetryPolicy};
use qod_testkit::{Reply, TestServer, closed_port};

use crate::support;

const ID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn session_json() -> String {
    format!(r#"{{"sessionId":"{ID}","qosProfile":"QOS_E","duration":600,"qosStatus":"AVAILABLE"}}"#)
}

/// A clock that records sleeps instead of sleeping.
#[derive(Default)]
struct RecordingClock {
    slept: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
}

impl qod::core::Clock for RecordingClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + *self.slept.lock().unwrap()
    }
    fn sleep(&self, duration: Duration) {
        *self.slept.lock().unwrap() += duration;
        self.sleeps.lock().unwrap().push(duration);
    }
}

fn client(
    server_url: &str,
    clock: Arc<RecordingClock>,
    transport: UreqTransport,
) -> Client<UreqTransport> {
    Client::new(
        transport,
        ClientCore::new(Endpoint::new(server_url).unwrap()),
        clock,
    )
}

fn id() -> SessionId {
    ID.parse().unwrap()
}

fn create_body() -> CreateSession {
    support::phone_session("+14255550100", 600)
}

#[test]
fn client_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<qod::Client>();
    assert_send_sync::<UreqTransport>();
}

#[test]
fn calls_reuse_one_keep_alive_connection() {
    let server = TestServer::start(|seen| match seen.method.as_str() {
        "DELETE" => Reply::Respond {
            status: 204,
            headers: vec![],
            body: vec![],
        },
        _ => Reply::json(200, &session_json()),
    });
    let client = qod::ClientBuilder::new(&server.url("/qod/v0"))
        .unwrap()
        .build()
        .unwrap();
    for _ in 0..25 {
        client.get_session(id()).unwrap();
    }
    client.delete_session(id()).unwrap();
    assert_eq!(server.connections(), 1, "26 calls over one connection");
    client.extend_session(id(), 60).unwrap();
    assert_eq!(
        server.connections(),
        2,
        "an extension, never replayed, goes over a connection of its own"
    );
    client.get_session(id()).unwrap();
    assert_eq!(server.connections(), 2, "and reads keep the pooled one");
    let seen = server.seen();
    assert_eq!(seen.len(), 28);
    let get = &seen[0];
    assert_eq!(get.path, format!("/qod/v0/sessions/{ID}"));
    assert_eq!(
        get.header("content-length"),
        None,
        "no content-length on GET"
    );
    assert_eq!(get.header("accept"), Some("application/json"));
    assert!(get.header("user-agent").unwrap().starts_with("qod/"));
    assert!(get.header("x-correlator").is_some());
    assert_eq!(
        seen[25].header("content-length"),
        None,
        "no content-length on DELETE"
    );
    assert_eq!(seen[26].header("content-length"), Some("34"));
    assert_eq!(seen[26].body, br#"{"requestedAdditionalDuration":60}"#);
}

#[test]
fn a_stalled_server_is_timed_out_within_the_bound() {
    let server = TestServer::start(|_| Reply::Stall);
    let transport = UreqTransport::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let core = ClientCore::new(Endpoint::new(&server.url("/qod/v0")).unwrap())
        .with_retry_policy(RetryPolicy::none());
    let client = Client::new(transport, core, Arc::new(qod::StdClock));
    let started = Instant::now();
    let error = client.get_session(id()).unwrap_err();
    let elapsed = started.elapsed();
    let ErrorKind::Transport(source) = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(source.delivery(), Delivery::MaybeSent);
    assert!(
        error.correlator().is_some(),
        "the error carries the call's correlator"
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "a 300 ms timeout took {elapsed:?}"
    );
}

#[test]
fn oversized_bodies_are_refused() {
    let server = TestServer::start(|seen| {
        let size = if seen.path.ends_with("exact") {
            1024
        } else {
            1025
        };
        Reply::Respond {
            status: 200,
            headers: vec![],
            body: vec![b'x'; size],
        }
    });
    let transport = UreqTransport::builder().body_limit(1024).build().unwrap();
    let exact = http::Request::get(server.url("/exact"))
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        qod::core::Transport::send(&transport, exact)
            .unwrap()
            .body()
            .len(),
        1024
    );
    let over = http::Request::get(server.url("/over"))
        .body(Vec::new())
        .unwrap();
    let error = qod::core::Transport::send(&transport, over).unwrap_err();
    assert_eq!(error.delivery(), Delivery::Fatal);
    assert!(error.to_string().contains("1024-byte limit"), "{error}");
}

#[test]
fn a_refused_connection_is_reported_as_not_sent_and_may_be_replayed() {
    let url = format!("http://127.0.0.1:{}/qod/v0", closed_port());
    let clock = Arc::new(RecordingClock::default());
    let client = client(&url, clock.clone(), UreqTransport::new().unwrap());
    let error = client.create_session(&create_body()).unwrap_err();
    let ErrorKind::Transport(source) = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(source.delivery(), Delivery::NotSent);
    assert_eq!(
        clock.sleeps.lock().unwrap().len(),
        3,
        "a create that was never sent is retried"
    );
}

#[test]
fn redirects_are_not_followed() {
    let server = TestServer::start(|_| Reply::Respond {
        status: 302,
        headers: vec![("location", "http://127.0.0.1:1/elsewhere".to_owned())],
        body: vec![],
    });
    let client = qod::ClientBuilder::new(&server.url("/qod/v0"))
        .unwrap()
        .build()
        .unwrap();
    let error = client.get_session(id()).unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(server.seen().len(), 1);
}
