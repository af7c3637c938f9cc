//! A create that made a session (or a QoS assignment) is never lost: echoes
//! that do not parse keep it, and an answer that cannot be decoded or read
//! whole still names it.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http::{Request, Response};
use qod_core::operations::{CreateAssignmentOp, CreateSessionOp, GetAssignmentOp, GetSessionOp};
use qod_core::{
    Client, ClientCore, Clock, CreatedResource, Delivery, Endpoint, ErrorKind, Operation,
    TransportError,
};
use qod_models::{
    ApplicationServer, AssignmentId, CreateAssignment, CreateSession, Device, PhoneNumber,
    QosProfileName, QosStatus, SessionId,
};

const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

fn id() -> SessionId {
    ID.parse().unwrap()
}

fn create() -> CreateSessionOp {
    CreateSessionOp::new(
        CreateSession::new(
            Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
            QosProfileName::parse("QOS_VC").unwrap(),
        )
        .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse().unwrap())),
    )
}

fn created(body: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(201)
        .header("x-correlator", "corr-201")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

#[test]
fn a_malformed_echoed_device_returns_the_session() {
    for device in [
        r#"{"ipv4Address": {"publicPort": 5060}}"#,
        r#"{"ipv4Address": {"publicAddress": "203.0.113.300", "publicPort": 5060}}"#,
        r#"{"phoneNumber": 14250000000}"#,
        r#""+14250000000""#,
        "5",
    ] {
        let body = format!(
            r#"{{"sessionId": "{ID}", "device": {device}, "qosProfile": "QOS_VC",
                "duration": 600, "startedAt": 1639479600, "expiresAt": 1639480200,
                "qosStatus": "REQUESTED"}}"#
        );
        let info = create()
            .parse(created(&body))
            .unwrap_or_else(|e| panic!("{device}: {e}"));
        assert_eq!(info.session_id, id());
        assert_eq!(info.qos_status, QosStatus::Requested);
        let echoed = info.device.unwrap();
        assert!(echoed.parsed().is_none(), "{device}");
        assert!(echoed.parse_error().is_some());
        assert_eq!(
            echoed.raw(),
            &serde_json::from_str::<serde_json::Value>(device).unwrap()
        );
    }
}

#[test]
fn an_answer_that_is_not_json_still_names_the_session() {
    let body = format!(
        r#"<html><body>created {{"sessionId": "{ID}", "webhook": {{"notificationAuthToken": "CANARY-webhook-token-1"}}</body>"#
    );
    let error = create().parse(created(&body)).unwrap_err();
    assert_eq!(
        error.created().and_then(|made| made.session_id()),
        Some(id())
    );
    let ErrorKind::Decode {
        status, body: raw, ..
    } = error.kind()
    else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 201);
    assert_eq!(error.correlator(), Some("corr-201"));
    assert_eq!(error.created(), Some(CreatedResource::Session(id())));
    assert_eq!(raw, body.as_bytes());
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("session {ID} was created, but cannot decode")),
        "{message}"
    );
    assert!(!message.contains("CANARY"), "{message}");
}

#[test]
fn an_answer_missing_what_the_session_needs_still_names_it() {
    for body in [
        format!(r#"{{"sessionId": "{ID}", "qosProfile": "QOS_VC", "duration": 600}}"#),
        format!(r#"{{"id": "{ID}", "qosProfile": "QOS_VC", "duration": 600, "qosStatus": 7}}"#),
        format!(r#"{{"sessionId": "{ID}", "qosProfile": "QOS_VC", "dura"#),
    ] {
        let error = create().parse(created(&body)).unwrap_err();
        assert_eq!(
            error.created().and_then(|made| made.session_id()),
            Some(id()),
            "{body}"
        );
    }
    for body in [
        "",
        "{}",
        r#"{"sessionId": "not-a-uuid"}"#,
        "<html>created</html>",
    ] {
        let error = create().parse(created(body)).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Decode { .. }), "{body}");
        assert_eq!(
            error.created().and_then(|made| made.session_id()),
            None,
            "{body}"
        );
        // No id to read, but a 201 made a session all the same.
        assert_eq!(
            error.created(),
            Some(CreatedResource::UnnamedSession),
            "{body}"
        );
    }
    // Only a create makes a session: a read that does not decode names none.
    let read = GetSessionOp::new(id())
        .parse(created(&format!(r#"{{"sessionId": "{ID}"}}"#)))
        .unwrap_err();
    assert_eq!(read.created().and_then(|made| made.session_id()), None);
}

struct StillClock;

impl Clock for StillClock {
    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    fn sleep(&self, _: Duration) {}
}

#[test]
fn the_client_returns_the_id_and_does_not_create_again() {
    let posts = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&posts);
    let sent_correlator = Arc::new(Mutex::new(String::new()));
    let seen = Arc::clone(&sent_correlator);
    let transport = move |request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
        counted.fetch_add(1, Ordering::SeqCst);
        *seen.lock().unwrap() = request.headers()["x-correlator"]
            .to_str()
            .unwrap()
            .to_owned();
        Ok(Response::builder()
            .status(201)
            .body(format!(r#"{{"sessionId": "{ID}", "qosStatus": "#).into_bytes())
            .unwrap())
    };
    let client = Client::new(
        transport,
        ClientCore::new(Endpoint::new("http://127.0.0.1:9/qod/v0").unwrap()),
        Arc::new(StillClock),
    );
    let error = client.create_session(&create().body).unwrap_err();
    assert_eq!(
        error.created().and_then(|made| made.session_id()),
        Some(id())
    );
    assert_eq!(
        error.correlator(),
        Some(sent_correlator.lock().unwrap().as_str())
    );
    assert_eq!(
        posts.load(Ordering::SeqCst),
        1,
        "a create is never replayed"
    );
}

fn assignment_id() -> AssignmentId {
    ID.parse().unwrap()
}

fn create_assignment() -> CreateAssignmentOp {
    CreateAssignmentOp::new(CreateAssignment::new(
        Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
        QosProfileName::parse("QOS_L").unwrap(),
    ))
}

#[test]
fn an_assignment_answer_that_does_not_decode_still_names_it() {
    for body in [
        format!(r#"<html>made {{"assignmentId": "{ID}"}}</html>"#),
        format!(r#"{{"assignmentId": "{ID}", "qosProfile": "QOS_L"}}"#),
        format!(r#"{{"assignmentId": "{ID}", "qosProfile": "QOS_L", "stat"#),
    ] {
        let error = create_assignment().parse(created(&body)).unwrap_err();
        assert_eq!(
            error.created().and_then(|made| made.assignment_id()),
            Some(assignment_id()),
            "{body}"
        );
        assert_eq!(
            error.created().and_then(|made| made.session_id()),
            None,
            "{body}"
        );
        assert!(
            matches!(error.kind(), ErrorKind::Decode { .. }),
            "{error:?}"
        );
        assert_eq!(
            error.created(),
            Some(CreatedResource::Assignment(assignment_id()))
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
        assert_eq!(error.correlator(), Some("corr-201"));
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "QoS assignment {ID} was created, but cannot decode"
            )),
            "{message}"
        );
        let source = std::error::Error::source(&error).unwrap();
        assert!(message.contains(&source.to_string()), "{message}");
    }
    for body in [
        "",
        "{}",
        r#"{"assignmentId": "nope"}"#,
        &format!(r#"{{"sessionId": "{ID}"}}"#),
    ] {
        let error = create_assignment().parse(created(body)).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Decode { .. }), "{body}");
        // A success without a readable id still made an assignment.
        assert_eq!(
            error.created(),
            Some(CreatedResource::UnnamedAssignment),
            "{body}"
        );
        assert_eq!(
            error.created().and_then(|made| made.assignment_id()),
            None,
            "{body}"
        );
        assert!(
            error
                .to_string()
                .starts_with("a QoS assignment was probably created"),
            "{error}"
        );
    }
    // Only a create makes an assignment.
    let read = GetAssignmentOp::new(assignment_id())
        .parse(created(&format!(r#"{{"assignmentId": "{ID}"}}"#)))
        .unwrap_err();
    assert_eq!(read.created(), None);
}

#[test]
fn the_client_names_an_assignment_whose_answer_was_cut_short_and_does_not_create_again() {
    let posts = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&posts);
    let transport = move |_: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
        counted.fetch_add(1, Ordering::SeqCst);
        let partial = format!(r#"{{"assignmentId": "{ID}", "status": "REQ"#);
        Err(TransportError::new(Delivery::MaybeSent, "connection reset")
            .with_partial_response(http::StatusCode::CREATED, partial.into_bytes()))
    };
    let client = Client::new(
        transport,
        ClientCore::new(Endpoint::from_api_root("http://127.0.0.1:9").unwrap()),
        Arc::new(StillClock),
    );
    let error = client
        .create_assignment(&create_assignment().body)
        .unwrap_err();
    assert_eq!(
        error.created().and_then(|made| made.assignment_id()),
        Some(assignment_id())
    );
    assert!(
        matches!(error.kind(), ErrorKind::Transport(_))
            && matches!(error.created(), Some(CreatedResource::Assignment(_))),
        "{error:?}"
    );
    assert!(
        error.correlator().is_some(),
        "the call's correlator reaches the inner error"
    );
    assert!(
        error.to_string().starts_with(&format!(
            "QoS assignment {ID} was created, but its answer could not be read whole"
        )),
        "{error}"
    );
    assert_eq!(
        posts.load(Ordering::SeqCst),
        1,
        "a create is never replayed"
    );
}
