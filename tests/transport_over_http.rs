//! The ureq transport and the client's retry rules over real loopback HTTP.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use qod::core::{Client, ClientCore};
use qod::models::{CreateSession, Device, PhoneNumber, SessionId};
use qod::ureq_transport::UreqTransport;
use qod::{Delivery, Endpoint, Error, RetryPolicy};
use support::{Action, TestServer, closed_port};

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

impl qod::Clock for RecordingClock {
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

/// Answers `statuses` in turn (with `retry_after` when set), then 200 with a session.
fn scripted(statuses: &[u16], retry_after: Option<&str>) -> TestServer {
    let script = Mutex::new(statuses.to_vec());
    let retry_after = retry_after.map(str::to_owned);
    TestServer::start(move |_| {
        let mut script = script.lock().unwrap();
        if script.is_empty() {
            return Action::json(200, &session_json());
        }
        let status = script.remove(0);
        let mut headers = vec![("content-type", "application/json".to_owned())];
        if let Some(value) = &retry_after {
            headers.push(("retry-after", value.clone()));
        }
        let body = format!(r#"{{"status":{status},"code":"UNAVAILABLE","message":"try later"}}"#)
            .into_bytes();
        Action::Respond {
            status,
            headers,
            body,
        }
    })
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
        "DELETE" => Action::Respond {
            status: 204,
            headers: vec![],
            body: vec![],
        },
        _ => Action::json(200, &session_json()),
    });
    let client = qod::ClientBuilder::new(&server.url("/qod/v0"))
        .unwrap()
        .build()
        .unwrap();
    for _ in 0..25 {
        client.get_session(id()).unwrap();
    }
    client.delete_session(id()).unwrap();
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        1,
        "26 calls over one connection"
    );
    client.extend_session(id(), 60).unwrap();
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        2,
        "an extension, never replayed, goes over a connection of its own"
    );
    client.get_session(id()).unwrap();
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        2,
        "and reads keep the pooled one"
    );
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
fn idempotent_calls_retry_on_429_502_503_504() {
    for status in [429, 502, 503, 504] {
        let server = scripted(&[status, status], None);
        let clock = Arc::new(RecordingClock::default());
        let client = client(
            &server.url("/qod/v0"),
            clock.clone(),
            UreqTransport::new().unwrap(),
        );
        client.get_session(id()).unwrap();
        assert_eq!(server.seen().len(), 3, "GET after {status}");
        assert_eq!(clock.sleeps.lock().unwrap().len(), 2);

        let server = scripted(&[status], None);
        let client = self::client(
            &server.url("/qod/v0"),
            clock.clone(),
            UreqTransport::new().unwrap(),
        );
        client.delete_session(id()).unwrap_or(());
        assert_eq!(server.seen().len(), 2, "DELETE after {status}");
    }
}

#[test]
fn read_only_posts_retry_like_gets() {
    let server = scripted(&[503], None);
    let clock = Arc::new(RecordingClock::default());
    let client = client(
        &server.url("/quality-on-demand/v1"),
        clock,
        UreqTransport::new().unwrap(),
    );
    let server_answer = client.retrieve_sessions(Some(Device::with_phone_number(
        PhoneNumber::parse("+14255550100").unwrap(),
    )));
    // The scripted 200 is a single session, not a list: the retry happened, the decode then fails.
    assert!(matches!(server_answer, Err(Error::Decode { .. })));
    assert_eq!(server.seen().len(), 2);
    assert_eq!(
        server.seen()[1].path,
        "/quality-on-demand/v1/retrieve-sessions"
    );
}

#[test]
fn create_and_extend_are_never_replayed_after_reaching_the_server() {
    for status in [500, 502, 503, 504] {
        let server = scripted(&[status], None);
        let client = client(
            &server.url("/qod/v0"),
            Arc::new(RecordingClock::default()),
            UreqTransport::new().unwrap(),
        );
        let error = client.create_session(&create_body()).unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            server.seen().len(),
            1,
            "POST /sessions answered {status} must not be replayed"
        );

        let server = scripted(&[status], None);
        let client = self::client(
            &server.url("/qod/v0"),
            Arc::new(RecordingClock::default()),
            UreqTransport::new().unwrap(),
        );
        assert!(client.extend_session(id(), 60).is_err());
        assert_eq!(
            server.seen().len(),
            1,
            "extend answered {status} must not be replayed"
        );
    }
}

#[test]
fn a_dropped_connection_replays_get_but_not_create() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = TestServer::start(move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            Action::Drop
        } else {
            Action::json(201, &session_json())
        }
    });
    let client_for = |url: &str| {
        client(
            url,
            Arc::new(RecordingClock::default()),
            UreqTransport::new().unwrap(),
        )
    };
    client_for(&server.url("/qod/v0"))
        .get_session(id())
        .unwrap();
    assert_eq!(server.seen().len(), 2);

    calls.store(0, Ordering::SeqCst);
    let error = client_for(&server.url("/qod/v0"))
        .create_session(&create_body())
        .unwrap_err();
    let Error::Transport { source, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(source.delivery(), Delivery::MaybeSent);
    assert_eq!(
        server.seen().len(),
        3,
        "the create reached the server once and was not replayed"
    );
}

#[test]
fn create_is_retried_after_429_honouring_retry_after() {
    let server = scripted(&[429], Some("2"));
    let clock = Arc::new(RecordingClock::default());
    let client = client(
        &server.url("/qod/v0"),
        clock.clone(),
        UreqTransport::new().unwrap(),
    );
    client.create_session(&create_body()).unwrap();
    assert_eq!(server.seen().len(), 2);
    assert_eq!(*clock.sleeps.lock().unwrap(), vec![Duration::from_secs(2)]);

    let date = httpdate_in(Duration::from_secs(5));
    let server = scripted(&[503], Some(&date));
    let clock = Arc::new(RecordingClock::default());
    let client = self::client(
        &server.url("/qod/v0"),
        clock.clone(),
        UreqTransport::new().unwrap(),
    );
    client.get_session(id()).unwrap();
    let slept = clock.sleeps.lock().unwrap()[0];
    assert!(
        slept > Duration::from_secs(3) && slept <= Duration::from_secs(5),
        "{slept:?}"
    );

    let server = scripted(&[429], Some("3600"));
    let client = self::client(
        &server.url("/qod/v0"),
        Arc::new(RecordingClock::default()),
        UreqTransport::new().unwrap(),
    );
    let error = client.get_session(id()).unwrap_err();
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(429),
        "a Retry-After past the cap ends the call"
    );
    assert_eq!(server.seen().len(), 1);
}

fn httpdate_in(after: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + after)
}

#[test]
fn other_statuses_are_not_retried() {
    for status in [400, 404, 409, 500, 501] {
        let server = scripted(&[status], None);
        let client = client(
            &server.url("/qod/v0"),
            Arc::new(RecordingClock::default()),
            UreqTransport::new().unwrap(),
        );
        assert!(client.get_session(id()).is_err());
        assert_eq!(server.seen().len(), 1, "{status}");
    }
}

#[test]
fn a_stalled_server_is_timed_out_within_the_bound() {
    let server = TestServer::start(|_| Action::Stall);
    let transport = UreqTransport::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let core = ClientCore::new(Endpoint::new(&server.url("/qod/v0")).unwrap())
        .retry_policy(RetryPolicy::none());
    let client = Client::new(transport, core, Arc::new(qod::StdClock));
    let started = Instant::now();
    let error = client.get_session(id()).unwrap_err();
    let elapsed = started.elapsed();
    let Error::Transport {
        source, correlator, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(source.delivery(), Delivery::MaybeSent);
    assert!(
        correlator.is_some(),
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
        Action::Respond {
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
        qod::Transport::send(&transport, exact)
            .unwrap()
            .body()
            .len(),
        1024
    );
    let over = http::Request::get(server.url("/over"))
        .body(Vec::new())
        .unwrap();
    let error = qod::Transport::send(&transport, over).unwrap_err();
    assert_eq!(error.delivery(), Delivery::Fatal);
    assert!(error.to_string().contains("1024-byte limit"), "{error}");
}

#[test]
fn a_refused_connection_is_reported_as_not_sent_and_may_be_replayed() {
    let url = format!("http://127.0.0.1:{}/qod/v0", closed_port());
    let clock = Arc::new(RecordingClock::default());
    let client = client(&url, clock.clone(), UreqTransport::new().unwrap());
    let error = client.create_session(&create_body()).unwrap_err();
    let Error::Transport { source, .. } = &error else {
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
    let server = TestServer::start(|_| Action::Respond {
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
