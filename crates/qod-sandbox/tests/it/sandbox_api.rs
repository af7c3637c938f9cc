//! The sandbox's QoD API over real HTTP, both wire versions: the session
//! lifecycle (driven by a manual clock), wire formats, error codes, QoS
//! profiles, retrieve-sessions and methods, and hostile bodies on every JSON
//! route (types, shapes, numbers, Unicode, duplicate keys). CAMARA's own
//! scenarios are in `conformance_*.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{phone, session_request as body};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qod::core::Transport;
use qod::models::{
    ErrorCode, PortsSpec, QosProfileFilter, QosProfileName, QosProfileStatus, QosStatus, SessionId,
    SessionInfo, StatusInfo, Timestamp, XCorrelator,
};
use qod::ureq_transport::UreqTransport;
use qod::{ApiError, CallOptions, Error, ErrorKind};
use qod_sandbox::test_assets::INACTIVE_PROFILE;
use qod_sandbox::{ManualClock, Sandbox, SandboxClock, SandboxConfig};
use serde_json::{Value, json};

const AVAILABLE_AFTER: Duration = Duration::from_secs(5);
const RETAIN: Duration = Duration::from_secs(360);

/// The two wire versions the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    V0,
    V1,
}

const BOTH: [Wire; 2] = [Wire::V0, Wire::V1];

struct Fixture {
    sandbox: Sandbox,
    clock: Arc<ManualClock>,
}

impl Fixture {
    /// Both versions with a REQUESTED phase, so that the phases can be followed.
    fn start() -> Fixture {
        Fixture::with(SandboxConfig {
            v0_requested_phase: true,
            ..SandboxConfig::default()
        })
    }

    fn with(config: SandboxConfig) -> Fixture {
        let clock = Arc::new(ManualClock::starting_now());
        let sandbox = Sandbox::start(SandboxConfig {
            available_after: AVAILABLE_AFTER,
            retain_ended_for: RETAIN,
            clock: clock.clone(),
            ..config
        })
        .unwrap();
        Fixture { sandbox, clock }
    }

    fn url(&self, wire: Wire) -> String {
        match wire {
            Wire::V0 => self.sandbox.v0_url(),
            Wire::V1 => self.sandbox.v1_url(),
        }
    }

    fn client(&self, wire: Wire) -> qod::Client {
        qod::ClientBuilder::new(&self.url(wire))
            .unwrap()
            .build()
            .unwrap()
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    fn now_unix(&self) -> i64 {
        unix(self.clock.now())
    }
}

fn unix(at: SystemTime) -> i64 {
    i64::try_from(at.duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap()
}

fn random_id() -> SessionId {
    SessionId::new(qod::models::uuid::Uuid::new_v4())
}

/// The CAMARA error of a failed call; panics on success or another error.
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> ApiError {
    match result.map_err(Error::into_kind) {
        Err(ErrorKind::Api(error)) => error,
        other => panic!("expected a CAMARA error, got {other:?}"),
    }
}

fn assert_api_error<T: std::fmt::Debug>(result: Result<T, Error>, status: u16, code: &ErrorCode) {
    let error = api_error(result);
    assert_eq!(error.status.as_u16(), status, "{error}");
    assert_eq!(&error.code, code, "{error}");
}

/// A response read without the client's opinions.
struct Raw {
    status: u16,
    headers: http::HeaderMap,
    json: Value,
}

impl Raw {
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.json);
        assert_eq!(self.json["status"], json!(status), "{}", self.json);
        assert_eq!(self.json["code"], json!(code), "{}", self.json);
        assert!(self.json["message"].is_string(), "{}", self.json);
    }

    fn message(&self) -> &str {
        self.json["message"].as_str().unwrap_or_default()
    }
}

/// Sends one request as given, with no validation and no retries; a body
/// says `content-type: application/json` unless `headers` name another.
fn raw(method: &str, url: &str, body: Option<&str>, headers: &[(&str, &str)]) -> Raw {
    let typed = headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    let mut all = headers.to_vec();
    if body.is_some() && !typed {
        all.push(("content-type", "application/json"));
    }
    raw_bytes(method, url, body.unwrap_or_default().as_bytes(), &all)
}

/// Sends these bytes with these headers and no others.
fn raw_bytes(method: &str, url: &str, body: &[u8], headers: &[(&str, &str)]) -> Raw {
    let mut builder = http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(body.to_vec()).unwrap();
    let response = UreqTransport::new().unwrap().send(request).unwrap();
    let json = if response.body().is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(response.body()).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(response.body())
            )
        })
    };
    Raw {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        json,
    }
}

fn duration_between(from: &Timestamp, to: &Timestamp) -> i64 {
    to.unix_seconds() - from.unix_seconds()
}

// ---------------------------------------------------------------- lifecycle

#[test]
fn full_lifecycle_in_both_versions() {
    for wire in BOTH {
        let fx = Fixture::start();
        let client = fx.client(wire);
        let t0 = fx.now_unix();
        let available_at = unix(fx.clock.now() + AVAILABLE_AFTER);

        let created = client
            .create_session(&body(phone("+14255550100"), "QOS_E", 600))
            .unwrap();
        assert_eq!(created.qos_status, QosStatus::Requested, "{wire:?}");
        assert_eq!(created.duration, 600);
        assert_eq!(created.qos_profile.as_str(), "QOS_E");
        match wire {
            // 0.10.1 requires both timestamps: while REQUESTED, the planned window.
            Wire::V0 => {
                assert_eq!(created.started_at.unwrap().unix_seconds(), t0);
                assert_eq!(created.expires_at.unwrap().unix_seconds(), t0 + 600);
            }
            Wire::V1 => {
                assert!(created.started_at.is_none(), "{created:?}");
                assert!(created.expires_at.is_none(), "{created:?}");
                assert!(created.status_info.is_none());
            }
        }
        let id = created.session_id;

        let read = client.get_session(id).unwrap();
        assert_eq!(read.session_id, id);
        assert_eq!(read.qos_status, QosStatus::Requested);

        fx.advance(AVAILABLE_AFTER - Duration::from_secs(1));
        assert_eq!(
            client.get_session(id).unwrap().qos_status,
            QosStatus::Requested,
            "{wire:?}: one second before available_after"
        );
        fx.advance(Duration::from_secs(1));
        let available = client.get_session(id).unwrap();
        assert_eq!(available.qos_status, QosStatus::Available, "{wire:?}");
        let started = available.started_at.unwrap();
        let expires = available.expires_at.unwrap();
        assert_eq!(started.unix_seconds(), available_at);
        assert_eq!(duration_between(&started, &expires), 600);
        assert_eq!(available.duration, 600);

        // Half a second off the whole seconds: 0.10.1 extends the exact remaining time.
        fx.advance(Duration::from_millis(100_500));
        let extended = client.extend_session(id, 300).unwrap();
        assert_eq!(extended.qos_status, QosStatus::Available);
        assert_eq!(extended.duration, 900, "{wire:?}");
        assert_eq!(extended.started_at.unwrap().unix_seconds(), available_at);
        assert_eq!(
            duration_between(&started, &extended.expires_at.unwrap()),
            900,
            "{wire:?}"
        );
        assert_eq!(client.get_session(id).unwrap().duration, 900);

        fx.advance(Duration::from_millis(19_500));
        client.delete_session(id).unwrap();
        let deleted = client.get_session(id).unwrap();
        assert_eq!(deleted.qos_status, QosStatus::Unavailable, "{wire:?}");
        // The effective duration: from startedAt until the deletion.
        assert_eq!(deleted.duration, 120, "{wire:?}");
        assert_eq!(
            duration_between(&started, &deleted.expires_at.unwrap()),
            120
        );
        match wire {
            Wire::V0 => assert!(deleted.status_info.is_none(), "0.10.1 has no statusInfo"),
            Wire::V1 => assert_eq!(deleted.status_info, Some(StatusInfo::DeleteRequested)),
        }
        // Deleting again is harmless: still 204, still DELETE_REQUESTED.
        client.delete_session(id).unwrap();
        assert_eq!(
            client.get_session(id).unwrap().qos_status,
            QosStatus::Unavailable
        );

        fx.advance(RETAIN - Duration::from_secs(1));
        assert_eq!(
            client.get_session(id).unwrap().qos_status,
            QosStatus::Unavailable,
            "{wire:?}: still readable one second before retain_ended_for"
        );
        assert_eq!(fx.sandbox.session_count(), 1);
        fx.advance(Duration::from_secs(1));
        let gone = api_error(client.get_session(id));
        assert_eq!(gone.status.as_u16(), 404, "{wire:?}");
        assert_eq!(gone.code, ErrorCode::NotFound);
        if wire == Wire::V0 {
            assert_eq!(gone.message, "Session Id does not exist");
        }
        assert_eq!(fx.sandbox.session_count(), 0);
        assert_api_error(client.delete_session(id), 404, &ErrorCode::NotFound);

        let stats = fx.sandbox.stats();
        assert_eq!(stats.sessions_created, 1);
        assert_eq!(stats.server_errors, 0);
    }
}

#[test]
fn t_mobile_answers_a_create_with_available_and_camara_1_with_requested() {
    // The default: as T-Mobile documents (and its SDK requires), AVAILABLE at once.
    let fx = Fixture::with(SandboxConfig::default());
    let t0 = fx.now_unix();
    let v0 = fx
        .client(Wire::V0)
        .create_session(&body(phone("+14255550105"), "QOS_VC", 600))
        .unwrap();
    assert_eq!(v0.qos_status, QosStatus::Available);
    assert_eq!(v0.started_at.unwrap().unix_seconds(), t0);
    assert_eq!(v0.expires_at.unwrap().unix_seconds(), t0 + 600);
    let read = fx.client(Wire::V0).get_session(v0.session_id).unwrap();
    assert_eq!(read.qos_status, QosStatus::Available);
    fx.client(Wire::V0)
        .extend_session(v0.session_id, 60)
        .unwrap();

    // CAMARA 1.x keeps its REQUESTED phase, even with no delay at all.
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .unwrap();
    let v1 = qod::ClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .build()
        .unwrap();
    let created = v1
        .create_session(&body(phone("+14255550106"), "QOS_E", 600))
        .unwrap();
    assert_eq!(created.qos_status, QosStatus::Requested);
    assert_eq!(
        v1.get_session(created.session_id).unwrap().qos_status,
        QosStatus::Available
    );
}

#[test]
fn a_session_expires_with_duration_expired() {
    for wire in BOTH {
        let fx = Fixture::start();
        let client = fx.client(wire);
        let device = phone("+14255550101");
        let id = client
            .create_session(&body(device.clone(), "QOS_E", 60))
            .unwrap()
            .session_id;
        fx.advance(AVAILABLE_AFTER);
        let available = client.get_session(id).unwrap();
        assert_eq!(available.qos_status, QosStatus::Available);
        let started = available.started_at.unwrap();

        fx.advance(Duration::from_secs(59));
        assert_eq!(
            client.get_session(id).unwrap().qos_status,
            QosStatus::Available
        );
        fx.advance(Duration::from_secs(1));
        let expired = client.get_session(id).unwrap();
        assert_eq!(expired.qos_status, QosStatus::Unavailable, "{wire:?}");
        assert_eq!(expired.duration, 60);
        assert_eq!(duration_between(&started, &expired.expires_at.unwrap()), 60);
        if wire == Wire::V1 {
            assert_eq!(expired.status_info, Some(StatusInfo::DurationExpired));
        }
        assert_api_error(
            client.extend_session(id, 60),
            match wire {
                Wire::V0 => 400,
                Wire::V1 => 409,
            },
            match wire {
                Wire::V0 => &ErrorCode::InvalidArgument,
                Wire::V1 => &ErrorCode::SessionExtensionNotAllowed,
            },
        );

        // An ended session no longer blocks the device.
        let next = client
            .create_session(&body(device.clone(), "QOS_E", 60))
            .unwrap();
        assert_ne!(next.session_id, id);

        // Deleting an expired session keeps the reason it ended with.
        client.delete_session(id).unwrap();
        let after = client.get_session(id).unwrap();
        assert_eq!(after.qos_status, QosStatus::Unavailable);
        if wire == Wire::V1 {
            assert_eq!(after.status_info, Some(StatusInfo::DurationExpired));
        }
    }
}

#[test]
fn extension_caps() {
    // 1.x caps the overall duration at the profile's maximum (QOS_L: 3600 s).
    let fx = Fixture::start();
    let v1 = fx.client(Wire::V1);
    let id = v1
        .create_session(&body(phone("+14255550102"), "QOS_L", 3000))
        .unwrap()
        .session_id;
    fx.advance(AVAILABLE_AFTER);
    let extended = v1.extend_session(id, 1000).unwrap();
    assert_eq!(extended.duration, 3600);

    // 0.10.1 caps the remaining duration at 86 400 s.
    let v0 = fx.client(Wire::V0);
    let id = v0
        .create_session(&body(phone("+14255550103"), "QOS_E", 80_000))
        .unwrap()
        .session_id;
    fx.advance(AVAILABLE_AFTER);
    fx.advance(Duration::from_secs(10_000));
    let extended = v0.extend_session(id, 20_000).unwrap();
    // The spec's example: 70 000 s remaining + 20 000 s, capped at 86 400 s remaining.
    assert_eq!(extended.duration, 96_400);
    assert_eq!(
        extended.expires_at.unwrap().unix_seconds(),
        fx.now_unix() + 86_400
    );
}

// ---------------------------------------------------------------- wire format

#[test]
fn timestamps_are_integers_in_v0_and_rfc3339_in_v1() {
    let fx = Fixture::start();
    let mut ids = Vec::new();
    for (wire, number) in [(Wire::V0, "+14255550110"), (Wire::V1, "+14255550111")] {
        let id = fx
            .client(wire)
            .create_session(&body(phone(number), "QOS_E", 600))
            .unwrap()
            .session_id;
        ids.push((wire, id));
    }
    let requested_v1 = raw(
        "GET",
        &format!("{}/sessions/{}", fx.sandbox.v1_url(), ids[1].1),
        None,
        &[],
    );
    assert_eq!(requested_v1.status, 200);
    assert!(
        requested_v1.json.get("startedAt").is_none(),
        "1.x has no startedAt while REQUESTED: {}",
        requested_v1.json
    );
    let requested_v0 = raw(
        "GET",
        &format!("{}/sessions/{}", fx.sandbox.v0_url(), ids[0].1),
        None,
        &[],
    );
    assert!(
        requested_v0.json["startedAt"].is_i64(),
        "{}",
        requested_v0.json
    );

    fx.advance(AVAILABLE_AFTER);
    let expected_start = fx.now_unix();
    for (wire, id) in ids {
        let response = raw("GET", &format!("{}/sessions/{id}", fx.url(wire)), None, &[]);
        assert_eq!(response.status, 200);
        assert_eq!(
            response.headers.get("content-type").unwrap(),
            "application/json"
        );
        let json = &response.json;
        assert_eq!(json["sessionId"], json!(id.to_string()));
        assert_eq!(json["qosStatus"], json!("AVAILABLE"));
        match wire {
            Wire::V0 => {
                assert_eq!(json["startedAt"].as_i64(), Some(expected_start), "{json}");
                assert_eq!(
                    json["expiresAt"].as_i64(),
                    Some(expected_start + 600),
                    "{json}"
                );
                assert!(json.get("statusInfo").is_none(), "{json}");
            }
            Wire::V1 => {
                let started = Timestamp::parse_rfc3339(json["startedAt"].as_str().unwrap())
                    .unwrap_or_else(|e| panic!("startedAt is not RFC 3339 ({e}): {json}"));
                let expires =
                    Timestamp::parse_rfc3339(json["expiresAt"].as_str().unwrap()).unwrap();
                assert_eq!(started.unix_seconds(), expected_start);
                assert_eq!(expires.unix_seconds(), expected_start + 600);
                // 1.x echoes a single device identifier and never the sink credential.
                assert_eq!(json["device"], json!({"phoneNumber": "+14255550111"}));
                assert!(json.get("sinkCredential").is_none());
            }
        }
    }
}

#[test]
fn x_correlator_is_validated_and_echoed() {
    let fx = Fixture::start();
    for wire in BOTH {
        let url = format!("{}/sessions/{}", fx.url(wire), random_id());
        for bad in ["has space", "semi\"quote", &"x".repeat(257)] {
            let response = raw("GET", &url, None, &[("x-correlator", bad)]);
            response.assert_error(400, "INVALID_ARGUMENT");
            assert!(
                response.message().contains("x-correlator"),
                "{}",
                response.message()
            );
            assert!(response.headers.get("x-correlator").is_none());
        }
        let correlator = "b4333c46-49c0-4f62-80d7-f0ef930f1c46:a;b.c/<d>{e}";
        let not_found = raw("GET", &url, None, &[("x-correlator", correlator)]);
        not_found.assert_error(404, "NOT_FOUND");
        assert_eq!(not_found.headers.get("x-correlator").unwrap(), correlator);
    }

    let client = fx.client(Wire::V1);
    let created = client
        .create_session(&body(phone("+14255550120"), "QOS_E", 600))
        .unwrap();
    let ok = raw(
        "GET",
        &format!("{}/sessions/{}", fx.sandbox.v1_url(), created.session_id),
        None,
        &[("x-correlator", "my-correlator-1")],
    );
    assert_eq!(ok.status, 200);
    assert_eq!(ok.headers.get("x-correlator").unwrap(), "my-correlator-1");

    // The client sends the correlator it is given and reports it with errors.
    let error = client
        .execute(
            &qod::operations::GetSessionOp::new(random_id()),
            &CallOptions::new()
                .with_correlator(XCorrelator::parse("corr-from-the-caller").unwrap()),
        )
        .unwrap_err();
    assert_eq!(error.correlator(), Some("corr-from-the-caller"));
    assert_eq!(error.code(), Some(&ErrorCode::NotFound));
}

// ---------------------------------------------------------------- errors

#[test]
fn missing_properties_are_invalid_argument() {
    let fx = Fixture::start();
    let v0 = format!("{}/sessions", fx.sandbox.v0_url());
    let response = raw(
        "POST",
        &v0,
        Some(
            r#"{"qosProfile":"QOS_E","applicationServer":{"ipv4Address":"198.51.100.1"},"duration":600}"#,
        ),
        &[],
    );
    response.assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(response.message(), "Expected property is missing: device");

    let response = raw(
        "POST",
        &v0,
        Some(r#"{"device":{"phoneNumber":"+14255550130"},"duration":600}"#),
        &[],
    );
    response.assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(
        response.message(),
        "Expected property is missing: qosProfile"
    );

    let v1 = format!("{}/sessions", fx.sandbox.v1_url());
    for (missing, body) in [
        (
            "applicationServer",
            r#"{"device":{"phoneNumber":"+14255550130"},"qosProfile":"QOS_E","duration":600}"#,
        ),
        (
            "duration",
            r#"{"device":{"phoneNumber":"+14255550130"},"qosProfile":"QOS_E","applicationServer":{"ipv4Address":"198.51.100.1"}}"#,
        ),
    ] {
        let response = raw("POST", &v1, Some(body), &[]);
        response.assert_error(400, "INVALID_ARGUMENT");
        assert_eq!(
            response.message(),
            format!("Expected property is missing: {missing}")
        );
    }

    for body in ["not json", "[1,2]", "{\"qosProfile\":"] {
        for url in [&v0, &v1] {
            raw("POST", url, Some(body), &[]).assert_error(400, "INVALID_ARGUMENT");
        }
    }
    // Nothing of that created a session.
    assert_eq!(fx.sandbox.stats().sessions_created, 0);
    assert_eq!(fx.sandbox.stats().server_errors, 0);
}

#[test]
fn bad_ports_are_out_of_range() {
    let fx = Fixture::start();
    let base = json!({
        "device": {"phoneNumber": "+14255550140"},
        "applicationServer": {"ipv4Address": "198.51.100.1"},
        "qosProfile": "QOS_E",
        "duration": 600,
    });
    let variants = [
        ("devicePorts", json!({"ports": [70000]})),
        ("devicePorts", json!({"ports": [-1]})),
        (
            "applicationServerPorts",
            json!({"ranges": [{"from": 6000, "to": 5000}]}),
        ),
        (
            "applicationServerPorts",
            json!({"ranges": [{"from": 5000, "to": 65536}]}),
        ),
    ];
    for wire in BOTH {
        let url = format!("{}/sessions", fx.url(wire));
        for (field, ports) in &variants {
            let mut body = base.clone();
            body[field] = ports.clone();
            let response = raw("POST", &url, Some(&body.to_string()), &[]);
            response.assert_error(400, "OUT_OF_RANGE");
            assert!(response.message().contains(field), "{}", response.message());
        }
        let mut body = base.clone();
        body["device"] =
            json!({"ipv4Address": {"publicAddress": "203.0.113.7", "publicPort": 65536}});
        let response = raw("POST", &url, Some(&body.to_string()), &[]);
        response.assert_error(400, "OUT_OF_RANGE");
        assert_eq!(
            response.message(),
            "Invalid port value specified: device.ipv4Address.publicPort"
        );
    }
    // Valid ports are accepted, through the client.
    let created = fx
        .client(Wire::V1)
        .create_session(
            &body(phone("+14255550140"), "QOS_E", 600)
                .with_device_ports(PortsSpec::ports([5000, 65535])),
        )
        .unwrap();
    assert_eq!(
        created
            .device_ports
            .and_then(|p| p.into_parsed())
            .and_then(|p| p.ports)
            .unwrap()
            .len(),
        2,
        "ports echoed"
    );
    assert_eq!(fx.sandbox.stats().sessions_created, 1);
}

#[test]
fn duration_outside_the_profile_range() {
    let fx = Fixture::start();
    for (wire, code, number) in [
        (Wire::V0, ErrorCode::OutOfRange, "+14255550150"),
        (Wire::V1, ErrorCode::DurationOutOfRange, "+14255550151"),
    ] {
        let client = fx.client(wire);
        // QOS_L allows at most 3600 s; the client does not know profile limits.
        let error = api_error(client.create_session(&body(phone(number), "QOS_L", 3601)));
        assert_eq!(error.status.as_u16(), 400, "{wire:?}");
        assert_eq!(error.code, code, "{wire:?}");
        if wire == Wire::V1 {
            assert_eq!(
                error.code.to_string(),
                "QUALITY_ON_DEMAND.DURATION_OUT_OF_RANGE"
            );
        }
        let ok = client
            .create_session(&body(phone(number), "QOS_L", 3600))
            .unwrap();
        assert_eq!(ok.duration, 3600);
    }
    // T-Mobile's profiles start at 60 s in 0.10.1.
    let response = raw(
        "POST",
        &format!("{}/sessions", fx.sandbox.v0_url()),
        Some(r#"{"device":{"phoneNumber":"14255550152"},"qosProfile":"QOS_VC","duration":59}"#),
        &[],
    );
    response.assert_error(400, "OUT_OF_RANGE");
    // An unknown profile is refused.
    let response = raw(
        "POST",
        &format!("{}/sessions", fx.sandbox.v1_url()),
        Some(
            r#"{"device":{"phoneNumber":"+14255550153"},"qosProfile":"QOS_NOPE","applicationServer":{"ipv4Address":"198.51.100.1"},"duration":60}"#,
        ),
        &[],
    );
    response.assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(fx.sandbox.stats().sessions_created, 2);
}

#[test]
fn unknown_and_malformed_session_ids() {
    let fx = Fixture::start();
    for wire in BOTH {
        let client = fx.client(wire);
        let id = random_id();
        assert_api_error(client.get_session(id), 404, &ErrorCode::NotFound);
        assert_api_error(client.delete_session(id), 404, &ErrorCode::NotFound);
        assert_api_error(client.extend_session(id, 60), 404, &ErrorCode::NotFound);

        let base = fx.url(wire);
        for (method, path, body) in [
            ("GET", "/sessions/not-a-uuid", None),
            ("DELETE", "/sessions/not-a-uuid", None),
            (
                "POST",
                "/sessions/12345/extend",
                Some(r#"{"requestedAdditionalDuration":60}"#),
            ),
        ] {
            raw(method, &format!("{base}{path}"), body, &[]).assert_error(400, "INVALID_ARGUMENT");
        }
    }
    // A session lives in the version it was created in.
    let v1_session = fx
        .client(Wire::V1)
        .create_session(&body(phone("+14255550160"), "QOS_E", 600))
        .unwrap();
    assert_api_error(
        fx.client(Wire::V0).get_session(v1_session.session_id),
        404,
        &ErrorCode::NotFound,
    );
}

#[test]
fn a_second_active_session_for_a_device_conflicts() {
    let fx = Fixture::start();
    for (wire, first, second, another) in [
        // 0.10.1 accepts numbers with and without '+': they name the same device.
        (Wire::V0, "+14255550170", "14255550170", "+14255550178"),
        (Wire::V1, "+14255550171", "+14255550171", "+14255550179"),
    ] {
        let client = fx.client(wire);
        let created = client
            .create_session(&body(phone(first), "QOS_E", 600))
            .unwrap();
        let conflict = api_error(client.create_session(&body(phone(second), "QOS_M", 600)));
        assert_eq!(conflict.status.as_u16(), 409, "{wire:?}");
        assert_eq!(conflict.code, ErrorCode::Conflict);
        // Still a conflict once AVAILABLE.
        fx.advance(AVAILABLE_AFTER);
        assert_api_error(
            client.create_session(&body(phone(second), "QOS_E", 600)),
            409,
            &ErrorCode::Conflict,
        );
        // Another device is fine; so is the same one after the delete.
        client
            .create_session(&body(phone(another), "QOS_E", 600))
            .unwrap();
        client.delete_session(created.session_id).unwrap();
        client
            .create_session(&body(phone(second), "QOS_E", 600))
            .unwrap();
    }
    assert_eq!(fx.sandbox.stats().sessions_created, 6);
}

#[test]
fn extending_a_session_that_is_not_available() {
    let fx = Fixture::start();
    for wire in BOTH {
        let client = fx.client(wire);
        let number = match wire {
            Wire::V0 => "+14255550180",
            Wire::V1 => "+14255550181",
        };
        let id = client
            .create_session(&body(phone(number), "QOS_E", 600))
            .unwrap()
            .session_id;
        let requested = api_error(client.extend_session(id, 60));
        match wire {
            Wire::V0 => {
                assert_eq!(requested.status.as_u16(), 400);
                assert_eq!(requested.code, ErrorCode::InvalidArgument);
                assert_eq!(requested.message, "The target session is inactive");
            }
            Wire::V1 => {
                assert_eq!(requested.status.as_u16(), 409);
                assert_eq!(requested.code, ErrorCode::SessionExtensionNotAllowed);
                assert_eq!(
                    requested.code.to_string(),
                    "QUALITY_ON_DEMAND.SESSION_EXTENSION_NOT_ALLOWED"
                );
                assert!(requested.message.contains("REQUESTED"), "{requested}");
            }
        }
        client.delete_session(id).unwrap();
        let (status, code) = match wire {
            Wire::V0 => (400, ErrorCode::InvalidArgument),
            Wire::V1 => (409, ErrorCode::SessionExtensionNotAllowed),
        };
        assert_api_error(client.extend_session(id, 60), status, &code);
        // The failed extensions changed nothing.
        assert_eq!(client.get_session(id).unwrap().duration, 600);
    }
}

#[test]
fn extend_body_is_validated() {
    let fx = Fixture::start();
    let client = fx.client(Wire::V1);
    let id = client
        .create_session(&body(phone("+14255550190"), "QOS_E", 600))
        .unwrap()
        .session_id;
    fx.advance(AVAILABLE_AFTER);
    let url = format!("{}/sessions/{id}/extend", fx.sandbox.v1_url());
    let missing = raw("POST", &url, Some("{}"), &[]);
    missing.assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(
        missing.message(),
        "Expected property is missing: requestedAdditionalDuration"
    );
    let zero = raw(
        "POST",
        &url,
        Some(r#"{"requestedAdditionalDuration":0}"#),
        &[],
    );
    // The spec's minimum is 1; its generic 400 allows either code.
    assert_eq!(zero.status, 400);
    assert!(
        ["INVALID_ARGUMENT", "OUT_OF_RANGE"].contains(&zero.json["code"].as_str().unwrap()),
        "{}",
        zero.json
    );
    assert!(
        zero.message().contains("requestedAdditionalDuration"),
        "{}",
        zero.json
    );
    raw(
        "POST",
        &url,
        Some(r#"{"requestedAdditionalDuration":"sixty"}"#),
        &[],
    )
    .assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(client.get_session(id).unwrap().duration, 600);
}

// ---------------------------------------------------------------- profiles

fn profile_name(name: &str) -> QosProfileName {
    QosProfileName::parse(name).unwrap()
}

#[test]
fn qos_profiles_one_by_one() {
    let fx = Fixture::start();
    for wire in BOTH {
        let client = fx.client(wire);
        let large = client.get_qos_profile(&profile_name("QOS_L")).unwrap();
        assert_eq!(large.name.as_str(), "QOS_L");
        assert_eq!(large.status, QosProfileStatus::Active);
        assert_eq!(
            large.max_duration.as_ref().and_then(|d| d.to_std()),
            Some(Duration::from_secs(3600))
        );
        let vc = client.get_qos_profile(&profile_name("QOS_VC")).unwrap();
        assert_eq!(
            vc.min_duration.as_ref().and_then(|d| d.to_std()),
            Some(Duration::from_secs(60))
        );
        assert_api_error(
            client.get_qos_profile(&profile_name("QOS_NOPE")),
            404,
            &ErrorCode::NotFound,
        );
    }
    // The paths each version uses.
    let v0 = raw(
        "GET",
        &format!("{}/qos-profiles/QOS_E", fx.sandbox.v0_url()),
        None,
        &[],
    );
    assert_eq!(v0.status, 200);
    assert_eq!(v0.json["name"], json!("QOS_E"));
    let v1 = raw(
        "GET",
        &format!("{}/qos-profiles/QOS_E", fx.sandbox.profiles_url()),
        None,
        &[],
    );
    assert_eq!(v1.status, 200);
    assert_eq!(v1.json, v0.json);
    raw(
        "GET",
        &format!("{}/qos-profiles/QOS_NOPE", fx.sandbox.profiles_url()),
        None,
        &[],
    )
    .assert_error(404, "NOT_FOUND");
}

#[test]
fn qos_profiles_listed() {
    let fx = Fixture::start();
    let active_names = [
        "QOS_VC",
        "QOS_XR",
        "QOS_RVM",
        "QOS_POSALE",
        "QOS_BROADCAST",
        "QOS_E",
        "QOS_S",
        "QOS_M",
        "QOS_L",
    ];
    // The restricted test profile is listed for its device only.
    let all_names: Vec<&str> = active_names.into_iter().chain([INACTIVE_PROFILE]).collect();
    for wire in BOTH {
        let client = fx.client(wire);
        let all = client
            .list_qos_profiles(&QosProfileFilter::default())
            .unwrap();
        let mut names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        let mut expected = all_names.clone();
        expected.sort_unstable();
        assert_eq!(names, expected, "{wire:?}");

        let by_name = client
            .list_qos_profiles(&QosProfileFilter {
                name: Some(profile_name("QOS_M")),
                ..QosProfileFilter::default()
            })
            .unwrap();
        assert_eq!(by_name.len(), 1);
        assert_eq!(by_name[0].name.as_str(), "QOS_M");

        let active = client
            .list_qos_profiles(&QosProfileFilter {
                status: Some(QosProfileStatus::Active),
                ..QosProfileFilter::default()
            })
            .unwrap();
        assert_eq!(active.len(), active_names.len());

        let inactive = client
            .list_qos_profiles(&QosProfileFilter {
                status: Some(QosProfileStatus::Inactive),
                ..QosProfileFilter::default()
            })
            .unwrap();
        assert_eq!(inactive.len(), 1);
        assert_eq!(inactive[0].name.as_str(), INACTIVE_PROFILE);

        let deprecated = client.list_qos_profiles(&QosProfileFilter {
            status: Some(QosProfileStatus::Deprecated),
            ..QosProfileFilter::default()
        });
        match wire {
            // 0.10.1: 404 "No QoS Profiles found" when nothing matches.
            Wire::V0 => {
                let error = api_error(deprecated);
                assert_eq!(error.status.as_u16(), 404);
                assert_eq!(error.code, ErrorCode::NotFound);
                assert_eq!(error.message, "No QoS Profiles found");
            }
            // 1.x: an empty list.
            Wire::V1 => assert!(deprecated.unwrap().is_empty()),
        }
    }

    let listed = raw(
        "GET",
        &format!("{}/qos-profiles?name=QOS_S", fx.sandbox.v0_url()),
        None,
        &[],
    );
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    // 0.10.1's `name` is any string: one no profile has is no error.
    raw(
        "GET",
        &format!("{}/qos-profiles?name=ab&status=ACTIVE", fx.sandbox.v0_url()),
        None,
        &[],
    )
    .assert_error(404, "NOT_FOUND");
    let retrieved = raw(
        "POST",
        &format!("{}/retrieve-qos-profiles", fx.sandbox.profiles_url()),
        Some(r#"{"name":"QOS_S"}"#),
        &[],
    );
    assert_eq!(retrieved.status, 200);
    assert_eq!(retrieved.json, listed.json);
    let all = raw(
        "POST",
        &format!("{}/retrieve-qos-profiles", fx.sandbox.profiles_url()),
        Some("{}"),
        &[],
    );
    assert_eq!(all.json.as_array().unwrap().len(), all_names.len());
    raw(
        "POST",
        &format!("{}/retrieve-qos-profiles", fx.sandbox.profiles_url()),
        Some("not json"),
        &[],
    )
    .assert_error(400, "INVALID_ARGUMENT");
}

// ---------------------------------------------------------------- retrieve-sessions

#[test]
fn retrieve_sessions_by_device() {
    let fx = Fixture::start();
    let client = fx.client(Wire::V1);
    let a = phone("+14255550200");
    let b = phone("+14255550201");
    let first = client
        .create_session(&body(a.clone(), "QOS_E", 600))
        .unwrap();
    let other = client
        .create_session(&body(b.clone(), "QOS_E", 600))
        .unwrap();

    let found = client.retrieve_sessions(Some(a.clone())).unwrap();
    let ids: Vec<SessionId> = found.iter().map(|s| s.session_id).collect();
    assert_eq!(ids, vec![first.session_id]);
    assert_eq!(found[0].qos_status, QosStatus::Requested);

    // Ended sessions are still listed until they are gone, oldest first.
    fx.advance(AVAILABLE_AFTER);
    client.delete_session(first.session_id).unwrap();
    fx.advance(Duration::from_secs(1));
    let second = client
        .create_session(&body(a.clone(), "QOS_E", 600))
        .unwrap();
    let found: Vec<SessionInfo> = client.retrieve_sessions(Some(a.clone())).unwrap();
    let ids: Vec<SessionId> = found.iter().map(|s| s.session_id).collect();
    assert_eq!(ids, vec![first.session_id, second.session_id]);
    assert_eq!(found[0].status_info, Some(StatusInfo::DeleteRequested));

    assert_eq!(
        client.retrieve_sessions(Some(b)).unwrap()[0].session_id,
        other.session_id
    );
    assert!(
        client
            .retrieve_sessions(Some(phone("+14255550299")))
            .unwrap()
            .is_empty()
    );

    // Sessions created over 0.10.1 are not listed, and 0.10.1 has no retrieve-sessions.
    fx.client(Wire::V0)
        .create_session(&body(phone("+14255550202"), "QOS_E", 600))
        .unwrap();
    assert!(
        client
            .retrieve_sessions(Some(phone("+14255550202")))
            .unwrap()
            .is_empty()
    );
    let unsupported = fx.client(Wire::V0).retrieve_sessions(Some(a));
    assert!(
        matches!(
            unsupported.as_ref().map_err(|e| e.kind()),
            Err(ErrorKind::Unsupported { .. })
        ),
        "{unsupported:?}"
    );

    // With a two-legged token the device is required.
    assert_api_error(
        client.retrieve_sessions(None),
        422,
        &ErrorCode::MissingIdentifier,
    );
}

#[test]
fn unknown_paths_are_not_found() {
    let fx = Fixture::start();
    for path in [
        "/",
        "/nope",
        "/qod/v2/sessions",
        "/quality-on-demand/v2/sessions/00000000-0000-0000-0000-000000000000",
        "/quality-on-demand/v1/sessions/00000000-0000-0000-0000-000000000000/shorten",
        "/qod/v0/retrieve-sessions",
    ] {
        for method in ["GET", "POST"] {
            let response = raw(
                method,
                &format!("{}{path}", fx.sandbox.base_url()),
                (method == "POST").then_some("{}"),
                &[],
            );
            response.assert_error(404, "NOT_FOUND");
        }
    }
    assert_eq!(fx.sandbox.stats().server_errors, 0);
}

#[test]
fn a_wrong_method_on_a_known_path_is_405_with_allow() {
    let fx = Fixture::start();
    let id = random_id();
    for (method, path, allow) in [
        ("PUT", format!("/qod/v0/sessions/{id}"), "GET, DELETE"),
        (
            "PATCH",
            format!("/quality-on-demand/v1/sessions/{id}"),
            "GET, DELETE",
        ),
        ("GET", "/quality-on-demand/v1/sessions".to_owned(), "POST"),
        ("DELETE", "/qod/v0/sessions".to_owned(), "POST"),
        (
            "GET",
            format!("/quality-on-demand/v1/sessions/{id}/extend"),
            "POST",
        ),
        (
            "GET",
            "/quality-on-demand/v1/retrieve-sessions".to_owned(),
            "POST",
        ),
        (
            "POST",
            "/qos-profiles/v1/qos-profiles/QOS_E".to_owned(),
            "GET",
        ),
        (
            "GET",
            "/qos-profiles/v1/retrieve-qos-profiles".to_owned(),
            "POST",
        ),
        ("POST", "/qod/v0/qos-profiles".to_owned(), "GET"),
        ("GET", "/oauth/token".to_owned(), "POST"),
        ("GET", "/oauth2/v2/tokens".to_owned(), "POST"),
    ] {
        let response = raw(
            method,
            &format!("{}{path}", fx.sandbox.base_url()),
            (method != "GET").then_some("{}"),
            &[("x-correlator", "wrong-method")],
        );
        response.assert_error(405, "METHOD_NOT_ALLOWED");
        assert_eq!(response.headers["allow"], allow, "{method} {path}");
        assert_eq!(response.headers["x-correlator"], "wrong-method");
    }
    assert_eq!(fx.sandbox.stats().server_errors, 0);
}

// ---------------------------------------------------------------- hostile input

/// A 1.x create for the device with phone `number`, as JSON.
fn create_json(number: &str) -> Value {
    json!({"device": {"phoneNumber": number},
           "applicationServer": {"ipv4Address": "198.51.100.1"},
           "qosProfile": "QOS_E", "duration": 60})
}

/// Every route that reads a JSON body, by its full URL.
fn json_routes(fixture: &Fixture) -> Vec<String> {
    let base = fixture.sandbox.base_url();
    let id = random_id();
    [
        "/qod/v0/sessions".to_owned(),
        "/quality-on-demand/v1/sessions".to_owned(),
        format!("/qod/v0/sessions/{id}/extend"),
        format!("/quality-on-demand/v1/sessions/{id}/extend"),
        "/quality-on-demand/v1/retrieve-sessions".to_owned(),
        "/qos-profiles/v1/retrieve-qos-profiles".to_owned(),
        "/qos-provisioning/v0.3/qos-assignments".to_owned(),
        "/qos-provisioning/v0.3/retrieve-qos-assignment".to_owned(),
    ]
    .into_iter()
    .map(|path| format!("{base}{path}"))
    .collect()
}

#[test]
fn a_body_that_is_not_json_by_its_type_is_415() {
    let fixture = Fixture::start();
    let create = create_json("+14255550970").to_string();
    for url in json_routes(&fixture) {
        for media in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/xml",
            "application/jsonp",
            "application/json+xml",
            "text/json",
            "json",
            "",
        ] {
            let answer = raw("POST", &url, Some(&create), &[("content-type", media)]);
            answer.assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
            assert!(answer.message().contains("JSON"), "{}", answer.json);
        }
        // No Content-Type at all, or two of them.
        raw_bytes("POST", &url, create.as_bytes(), &[]).assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
        raw_bytes(
            "POST",
            &url,
            create.as_bytes(),
            &[
                ("content-type", "application/json"),
                ("content-type", "text/plain"),
            ],
        )
        .assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
        // No body: nothing to judge by its type.
        let answer = raw_bytes("POST", &url, b"", &[("content-type", "text/plain")]);
        assert_eq!(answer.status, 400, "{url}: {}", answer.json);
    }
    assert_eq!(fixture.sandbox.stats().sessions_created, 0);
    let sessions = format!("{}/sessions", fixture.url(Wire::V1));
    for (n, media) in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;Charset=UTF-8",
        "application/merge-patch+json",
        "application/vnd.camara.qod+JSON ; q=1",
    ]
    .into_iter()
    .enumerate()
    {
        let create = create_json(&format!("+1425555098{n}")).to_string();
        let answer = raw("POST", &sessions, Some(&create), &[("content-type", media)]);
        assert_eq!(answer.status, 201, "{media}: {}", answer.json);
    }
}

#[test]
fn bad_json_of_every_shape_to_every_route_is_400() {
    let fixture = Fixture::start();
    let deep_arrays = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_objects = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    let unclosed = "[".repeat(100_000 / 2);
    let bodies: Vec<Vec<u8>> = [
        "[]",
        "[{}]",
        r#""a string""#,
        "null",
        "0",
        "-1",
        "1e400",
        "18446744073709551616",
        "true",
        deep_arrays.as_str(),
        deep_objects.as_str(),
        unclosed.as_str(),
        r#"{"device":{"phoneNumber":"+1425"#,
        r#"{"device""#,
        "{",
        "}",
        "{} {}",
        "{}x",
        "\u{feff}{}",
        r#"{"duration":NaN}"#,
        r#"{"duration":1e400}"#,
        r#"{"qosProfile":"\ud800"}"#,
        r#"{"qosProfile":"\udc00\ud800"}"#,
        r#"{"a":"\u00"}"#,
        "{'device':{}}",
        r#"{"device":{},}"#,
    ]
    .iter()
    .map(|b| b.as_bytes().to_vec())
    .chain([
        b"\xff\xfe{}".to_vec(),
        b"{\"qosProfile\":\"\xc3\x28\"}".to_vec(),
        vec![0; 64],
    ])
    .collect();
    for url in json_routes(&fixture) {
        for bytes in &bodies {
            let answer = raw_bytes("POST", &url, bytes, &[("content-type", "application/json")]);
            let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into_owned();
            answer.assert_error(400, "INVALID_ARGUMENT");
            assert!(!answer.message().is_empty(), "{url} {shown}");
        }
    }
    let stats = fixture.sandbox.stats();
    assert_eq!((stats.sessions_created, stats.server_errors), (0, 0));
}

#[test]
fn huge_numbers_odd_unicode_and_duplicate_keys() {
    let fixture = Fixture::start();
    let sessions = format!("{}/sessions", fixture.url(Wire::V1));
    let with = |change: &dyn Fn(&mut Value)| {
        let mut create = create_json("+14255550970");
        change(&mut create);
        create.to_string()
    };
    // Numbers no duration can be: 400 whatever their size or form.
    for duration in [
        "18446744073709551616",
        "18446744073709551615",
        "9223372036854775808",
        "-9223372036854775809",
        "2147483648",
        "1e400",
        "1e3",
        "60.0",
        "-0",
        "0",
    ] {
        let text = with(&|_| {}).replace(r#""duration":60"#, &format!(r#""duration":{duration}"#));
        let answer = raw("POST", &sessions, Some(&text), &[]);
        assert_eq!(answer.status, 400, "{duration}: {}", answer.json);
    }
    // NUL, RTL override, line separator, a lone surrogate's neighbours: no
    // phone number or profile has them.
    for odd in ["\u{0}", "\u{202e}", "\u{2028}", "\u{fffd}", "\u{10ffff}"] {
        for (field, value) in [
            ("qosProfile", format!("QOS_E{odd}")),
            ("phoneNumber", format!("+1425555{odd}0100")),
        ] {
            let text = with(&|create| {
                if field == "qosProfile" {
                    create["qosProfile"] = json!(value);
                } else {
                    create["device"]["phoneNumber"] = json!(value);
                }
            });
            let answer = raw("POST", &sessions, Some(&text), &[]);
            assert_eq!(answer.status, 400, "{field} {odd:?}: {}", answer.json);
        }
    }
    // Such text where a token is free text: answered in JSON, no 5xx.
    let token = "tok\u{0}\u{202e}\u{2028}en-of-sixteen-chars";
    let text = with(&|create| {
        create["sink"] = json!("http://127.0.0.1:9/notify");
        create["sinkCredential"] = json!({"credentialType": "ACCESSTOKEN",
            "accessToken": token, "accessTokenExpiresUtc": "2099-01-01T00:00:00Z",
            "accessTokenType": "bearer"});
    });
    let answer = raw("POST", &sessions, Some(&text), &[]);
    assert!(answer.status < 500, "{}", answer.json);
    // Duplicate keys are refused, at any depth: which one a server takes
    // differs from parser to parser, so no answer would be safe to rely on.
    let one_device = create_json("+14255550971").to_string();
    for text in [
        one_device.replacen(
            r#""qosProfile":"QOS_E""#,
            r#""qosProfile":"QOS_E","qosProfile":"QOS_L""#,
            1,
        ),
        one_device.replacen(r#""duration":60"#, r#""duration":60,"duration":86400"#, 1),
        one_device.replacen(
            r#""phoneNumber":"#,
            r#""phoneNumber":"+14255550000","phoneNumber":"#,
            1,
        ),
    ] {
        assert_ne!(text, one_device);
        let answer = raw("POST", &sessions, Some(&text), &[]);
        answer.assert_error(400, "INVALID_ARGUMENT");
        assert!(answer.message().contains("duplicate"), "{}", answer.json);
    }
    assert_eq!(fixture.sandbox.stats().server_errors, 0);
}
