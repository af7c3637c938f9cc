//! One entry point per family of parsers that read network input. The
//! cargo-fuzz targets call them with libFuzzer's bytes; the tests call them
//! with the seed corpus and with proptest's cases, so CI runs them too.
//!
//! Fuzz with `cargo fuzz run operation_responses --features libfuzzer`
//! (cargo-fuzz, nightly); `cargo test -p qod-fuzz` runs the corpus.

#![forbid(unsafe_code)]

use std::sync::OnceLock;
use std::time::SystemTime;

use http::{HeaderValue, Request, Response};
use qod_core::Operation;
use qod_core::auth::{ClientCredentials, TaapCredentials};
use qod_core::operations::{
    CreateAssignmentOp, CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetAssignmentOp,
    GetQosProfileOp, GetSessionOp, ListQosProfilesOp, RetrieveAssignmentOp, RetrieveSessionsOp,
    RevokeAssignmentOp,
};
use qod_models::{
    AssignmentId, AssignmentInfo, AssignmentStatusChangedEvent, CreateAssignment, CreateSession,
    Device, ErrorInfo, QosProfile, QosProfileName, QosStatusChangedEvent, SessionId, SessionInfo,
};

/// A test-only key for the TAAP parser (it parses without using the key).
const KEY_PEM: &[u8] = include_bytes!("../../crates/qod-core/tests/fixtures/test-rsa-2048.pem");

/// Splits fuzz input into a status (first two bytes, 100..=999), a header
/// value (up to the first NUL of the next 32 bytes) and a body (the rest).
fn split(data: &[u8]) -> (u16, &[u8], &[u8]) {
    let status = match data {
        [a, b, ..] => 100 + u16::from_be_bytes([*a, *b]) % 900,
        _ => 200,
    };
    let rest = data.get(2..).unwrap_or_default();
    let header_end = rest.iter().take(32).position(|b| *b == 0).unwrap_or(0);
    (
        status,
        &rest[..header_end],
        rest.get(header_end + 1..).unwrap_or_default(),
    )
}

/// A response with `status`, `header` as x-correlator and Retry-After, and `body`.
pub fn response(status: u16, header: &[u8], body: &[u8]) -> Response<Vec<u8>> {
    let mut response = Response::new(body.to_vec());
    if let Ok(status) = http::StatusCode::from_u16(status) {
        *response.status_mut() = status;
    }
    if let Ok(value) = HeaderValue::from_bytes(header) {
        response.headers_mut().insert("x-correlator", value.clone());
        response.headers_mut().insert("retry-after", value);
    }
    response
}

/// Every operation's response parser, and the Retry-After parser, on one response.
pub fn parse_operation_responses(status: u16, header: &[u8], body: &[u8]) {
    let id = SessionId::new(qod_models::uuid::Uuid::nil());
    let Ok(name) = QosProfileName::parse("QOS_VC") else {
        return;
    };
    let create = CreateSessionOp::new(CreateSession::new(Device::default(), name.clone()));
    // Messages too: they quote the body, with secrets redacted.
    if let Err(error) = create.parse(response(status, header, body)) {
        let _ = (
            error.to_string(),
            error.created().and_then(|made| made.session_id()),
        );
    }
    let _ = GetSessionOp::new(id).parse(response(status, header, body));
    let _ = DeleteSessionOp::new(id).parse(response(status, header, body));
    let _ = ExtendSessionOp::new(id, 60).parse(response(status, header, body));
    let _ = RetrieveSessionsOp::default().parse(response(status, header, body));
    let _ = GetQosProfileOp::new(name.clone()).parse(response(status, header, body));
    let _ = ListQosProfilesOp::default().parse(response(status, header, body));
    let assignment = AssignmentId::new(qod_models::uuid::Uuid::nil());
    let create = CreateAssignmentOp::new(CreateAssignment::for_token_subject(name));
    if let Err(error) = create.parse(response(status, header, body)) {
        let _ = (error.to_string(), error.created());
    }
    let _ = GetAssignmentOp::new(assignment).parse(response(status, header, body));
    let _ = RetrieveAssignmentOp::default().parse(response(status, header, body));
    let _ = RevokeAssignmentOp::new(assignment).parse(response(status, header, body));
    let _ = qod_core::retry::parse_retry_after(
        response(status, header, body).headers(),
        SystemTime::now(),
    );
}

/// Fuzz entry: operation responses.
pub fn operation_responses(data: &[u8]) {
    let (status, header, body) = split(data);
    parse_operation_responses(status, header, body);
}

/// The notification parser on one request, with and without an expected token.
pub fn parse_notification(authorization: &[u8], content_type: &[u8], body: &[u8]) {
    let mut request = Request::post("/notify")
        .body(body.to_vec())
        .unwrap_or_default();
    if let Ok(value) = HeaderValue::from_bytes(authorization) {
        request.headers_mut().insert("authorization", value);
    }
    if let Ok(value) = HeaderValue::from_bytes(content_type) {
        request.headers_mut().insert("content-type", value);
    }
    let _ = qod_core::notification::verify(&request, Some("expected-token-of-twenty"));
    let _ = qod_core::notification::verify(&request, None);
    let _ = qod_core::notification::verify_event::<AssignmentStatusChangedEvent>(&request, None);
}

/// Fuzz entry: notifications (the header value is used as Authorization and content type).
pub fn notification(data: &[u8]) {
    let (_, header, body) = split(data);
    parse_notification(header, b"application/cloudevents+json", body);
    parse_notification(header, header, body);
}

fn credentials() -> Option<&'static (ClientCredentials, TaapCredentials)> {
    static CREDENTIALS: OnceLock<Option<(ClientCredentials, TaapCredentials)>> = OnceLock::new();
    CREDENTIALS
        .get_or_init(|| {
            let oauth =
                ClientCredentials::new("https://auth.example.com/token", "id", "secret").ok()?;
            let taap = TaapCredentials::from_pem("id", "secret", KEY_PEM).ok()?;
            Some((oauth, taap))
        })
        .as_ref()
}

/// Both token response parsers on one response.
pub fn parse_token_responses(status: u16, body: &[u8]) {
    if let Some((oauth, taap)) = credentials() {
        let _ = oauth.parse_token_response(response(status, b"", body), SystemTime::now());
        let _ = taap.parse_token_response(response(status, b"", body), SystemTime::now());
    }
}

/// Fuzz entry: token responses.
pub fn token_responses(data: &[u8]) {
    let (status, _, body) = split(data);
    parse_token_responses(status, body);
}

/// Fuzz entry: every model read straight from JSON, and written back when it parses.
pub fn models(data: &[u8]) {
    if let Ok(info) = serde_json::from_slice::<SessionInfo>(data) {
        let _ = serde_json::to_vec(&info);
        // Debug redacts echoes that did not parse.
        let _ = format!("{info:?}");
    }
    let _ = qod_models::redact_secrets_in_text(&String::from_utf8_lossy(data));
    if let Ok(profile) = serde_json::from_slice::<QosProfile>(data) {
        let _ = serde_json::to_vec(&profile);
    }
    if let Ok(event) = serde_json::from_slice::<QosStatusChangedEvent>(data) {
        let _ = serde_json::to_vec(&event);
    }
    if let Ok(info) = serde_json::from_slice::<AssignmentInfo>(data) {
        let _ = serde_json::to_vec(&info);
        let _ = format!("{info:?}");
    }
    if let Ok(event) = serde_json::from_slice::<AssignmentStatusChangedEvent>(data) {
        let _ = serde_json::to_vec(&event);
    }
    if let Ok(body) = serde_json::from_slice::<CreateSession>(data) {
        let _ = serde_json::to_vec(&body);
    }
    let _ = serde_json::from_slice::<ErrorInfo>(data);
}
