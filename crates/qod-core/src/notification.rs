//! Checking and reading the notifications a server POSTs to your webhook or
//! sink: a session's ([`verify`]) or a QoS assignment's ([`verify_event`]).

use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Method, Request};
use qod_models::{
    AssignmentStatusChangedEvent, CLOUDEVENTS_CONTENT_TYPE, QosStatus, QosStatusChangedEvent,
};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

/// Why an incoming notification was refused. Answer 401 for the
/// authorization variants and 400 for the rest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// Notifications are POSTed; this was another method.
    #[error("notifications are POSTed, not sent with {0}")]
    Method(Method),
    /// No `Authorization` header although a token is expected.
    #[error("the Authorization header is missing")]
    MissingAuthorization,
    /// The `Authorization` header is not `Bearer <token>`.
    #[error("the Authorization header is not a Bearer token")]
    NotBearer,
    /// The bearer token is not the expected one.
    #[error("the bearer token does not match")]
    WrongToken,
    /// The body is not `application/cloudevents+json` or `application/json`.
    #[error("unsupported content type {0:?}: expected application/cloudevents+json")]
    ContentType(String),
    /// The body is not the status-changed CloudEvent expected.
    #[error("the body is not the status-changed event expected: {0}")]
    Body(#[source] serde_json::Error),
    /// The event parsed, but is not one this verifier accepts: another
    /// type (another API's event, or one no spec names), or a status or
    /// reason the spec does not allow in it.
    #[error("the event is not the status change expected: {0}")]
    Event(String),
}

/// An event [`verify_event`] can check: its type must be one the spec names
/// for this API, and its status and reason ones the spec allows in it.
pub trait StatusEvent: DeserializeOwned {
    /// Why the event is not acceptable, or `Ok` when it is.
    fn check(&self) -> Result<(), String>;
}

/// The status a status-changed event may carry: the spec's `AVAILABLE` or
/// `UNAVAILABLE`, never `REQUESTED` or a word no spec names.
fn check_status(status: &QosStatus) -> Result<(), String> {
    match status {
        QosStatus::Available | QosStatus::Unavailable => Ok(()),
        other => Err(format!(
            "status {} is not AVAILABLE or UNAVAILABLE",
            crate::printable(other.as_str())
        )),
    }
}

impl StatusEvent for QosStatusChangedEvent {
    fn check(&self) -> Result<(), String> {
        if self.event_type.is_unknown() {
            return Err(format!(
                "type {} is not a QoD session status change",
                crate::printable(self.event_type.as_str())
            ));
        }
        check_status(&self.data.qos_status)?;
        match &self.data.status_info {
            Some(info) if info.is_unknown() => Err(format!(
                "statusInfo {} is not one the spec names",
                crate::printable(info.as_str())
            )),
            _ => Ok(()),
        }
    }
}

impl StatusEvent for AssignmentStatusChangedEvent {
    fn check(&self) -> Result<(), String> {
        if self.event_type.is_unknown() {
            return Err(format!(
                "type {} is not a QoS assignment status change",
                crate::printable(self.event_type.as_str())
            ));
        }
        check_status(&self.data.status)?;
        match &self.data.status_info {
            Some(info) if info.is_unknown() => Err(format!(
                "statusInfo {} is not one the spec names",
                crate::printable(info.as_str())
            )),
            _ => Ok(()),
        }
    }
}

impl NotificationError {
    /// Whether this is an authentication failure (answer 401).
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            NotificationError::MissingAuthorization
                | NotificationError::NotBearer
                | NotificationError::WrongToken
        )
    }
}

/// Checks an incoming notification of a QoS session and parses its event:
/// [`verify_event`] for a [`QosStatusChangedEvent`].
///
/// With `expected_token`, the request must carry `Authorization: Bearer
/// <token>`, compared in constant time. Pass `None` only for a sink you
/// registered without a token.
///
/// ```
/// use qod_core::notification::verify;
/// let body = br#"{"id":"1","source":"https://api.example.com/qod/v0/sessions/123e4567-e89b-12d3-a456-426614174000",
///   "specversion":"1.0","type":"org.camaraproject.qod.v0.qos-status-changed","time":"2021-12-12T00:00:00Z",
///   "data":{"sessionId":"123e4567-e89b-12d3-a456-426614174000","qosStatus":"AVAILABLE"}}"#;
/// let request = http::Request::post("/notify")
///     .header("content-type", "application/cloudevents+json")
///     .header("authorization", "Bearer c8974e592c2fa383d4a3960714")
///     .body(body.to_vec())
///     .unwrap();
/// let event = verify(&request, Some("c8974e592c2fa383d4a3960714")).unwrap();
/// assert_eq!(event.data.session_id.to_string(), "123e4567-e89b-12d3-a456-426614174000");
/// assert!(verify(&request, Some("another-token-of-twenty-chars")).is_err());
/// ```
pub fn verify(
    request: &Request<Vec<u8>>,
    expected_token: Option<&str>,
) -> Result<QosStatusChangedEvent, NotificationError> {
    verify_event(request, expected_token)
}

/// Checks an incoming notification as [`verify`] does and parses its event
/// as `E`: a [`QosStatusChangedEvent`] or, for QoS Provisioning, an
/// [`AssignmentStatusChangedEvent`]. The event must be of a type the spec
/// names for that API, with a status the spec allows in it
/// ([`StatusEvent::check`]): a session's event is refused by the
/// assignment verifier and the other way round.
///
/// ```
/// use qod_core::notification::verify_event;
/// use qod_core::models::{AssignmentStatusChangedEvent, QosStatus};
/// let body = br#"{"id":"1","source":"https://api.example.com/qos-provisioning/v0.3/qos-assignments/123e4567-e89b-12d3-a456-426614174000",
///   "specversion":"1.0","type":"org.camaraproject.qos-provisioning.v0.status-changed","time":"2021-12-12T00:00:00Z",
///   "data":{"assignmentId":"123e4567-e89b-12d3-a456-426614174000","status":"AVAILABLE"}}"#;
/// let request = http::Request::post("/notify")
///     .header("content-type", "application/cloudevents+json")
///     .header("authorization", "Bearer sink-access-token")
///     .body(body.to_vec())
///     .unwrap();
/// let event: AssignmentStatusChangedEvent = verify_event(&request, Some("sink-access-token")).unwrap();
/// assert_eq!(event.data.status, QosStatus::Available);
///
/// // The same body is not a session's event.
/// assert!(qod_core::notification::verify(&request, Some("sink-access-token")).is_err());
/// ```
pub fn verify_event<E: StatusEvent>(
    request: &Request<Vec<u8>>,
    expected_token: Option<&str>,
) -> Result<E, NotificationError> {
    if request.method() != Method::POST {
        return Err(NotificationError::Method(request.method().clone()));
    }
    if let Some(expected) = expected_token {
        let header = request
            .headers()
            .get(AUTHORIZATION)
            .ok_or(NotificationError::MissingAuthorization)?;
        let value = header.as_bytes();
        let token = match value.get(..7) {
            Some(scheme) if scheme.eq_ignore_ascii_case(b"bearer ") => &value[7..],
            _ => return Err(NotificationError::NotBearer),
        };
        if !bool::from(token.trim_ascii().ct_eq(expected.as_bytes())) {
            return Err(NotificationError::WrongToken);
        }
    }
    if let Some(content_type) = request.headers().get(CONTENT_TYPE) {
        let media_type = content_type
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if media_type != CLOUDEVENTS_CONTENT_TYPE && media_type != "application/json" {
            return Err(NotificationError::ContentType(
                String::from_utf8_lossy(content_type.as_bytes()).into_owned(),
            ));
        }
    }
    let event: E = serde_json::from_slice(request.body()).map_err(NotificationError::Body)?;
    event.check().map_err(NotificationError::Event)?;
    Ok(event)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use qod_models::AssignmentStatusChangedEvent;

    const SESSION: &str = "123e4567-e89b-12d3-a456-426614174000";

    fn post(body: String) -> Request<Vec<u8>> {
        Request::post("/notify")
            .header("content-type", "application/cloudevents+json")
            .body(body.into_bytes())
            .unwrap()
    }

    fn session_event(event_type: &str, status: &str, info: &str) -> Request<Vec<u8>> {
        post(format!(
            r#"{{"id":"1","source":"https://api.example.com/quality-on-demand/v1/sessions/{SESSION}",
                "specversion":"1.0","type":"{event_type}","time":"2021-12-12T00:00:00Z",
                "data":{{"sessionId":"{SESSION}","qosStatus":"{status}"{info}}}}}"#
        ))
    }

    #[test]
    fn a_session_event_must_be_a_status_change_of_a_known_type_and_status() {
        let v1 = "org.camaraproject.quality-on-demand.v1.qos-status-changed";
        assert!(verify(&session_event(v1, "AVAILABLE", ""), None).is_ok());
        let ended = r#","statusInfo":"NETWORK_TERMINATED""#;
        assert!(verify(&session_event(v1, "UNAVAILABLE", ended), None).is_ok());
        for (event_type, status, info) in [
            ("com.evil.anything", "AVAILABLE", ""),
            (
                "org.camaraproject.qos-provisioning.v0.status-changed",
                "AVAILABLE",
                "",
            ),
            (v1, "HACKED", ""),
            (v1, "REQUESTED", ""),
            (v1, "UNAVAILABLE", r#","statusInfo":"\u001b[2J""#),
        ] {
            let error = verify(&session_event(event_type, status, info), None).unwrap_err();
            assert!(
                matches!(error, NotificationError::Event(_)),
                "{event_type} {status}: {error:?}"
            );
            assert!(!error.to_string().contains('\u{1b}'), "{error}");
        }
    }

    #[test]
    fn an_assignment_event_is_refused_by_the_session_verifier_and_the_other_way_round() {
        let assignment = post(format!(
            r#"{{"id":"1","source":"https://api.example.com/qos-provisioning/v0.3/qos-assignments/{SESSION}",
                "specversion":"1.0","type":"org.camaraproject.qod.v0.qos-status-changed",
                "time":"2021-12-12T00:00:00Z","data":{{"assignmentId":"{SESSION}","status":"AVAILABLE"}}}}"#
        ));
        let error = verify_event::<AssignmentStatusChangedEvent>(&assignment, None).unwrap_err();
        assert!(matches!(error, NotificationError::Event(_)), "{error:?}");
        let v0 = "org.camaraproject.qod.v0.qos-status-changed";
        let session = session_event(v0, "AVAILABLE", "");
        assert!(verify_event::<AssignmentStatusChangedEvent>(&session, None).is_err());
    }
}
