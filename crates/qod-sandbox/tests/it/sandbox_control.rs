//! What the sandbox offers tests of a session keeper, over real loopback
//! HTTP: profiles with a small `maxDuration` (in the profile's answer, and
//! holding creates and 1.x extends to it), a session (or an assignment)
//! ended as the network would, with its notification, and the creates,
//! extends and deletes counted per client, read in-process and from
//! `GET /_sandbox/stats`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use qod::core::Transport;
use qod::models::time::OffsetDateTime;
use qod::models::{
    AssignmentStatusInfo, CreateAssignment, CreateSession, ErrorCode, QosProfileName, QosStatus,
    QosStatusChangedEvent, SinkCredential, SinkUrl, StatusInfo, Timestamp,
};
use qod::ureq_transport::UreqTransport;
use qod::{Credentials, ErrorKind};
use qod_sandbox::{LifecycleCounts, ManualClock, Sandbox, SandboxAuth, SandboxConfig};
use qod_testkit::{Reply, TestServer};
use serde_json::Value;

use crate::support::{phone, phone_session, session_request};

const AVAILABLE_AFTER: Duration = Duration::from_secs(5);
const PATIENCE: Duration = Duration::from_secs(5);
const SINK_TOKEN: &str = "control-sink-token-0123456789";

fn manual(config: SandboxConfig) -> (Sandbox, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_now());
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: AVAILABLE_AFTER,
        clock: clock.clone(),
        ..config
    })
    .unwrap();
    (sandbox, clock)
}

fn client(url: &str, credentials: Credentials) -> qod::Client {
    qod::ClientBuilder::new(url)
        .unwrap()
        .credentials(credentials)
        .build()
        .unwrap()
}

fn anonymous(url: &str) -> qod::Client {
    client(url, Credentials::None)
}

fn api_code<T: std::fmt::Debug>(result: Result<T, qod::Error>) -> (u16, ErrorCode) {
    match result.map_err(qod::Error::into_kind) {
        Err(ErrorKind::Api(error)) => (error.status.as_u16(), error.code),
        other => panic!("expected a CAMARA error, got {other:?}"),
    }
}

/// One request as given, no client in between: the status, `Allow`, and the JSON.
fn raw(method: &str, url: &str) -> (u16, Option<String>, Value) {
    let request = http::Request::builder()
        .method(method)
        .uri(url)
        .body(Vec::new())
        .unwrap();
    let response = UreqTransport::new().unwrap().send(request).unwrap();
    let allow = response
        .headers()
        .get("allow")
        .map(|v| v.to_str().unwrap().to_owned());
    let json = if response.body().is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(response.body()).unwrap()
    };
    (response.status().as_u16(), allow, json)
}

fn terminate_url(sandbox: &Sandbox, id: impl std::fmt::Display) -> String {
    format!("{}/_sandbox/sessions/{id}/terminate", sandbox.base_url())
}

/// A loopback listener that answers every notification 204 and hands its
/// event to the test.
struct Sink {
    server: TestServer,
    events: mpsc::Receiver<http::Request<Vec<u8>>>,
}

impl Sink {
    fn start() -> Sink {
        let (sender, events) = mpsc::channel();
        let server = TestServer::start(move |seen| {
            let mut request = http::Request::builder()
                .method(seen.method.as_str())
                .uri(seen.path.as_str());
            for (name, value) in &seen.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let Ok(request) = request.body(seen.body.clone()) else {
                return Reply::Drop;
            };
            if sender.send(request).is_err() {
                return Reply::Drop;
            }
            Reply::Raw(b"HTTP/1.1 204 No Content\r\n\r\n".to_vec())
        });
        Sink { server, events }
    }

    fn url(&self) -> String {
        self.server.url("/notify")
    }

    /// The next event, checked as qod's receiver checks it.
    fn next(&self) -> QosStatusChangedEvent {
        match self.events.recv_timeout(PATIENCE) {
            Ok(request) => qod::notification::verify(&request, Some(SINK_TOKEN)).unwrap(),
            Err(RecvTimeoutError::Timeout) => panic!("no notification within {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the sink is gone"),
        }
    }
}

fn with_sink(request: CreateSession, sink: &Sink) -> CreateSession {
    let expires =
        Timestamp::from_datetime(OffsetDateTime::now_utc() + qod::models::time::Duration::hours(2));
    request.with_sink(
        SinkUrl::parse(sink.url()).unwrap(),
        Some(SinkCredential::access_token(SINK_TOKEN, expires)),
    )
}

fn profile(name: &str) -> QosProfileName {
    QosProfileName::parse(name).unwrap()
}

// ---------------------------------------------------------------- maxDuration

#[test]
fn a_max_duration_override_shows_in_the_profile_answers() {
    let (sandbox, _clock) = manual(SandboxConfig {
        max_durations: vec![("QOS_E".to_owned(), 10), ("QOS_L".to_owned(), 120)],
        ..SandboxConfig::default()
    });
    for url in [sandbox.v1_url(), sandbox.v0_url()] {
        let client = anonymous(&url);
        let e = client.get_qos_profile(&profile("QOS_E")).unwrap();
        assert_eq!(
            e.max_duration.as_ref().and_then(|d| d.to_std()),
            Some(Duration::from_secs(10)),
            "{url}"
        );
        let s = client.get_qos_profile(&profile("QOS_S")).unwrap();
        assert_eq!(
            s.max_duration.as_ref().and_then(|d| d.to_std()),
            Some(Duration::from_secs(86_400)),
            "the others as they were"
        );
    }
    // QoS Profiles 1.1.0 and 0.10.1's list say the same.
    let (status, _, listed) = raw(
        "GET",
        &format!("{}/qos-profiles?name=QOS_L", sandbox.v0_url()),
    );
    assert_eq!(status, 200);
    assert_eq!(listed[0]["maxDuration"]["value"], 120);
    assert_eq!(listed[0]["maxDuration"]["unit"], "Seconds");
    let (status, _, one) = raw(
        "GET",
        &format!("{}/qos-profiles/QOS_L", sandbox.profiles_url()),
    );
    assert_eq!(
        (status, &one["maxDuration"]["value"]),
        (200, &Value::from(120))
    );
}

#[test]
fn a_max_duration_override_bounds_creates_and_caps_1x_extends() {
    let (sandbox, clock) = manual(SandboxConfig {
        max_durations: vec![("QOS_E".to_owned(), 10), ("QOS_L".to_owned(), 120)],
        ..SandboxConfig::default()
    });
    let v1 = anonymous(&sandbox.v1_url());
    assert_eq!(
        api_code(v1.create_session(&phone_session("+14255550700", 11))),
        (400, ErrorCode::DurationOutOfRange)
    );
    let id = v1
        .create_session(&phone_session("+14255550700", 6))
        .unwrap()
        .session_id;
    clock.advance(AVAILABLE_AFTER);
    let started = v1.get_session(id).unwrap();
    assert_eq!(started.qos_status, QosStatus::Available);
    let extended = v1.extend_session(id, 100).unwrap();
    assert_eq!(extended.duration, 10, "capped at the profile's maxDuration");
    assert_eq!(
        extended.expires_at.unwrap().unix_seconds() - extended.started_at.unwrap().unix_seconds(),
        10
    );
    let again = v1.extend_session(id, 5).unwrap();
    assert_eq!(again.duration, 10, "at the limit an extend adds nothing");
    clock.advance(Duration::from_secs(10));
    let ended = v1.get_session(id).unwrap();
    assert_eq!(ended.qos_status, QosStatus::Unavailable);
    assert_eq!(ended.status_info, Some(StatusInfo::DurationExpired));

    // 0.10.1: the create is held to the profile's maximum (and to T-Mobile's 60 s at least).
    let v0 = anonymous(&sandbox.v0_url());
    assert_eq!(
        api_code(v0.create_session(&session_request(phone("+14255550701"), "QOS_L", 121))),
        (400, ErrorCode::OutOfRange)
    );
    let created = v0
        .create_session(&session_request(phone("+14255550701"), "QOS_L", 120))
        .unwrap();
    assert_eq!(created.duration, 120);
}

#[test]
fn a_max_duration_for_no_profile_or_below_its_minimum_is_refused() {
    for overrides in [
        vec![("QOS_NONE".to_owned(), 10)],
        vec![("QOS_VC".to_owned(), 59)],
    ] {
        let error = Sandbox::start(SandboxConfig {
            max_durations: overrides.clone(),
            ..SandboxConfig::default()
        })
        .unwrap_err();
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::InvalidInput,
            "{overrides:?}"
        );
    }
}

// ---------------------------------------------------------------- terminate

#[test]
fn terminate_ends_a_session_as_the_network_would() {
    let (sandbox, clock) = manual(SandboxConfig::default());
    let sink = Sink::start();
    let v1 = anonymous(&sandbox.v1_url());
    let number = "+14255550710";
    let id = v1
        .create_session(&with_sink(phone_session(number, 600), &sink))
        .unwrap()
        .session_id;
    clock.advance(AVAILABLE_AFTER);
    let available = sink.next();
    assert_eq!(
        (available.data.session_id, available.data.qos_status),
        (id, QosStatus::Available)
    );

    assert!(sandbox.terminate_session(&id.to_string()));
    let ended = sink.next();
    assert_eq!(ended.data.session_id, id);
    assert_eq!(ended.data.qos_status, QosStatus::Unavailable);
    assert_eq!(ended.data.status_info, Some(StatusInfo::NetworkTerminated));
    let read = v1.get_session(id).unwrap();
    assert_eq!(read.qos_status, QosStatus::Unavailable);
    assert_eq!(read.status_info, Some(StatusInfo::NetworkTerminated));
    assert!(!sandbox.terminate_session(&id.to_string()), "once");

    // The device is free: a new session for it is created at once.
    let next = v1
        .create_session(&with_sink(phone_session(number, 600), &sink))
        .unwrap()
        .session_id;
    // Over HTTP, for a sandbox in another process; a REQUESTED session ends too.
    let (status, _, body) = raw("POST", &terminate_url(&sandbox, next));
    assert_eq!((status, body), (204, Value::Null));
    let ended = sink.next();
    assert_eq!(
        (ended.data.session_id, ended.data.status_info),
        (next, Some(StatusInfo::NetworkTerminated))
    );
    let (status, _, body) = raw("POST", &terminate_url(&sandbox, next));
    assert_eq!((status, body["code"].as_str()), (404, Some("NOT_FOUND")));
    // Unknown ids, ids that are no UUID, other methods.
    assert!(!sandbox.terminate_session("123e4567-e89b-12d3-a456-426614174000"));
    assert!(!sandbox.terminate_session("not-a-uuid"));
    for id in ["123e4567-e89b-12d3-a456-426614174000", "not-a-uuid"] {
        assert_eq!(raw("POST", &terminate_url(&sandbox, id)).0, 404, "{id}");
    }
    let (status, allow, _) = raw("GET", &terminate_url(&sandbox, next));
    assert_eq!((status, allow.as_deref()), (405, Some("POST")));
    // The deletes a keeper then sends are answered as for any ended session.
    v1.delete_session(id).unwrap();
    v1.delete_session(next).unwrap();
}

#[test]
fn terminate_ends_a_0_10_1_session_too() {
    let (sandbox, _clock) = manual(SandboxConfig::default());
    let v0 = anonymous(&sandbox.v0_url());
    let number = "+14255550711";
    let created = v0.create_session(&phone_session(number, 600)).unwrap();
    assert_eq!(created.qos_status, QosStatus::Available);
    assert_eq!(
        raw("POST", &terminate_url(&sandbox, created.session_id)).0,
        204
    );
    let read = v0.get_session(created.session_id).unwrap();
    assert_eq!(read.qos_status, QosStatus::Unavailable);
    v0.create_session(&phone_session(number, 600)).unwrap();
}

#[test]
fn terminate_ends_an_assignment_which_holds_its_device_until_revoked() {
    let (sandbox, clock) = manual(SandboxConfig::default());
    let client = anonymous(&sandbox.v1_url());
    let request = CreateAssignment::new(phone("+14255550712"), profile("QOS_L"));
    let id = client.create_assignment(&request).unwrap().assignment_id;
    clock.advance(AVAILABLE_AFTER);
    let url = format!("{}/_sandbox/assignments/{id}/terminate", sandbox.base_url());
    assert_eq!(raw("POST", &url).0, 204);
    let read = client.get_assignment(id).unwrap();
    assert_eq!(read.status, QosStatus::Unavailable);
    assert_eq!(
        read.status_info,
        Some(AssignmentStatusInfo::NetworkTerminated)
    );
    assert_eq!(raw("POST", &url).0, 404, "no longer live");
    assert!(!sandbox.terminate_assignment(&id.to_string()));
    assert_eq!(api_code(client.create_assignment(&request)).0, 409);
    client.revoke_assignment(id).unwrap();
    client.create_assignment(&request).unwrap();
}

// ---------------------------------------------------------------- counts

const TOKEN_A: &str = "control-token-a-0123456789";
const TOKEN_B: &str = "control-token-b-0123456789";

#[test]
fn lifecycle_requests_are_counted_per_client() {
    let (sandbox, clock) = manual(SandboxConfig {
        auth: SandboxAuth::Bearer(vec![TOKEN_A.to_owned(), TOKEN_B.to_owned()]),
        ..SandboxConfig::default()
    });
    let a = client(&sandbox.v1_url(), Credentials::bearer(TOKEN_A).unwrap());
    let b = client(&sandbox.v1_url(), Credentials::bearer(TOKEN_B).unwrap());

    let first = a
        .create_session(&phone_session("+14255550720", 60))
        .unwrap()
        .session_id;
    let second = b
        .create_session(&phone_session("+14255550721", 60))
        .unwrap()
        .session_id;
    clock.advance(AVAILABLE_AFTER);
    a.extend_session(first, 60).unwrap();
    a.extend_session(first, 60).unwrap();
    a.delete_session(first).unwrap();
    // Refused requests are not counted: another client's session, a
    // conflict.
    assert_eq!(api_code(b.delete_session(first)).0, 403);
    assert_eq!(
        api_code(b.create_session(&phone_session("+14255550721", 60))).0,
        409
    );
    b.delete_session(second).unwrap();
    let assignment = b
        .create_assignment(&CreateAssignment::new(
            phone("+14255550722"),
            profile("QOS_L"),
        ))
        .unwrap()
        .assignment_id;
    b.revoke_assignment(assignment).unwrap();

    let counts = sandbox.lifecycle_counts();
    assert_eq!(
        counts.keys().collect::<Vec<_>>(),
        ["bearer-1", "bearer-2"],
        "named by their place in the list, never by the token"
    );
    // (creates, extends, deletes, assignment creates, revokes)
    let of = |name: &str| {
        let c: LifecycleCounts = counts[name];
        (
            c.session_creates,
            c.session_extends,
            c.session_deletes,
            c.assignment_creates,
            c.assignment_revokes,
        )
    };
    assert_eq!(of("bearer-1"), (1, 2, 1, 0, 0));
    assert_eq!(of("bearer-2"), (1, 0, 1, 1, 1));

    // The same from another process; no credentials needed.
    let (status, _, stats) = raw("GET", &format!("{}/_sandbox/stats", sandbox.base_url()));
    assert_eq!(status, 200, "{stats}");
    let clients = &stats["clients"];
    assert_eq!(clients["bearer-1"]["sessionCreates"], 1);
    assert_eq!(clients["bearer-1"]["sessionExtends"], 2);
    assert_eq!(clients["bearer-1"]["sessionDeletes"], 1);
    assert_eq!(clients["bearer-1"]["assignmentCreates"], 0);
    assert_eq!(clients["bearer-2"]["assignmentCreates"], 1);
    assert_eq!(clients["bearer-2"]["assignmentRevokes"], 1);
    assert!(!stats.to_string().contains(TOKEN_A), "no token shows");
}

#[test]
fn stats_over_http_in_camel_case() {
    let (sandbox, _clock) = manual(SandboxConfig::default());
    let client = anonymous(&sandbox.v1_url());
    let id = client
        .create_session(&phone_session("+14255550730", 60))
        .unwrap()
        .session_id;
    client.delete_session(id).unwrap();
    let stats_url = format!("{}/_sandbox/stats", sandbox.base_url());
    let (status, _, stats) = raw("GET", &stats_url);
    assert_eq!(status, 200);
    let snapshot = sandbox.stats();
    assert_eq!(stats["sessionsCreated"], 1);
    assert_eq!(stats["tokenRequests"], 0);
    assert_eq!(stats["notificationsDelivered"], 0);
    assert_eq!(stats["notificationsFailed"], 0);
    assert_eq!(stats["faultsInjected"], 0);
    assert_eq!(stats["serverErrors"], 0);
    assert_eq!(stats["acceptErrors"], 0);
    assert!(stats["connections"].as_u64().unwrap() >= 1);
    // This request counts too: it came before the snapshot.
    assert_eq!(stats["requests"].as_u64(), Some(snapshot.requests));
    assert_eq!(stats["clients"]["anonymous"]["sessionCreates"], 1);
    assert_eq!(stats["clients"]["anonymous"]["sessionDeletes"], 1);
    assert_eq!(sandbox.lifecycle_counts()["anonymous"].session_creates, 1);

    // Other methods and other paths are refused as the API refuses them.
    let (status, allow, body) = raw("POST", &stats_url);
    assert_eq!((status, allow.as_deref()), (405, Some("GET")));
    assert_eq!(body["code"], "METHOD_NOT_ALLOWED");
    for path in [
        "/_sandbox/",
        "/_sandbox/nope",
        "/_sandbox/stats/x",
        "/_sandbox",
    ] {
        let (status, _, body) = raw("GET", &format!("{}{path}", sandbox.base_url()));
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("NOT_FOUND")),
            "{path}"
        );
    }
}
