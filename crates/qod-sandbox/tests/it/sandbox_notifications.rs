//! Status notifications from the sandbox: CloudEvents POSTed to a webhook
//! (0.10.1) or a sink (1.x), received by a small HTTP listener in the test,
//! checked with `qod::notification::verify`. A sink that refuses or stalls
//! must never hold up the API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::phone_session;
use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use qod::models::time::OffsetDateTime;
use qod::models::{
    CreateSession, Echoed, EventType, NotificationToken, NotificationUrl, QosStatus,
    QosStatusChangedEvent, SinkCredential, SinkUrl, StatusInfo, Timestamp, Webhook,
};
use qod::notification::{NotificationError, verify};
use qod_sandbox::{ManualClock, Sandbox, SandboxConfig};
use qod_testkit::{Reply, Seen, TestServer, closed_port};
use serde_json::Value;

const AVAILABLE_AFTER: Duration = Duration::from_secs(5);
/// How long a test waits for something the sandbox does in the background.
const PATIENCE: Duration = Duration::from_secs(5);
const V0_TOKEN: &str = "v0-webhook-token-0123456789";
const V1_TOKEN: &str = "v1-sink-access-token-0123456789";

// ---------------------------------------------------------------- the listener

/// An HTTP/1.1 listener on loopback (qod-testkit's server) that answers
/// every request 204 and hands it to the test.
struct Listener {
    server: TestServer,
    requests: mpsc::Receiver<http::Request<Vec<u8>>>,
}

impl Listener {
    fn start() -> Listener {
        let (sender, requests) = mpsc::channel();
        let server = TestServer::start(move |seen| {
            let Some(request) = to_request(seen) else {
                return Reply::Drop;
            };
            if sender.send(request).is_err() {
                return Reply::Drop;
            }
            Reply::Raw(b"HTTP/1.1 204 No Content\r\n\r\n".to_vec())
        });
        Listener { server, requests }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// The next request, waiting at most [`PATIENCE`].
    fn next(&self) -> http::Request<Vec<u8>> {
        match self.requests.recv_timeout(PATIENCE) {
            Ok(request) => request,
            Err(RecvTimeoutError::Timeout) => panic!("no notification within {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the listener is gone"),
        }
    }

    fn nothing_pending(&self) -> bool {
        self.requests.try_recv().is_err()
    }
}

/// The request the listener read, as an `http::Request`.
fn to_request(seen: &Seen) -> Option<http::Request<Vec<u8>>> {
    let mut request = http::Request::builder()
        .method(seen.method.as_str())
        .uri(seen.path.as_str());
    for (name, value) in &seen.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    request.body(seen.body.clone()).ok()
}

// ---------------------------------------------------------------- helpers

/// A sandbox on a manual clock whose sessions of both versions start
/// REQUESTED, so that the AVAILABLE notification waits for the clock.
fn manual_sandbox() -> (Sandbox, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_now());
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: AVAILABLE_AFTER,
        v0_requested_phase: true,
        clock: clock.clone(),
        ..SandboxConfig::default()
    })
    .unwrap();
    (sandbox, clock)
}

fn client(url: &str) -> qod::Client {
    qod::ClientBuilder::new(url).unwrap().build().unwrap()
}

fn webhook(url: &str, token: Option<&str>) -> Webhook {
    Webhook {
        notification_url: NotificationUrl::parse(url).unwrap(),
        notification_auth_token: token.map(|t| NotificationToken::parse(t).unwrap()),
    }
}

fn sink_body(number: &str, url: &str) -> CreateSession {
    let expires =
        Timestamp::from_datetime(OffsetDateTime::now_utc() + qod::models::time::Duration::hours(2));
    phone_session(number, 600).with_sink(
        SinkUrl::parse(url).unwrap(),
        Some(SinkCredential::access_token(V1_TOKEN, expires)),
    )
}

/// Checks what every notification must be, and returns its event.
fn checked(
    request: &http::Request<Vec<u8>>,
    path: &str,
    token: Option<&str>,
) -> QosStatusChangedEvent {
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri().path(), path);
    assert_eq!(
        request.headers()["content-type"],
        "application/cloudevents+json"
    );
    let event = verify(request, token).unwrap_or_else(|e| panic!("refused: {e}"));
    let raw: Value = serde_json::from_slice(request.body()).unwrap();
    assert!(
        raw["time"]
            .as_str()
            .is_some_and(|t| Timestamp::parse_rfc3339(t).is_ok()),
        "CloudEvents time is RFC 3339: {raw}"
    );
    assert_eq!(event.specversion, "1.0");
    assert_eq!(event.datacontenttype.as_deref(), Some("application/json"));
    event
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        thread::sleep(Duration::from_millis(10));
    }
}

// ---------------------------------------------------------------- tests

#[test]
fn v0_webhook_gets_available_then_delete_requested() {
    let (sandbox, clock) = manual_sandbox();
    let listener = Listener::start();
    let client = client(&sandbox.v0_url());
    let created = client
        .create_session(
            &phone_session("+14255550400", 600)
                .with_webhook(webhook(&listener.url("/notify/v0"), Some(V0_TOKEN))),
        )
        .unwrap();
    let id = created.session_id;
    assert_eq!(created.qos_status, QosStatus::Requested);
    assert_eq!(
        created
            .webhook
            .and_then(Echoed::into_parsed)
            .unwrap()
            .notification_url,
        listener.url("/notify/v0")
    );

    // The sandbox's ticker notices the clock on its own: nobody polls.
    clock.advance(AVAILABLE_AFTER);
    let request = listener.next();
    let available = checked(&request, "/notify/v0", Some(V0_TOKEN));
    assert_eq!(available.event_type, EventType::QodV0StatusChanged);
    assert_eq!(
        available.event_type.to_string(),
        "org.camaraproject.qod.v0.qos-status-changed"
    );
    assert_eq!(available.data.session_id, id);
    assert_eq!(available.data.qos_status, QosStatus::Available);
    assert_eq!(available.data.status_info, None);
    assert_eq!(
        available.source,
        format!("{}/sessions/{id}", sandbox.v0_url())
    );
    // The check is real: another token, or none, is refused.
    let wrong = verify(&request, Some("some-other-token-0123456789")).unwrap_err();
    assert!(matches!(wrong, NotificationError::WrongToken), "{wrong}");
    assert!(wrong.is_unauthorized());
    let mut stripped = request;
    stripped.headers_mut().remove("authorization");
    assert!(matches!(
        verify(&stripped, Some(V0_TOKEN)),
        Err(NotificationError::MissingAuthorization)
    ));

    client.delete_session(id).unwrap();
    let deleted = checked(&listener.next(), "/notify/v0", Some(V0_TOKEN));
    assert_eq!(deleted.event_type, EventType::QodV0StatusChanged);
    assert_eq!(deleted.data.session_id, id);
    assert_eq!(deleted.data.qos_status, QosStatus::Unavailable);
    assert_eq!(deleted.data.status_info, Some(StatusInfo::DeleteRequested));
    assert_ne!(deleted.id, available.id, "event ids are unique");

    wait_until("two deliveries", || {
        sandbox.stats().notifications_delivered == 2
    });
    assert_eq!(sandbox.stats().notifications_failed, 0);
    assert!(listener.nothing_pending());
}

#[test]
fn v0_create_answered_available_notifies_at_once() {
    // T-Mobile's flavour by default: AVAILABLE in the create's answer, and
    // (0.10.1) the AVAILABLE event beside it.
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let listener = Listener::start();
    let created = client(&sandbox.v0_url())
        .create_session(
            &phone_session("+14255550402", 600)
                .with_webhook(webhook(&listener.url("/at-once"), Some(V0_TOKEN))),
        )
        .unwrap();
    assert_eq!(created.qos_status, QosStatus::Available);
    let event = checked(&listener.next(), "/at-once", Some(V0_TOKEN));
    assert_eq!(event.data.session_id, created.session_id);
    assert_eq!(event.data.qos_status, QosStatus::Available);
}

#[test]
fn v0_webhook_without_a_token() {
    let (sandbox, clock) = manual_sandbox();
    let listener = Listener::start();
    let client = client(&sandbox.v0_url());
    let id = client
        .create_session(
            &phone_session("+14255550401", 600).with_webhook(webhook(&listener.url("/hook"), None)),
        )
        .unwrap()
        .session_id;
    clock.advance(AVAILABLE_AFTER);
    let request = listener.next();
    assert!(request.headers().get("authorization").is_none());
    let event = checked(&request, "/hook", None);
    assert_eq!(event.data.session_id, id);
    assert_eq!(event.data.qos_status, QosStatus::Available);
    // A receiver that expects a token refuses it.
    assert!(matches!(
        verify(&request, Some(V0_TOKEN)),
        Err(NotificationError::MissingAuthorization)
    ));
}

#[test]
fn v1_sink_gets_available_delete_requested_and_duration_expired() {
    let (sandbox, clock) = manual_sandbox();
    let listener = Listener::start();
    let client = client(&sandbox.v1_url());
    let sink = listener.url("/notify/v1");

    // Deleted while REQUESTED: no event (the spec notifies only an AVAILABLE session's end).
    let never = client
        .create_session(&sink_body("+14255550410", &sink))
        .unwrap()
        .session_id;
    client.delete_session(never).unwrap();

    let id = client
        .create_session(&sink_body("+14255550411", &sink))
        .unwrap()
        .session_id;
    let read = client.get_session(id).unwrap();
    assert_eq!(read.sink.as_ref().and_then(Echoed::parsed), Some(&sink));
    assert!(
        read.sink_credential.is_none(),
        "the credential is not echoed"
    );

    clock.advance(AVAILABLE_AFTER);
    // Events go out in order, so had the first session produced one, it would come first.
    let available = checked(&listener.next(), "/notify/v1", Some(V1_TOKEN));
    assert_eq!(available.data.session_id, id);
    assert_eq!(
        available.event_type,
        EventType::QualityOnDemandV1StatusChanged
    );
    assert_eq!(
        available.event_type.to_string(),
        "org.camaraproject.quality-on-demand.v1.qos-status-changed"
    );
    assert_eq!(available.data.qos_status, QosStatus::Available);
    assert_eq!(available.data.status_info, None);
    assert_eq!(
        available.source,
        format!("{}/sessions/{id}", sandbox.v1_url())
    );

    client.delete_session(id).unwrap();
    let deleted = checked(&listener.next(), "/notify/v1", Some(V1_TOKEN));
    assert_eq!(deleted.data.session_id, id);
    assert_eq!(deleted.data.qos_status, QosStatus::Unavailable);
    assert_eq!(deleted.data.status_info, Some(StatusInfo::DeleteRequested));
    // Deleting it again notifies nothing more.
    client.delete_session(id).unwrap();

    // A session that runs out of time.
    let short = client
        .create_session(&sink_body("+14255550412", &sink).with_duration(60))
        .unwrap()
        .session_id;
    clock.advance(AVAILABLE_AFTER);
    let available = checked(&listener.next(), "/notify/v1", Some(V1_TOKEN));
    assert_eq!(
        (available.data.session_id, available.data.qos_status),
        (short, QosStatus::Available)
    );
    clock.advance(Duration::from_secs(60));
    let expired = checked(&listener.next(), "/notify/v1", Some(V1_TOKEN));
    assert_eq!(expired.data.session_id, short);
    assert_eq!(expired.data.qos_status, QosStatus::Unavailable);
    assert_eq!(expired.data.status_info, Some(StatusInfo::DurationExpired));
    // Deleting an expired session notifies nothing more.
    client.delete_session(short).unwrap();

    wait_until("four deliveries", || {
        sandbox.stats().notifications_delivered == 4
    });
    // The ticker runs every 100 ms: give a stray event the time to show.
    thread::sleep(Duration::from_millis(300));
    assert!(listener.nothing_pending());
    let stats = sandbox.stats();
    assert_eq!(stats.notifications_delivered, 4);
    assert_eq!(stats.notifications_failed, 0);
}

#[test]
fn a_refusing_receiver_does_not_block_or_fail_the_api() {
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .unwrap();
    let nowhere = format!("http://127.0.0.1:{}/notify", closed_port());
    let v0 = client(&sandbox.v0_url());
    let v1 = client(&sandbox.v1_url());

    let started = Instant::now();
    let v0_id = v0
        .create_session(
            &phone_session("+14255550420", 600).with_webhook(webhook(&nowhere, Some(V0_TOKEN))),
        )
        .unwrap()
        .session_id;
    let v1_id = v1
        .create_session(&sink_body("+14255550421", &nowhere))
        .unwrap()
        .session_id;
    for (client, id) in [(&v0, v0_id), (&v1, v1_id)] {
        assert_eq!(
            client.get_session(id).unwrap().qos_status,
            QosStatus::Available
        );
        client.delete_session(id).unwrap();
        assert_eq!(
            client.get_session(id).unwrap().qos_status,
            QosStatus::Unavailable
        );
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(2),
        "the calls took {elapsed:?}"
    );

    // AVAILABLE and DELETE_REQUESTED for each session, all failed.
    wait_until("four failed notifications", || {
        sandbox.stats().notifications_failed == 4
    });
    let stats = sandbox.stats();
    assert_eq!(stats.notifications_delivered, 0);
    assert_eq!(stats.server_errors, 0);
    assert_eq!(stats.sessions_created, 2);
}

#[test]
fn a_stalled_receiver_does_not_hold_up_the_api() {
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .unwrap();
    // A receiver that reads a request and then says nothing until released.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let sink = format!(
        "http://127.0.0.1:{}/slow",
        listener.local_addr().unwrap().port()
    );
    let (got_request, request_arrived) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let receiver = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut chunk = [0_u8; 1024];
        let n = stream.read(&mut chunk).unwrap_or(0);
        got_request.send(n).unwrap();
        let _ = released.recv_timeout(PATIENCE);
        // Dropping the stream and the listener: the sandbox's delivery fails.
    });

    let client = client(&sandbox.v1_url());
    let id = client
        .create_session(&sink_body("+14255550430", &sink))
        .unwrap()
        .session_id;
    assert_eq!(
        client.get_session(id).unwrap().qos_status,
        QosStatus::Available
    );
    let read = request_arrived
        .recv_timeout(PATIENCE)
        .expect("the sandbox never called the sink");
    assert!(read > 0);

    // The notifier waits on the receiver (up to 3 s); the API does not.
    let started = Instant::now();
    for _ in 0..20 {
        client.get_session(id).unwrap();
    }
    let other = client
        .create_session(&phone_session("+14255550431", 600))
        .unwrap()
        .session_id;
    client.delete_session(other).unwrap();
    client.delete_session(id).unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(2),
        "23 calls took {elapsed:?} while the receiver stalled"
    );
    assert_eq!(sandbox.stats().notifications_delivered, 0);

    release.send(()).unwrap();
    receiver.join().unwrap();
    wait_until("both notifications to fail", || {
        sandbox.stats().notifications_failed == 2
    });
    assert_eq!(sandbox.stats().notifications_delivered, 0);
}
