//! The spec's own examples as response fixtures, and the status gate's typed errors.

#![allow(clippy::unwrap_used)]

use http::Response;
use qod_core::operations::{
    CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetQosProfileOp, GetSessionOp,
    ListQosProfilesOp, RetrieveSessionsOp,
};
use qod_core::{ErrorKind, Operation};
use qod_models::{
    CreateSession, Device, Echoed, ErrorCode, L4sQueueType, PhoneNumber, QosProfileName, QosStatus,
    RateUnit, SessionId, Severity, StatusInfo, TimeUnit, TimestampFormat,
};

const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

fn response(status: u16, body: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-correlator", "resp-corr")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn id() -> SessionId {
    ID.parse().unwrap()
}

fn create_op() -> CreateSessionOp {
    CreateSessionOp::new(CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+123456789").unwrap()),
        QosProfileName::parse("QOS_L").unwrap(),
    ))
}

// quality-on-demand 1.1.0: SESSION_CREATION_EXAMPLE and ..._WITH_DEVICE_RESPONSE
#[test]
fn v1_session_created() {
    let info = create_op()
        .parse(response(
            201,
            r#"{
            "applicationServer": {"ipv4Address": "198.51.100.0/24"},
            "qosProfile": "QOS_L",
            "sink": "https://application-server.com/notifications",
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "duration": 3600,
            "qosStatus": "REQUESTED"}"#,
        ))
        .unwrap();
    assert_eq!(info.session_id, id());
    assert_eq!(info.qos_status, QosStatus::Requested);
    assert_eq!(info.started_at, None);
    assert_eq!(
        info.sink
            .as_ref()
            .and_then(Echoed::parsed)
            .map(String::as_str),
        Some("https://application-server.com/notifications")
    );

    let with_device = create_op()
        .parse(response(201, r#"{
            "device": {"phoneNumber": "+123456789"},
            "applicationServer": {"ipv4Address": "198.51.100.0/24"},
            "qosProfile": "QOS_L", "sink": "https://application-server.com/notifications",
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "duration": 3600, "qosStatus": "REQUESTED"}"#))
        .unwrap();
    assert_eq!(
        with_device
            .device
            .and_then(Echoed::into_parsed)
            .and_then(|d| d.phone_number)
            .map(|p| p.into_string()),
        Some("+123456789".to_owned())
    );
}

// quality-on-demand 1.1.0: SESSION_AVAILABLE_EXAMPLE and SESSION_UNAVAILABLE_EXAMPLE
#[test]
fn v1_session_available_and_unavailable() {
    let available = GetSessionOp::new(id())
        .parse(response(
            200,
            r#"{
            "duration": 3600, "applicationServer": {"ipv4Address": "198.51.100.0/24"},
            "qosProfile": "QOS_L", "sink": "https://application-server.com/notifications",
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "startedAt": "2024-06-01T12:00:00Z", "expiresAt": "2024-06-01T13:00:00Z",
            "qosStatus": "AVAILABLE"}"#,
        ))
        .unwrap();
    let started = available.started_at.unwrap();
    assert_eq!(started.format(), TimestampFormat::Rfc3339);
    assert_eq!(
        available.expires_at.unwrap().unix_seconds() - started.unix_seconds(),
        3600
    );

    let unavailable = GetSessionOp::new(id())
        .parse(response(
            200,
            r#"{
            "duration": 2428, "applicationServer": {"ipv4Address": "198.51.100.0/24"},
            "qosProfile": "QOS_L", "sink": "https://application-server.com/notifications",
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "startedAt": "2024-06-01T12:00:00Z", "expiresAt": "2024-06-01T12:40:28Z",
            "qosStatus": "UNAVAILABLE", "statusInfo": "NETWORK_TERMINATED"}"#,
        ))
        .unwrap();
    assert_eq!(unavailable.status_info, Some(StatusInfo::NetworkTerminated));
}

// qod 0.10.1: SessionInfo with the schema's example values (integer timestamps, webhook, messages)
#[test]
fn v0_session_info() {
    let info = GetSessionOp::new(id())
        .parse(response(
            200,
            r#"{
            "device": {"phoneNumber": "123456789"},
            "applicationServer": {"ipv4Address": "192.168.0.1/24"},
            "devicePorts": {"ranges": [{"from": 5010, "to": 5020}], "ports": [5060, 5070]},
            "qosProfile": "QCI_1_voice",
            "webhook": {"notificationUrl": "https://application-server.com",
                        "notificationAuthToken": "c8974e592c2fa383d4a3960714"},
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "duration": 86400, "startedAt": 1639479600, "expiresAt": 1639566000,
            "qosStatus": "AVAILABLE",
            "messages": [{"severity": "WARNING", "description": "Network congestion"}]}"#,
        ))
        .unwrap();
    assert_eq!(
        info.started_at.unwrap().format(),
        TimestampFormat::UnixSeconds
    );
    assert_eq!(info.expires_at.unwrap().unix_seconds(), 1_639_566_000);
    assert_eq!(info.messages.unwrap()[0].severity, Severity::Warning);
    assert_eq!(
        info.webhook
            .and_then(Echoed::into_parsed)
            .unwrap()
            .notification_auth_token
            .unwrap()
            .expose(),
        "c8974e592c2fa383d4a3960714"
    );
}

// T-Mobile: `id` instead of `sessionId`, only AVAILABLE documented, fields we do not know
#[test]
fn tmobile_quirks() {
    let info = create_op()
        .parse(response(
            201,
            r#"{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "device": {"phoneNumber": "14250000000"}, "qosProfile": "QOS_VC", "duration": 86400,
            "startedAt": 1639479600, "expiresAt": 1639566000, "qosStatus": "AVAILABLE",
            "applicationServer": null, "vendorExtension": {"x": [1, 2]}}"#,
        ))
        .unwrap();
    assert_eq!(info.session_id, id());
}

// quality-on-demand 1.1.0: RETRIEVE_SESSIONS_EXAMPLE, ..._WITH_DEVICE_RESPONSE, ..._EMPTY_EXAMPLE
#[test]
fn v1_retrieve_sessions() {
    let op = RetrieveSessionsOp::default();
    let one = op
        .parse(response(
            200,
            r#"[{"applicationServer": {"ipv4Address": "0.0.0.0/0"},
            "qosProfile": "QOS_L", "sink": "https://application-server.com/notifications",
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "duration": 3600,
            "startedAt": "2024-06-01T12:00:00Z", "expiresAt": "2024-06-01T13:00:00Z",
            "qosStatus": "AVAILABLE"}]"#,
        ))
        .unwrap();
    assert_eq!(one.len(), 1);
    let with_device = op
        .parse(response(
            200,
            r#"[{"device": {"phoneNumber": "+123456789"},
            "applicationServer": {"ipv4Address": "0.0.0.0/0"}, "qosProfile": "QOS_L",
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "duration": 3600,
            "qosStatus": "AVAILABLE"}]"#,
        ))
        .unwrap();
    assert!(with_device[0].device.is_some());
    assert!(op.parse(response(200, "[]")).unwrap().is_empty());
}

// qos-profiles 1.1.0: LIST_OF_QOS_PROFILES, plus countryAvailability
#[test]
fn qos_profiles() {
    let list = ListQosProfilesOp::default()
        .parse(response(200, r#"[{"name": "voice",
            "description": "QoS profile for high-quality interactive voice", "status": "ACTIVE",
            "targetMinUpstreamRate": {"value": 100, "unit": "kbps"},
            "targetMinDownstreamRate": {"value": 100, "unit": "kbps"},
            "minDuration": {"value": 1, "unit": "Days"}, "maxDuration": {"value": 10, "unit": "Days"},
            "priority": 10, "packetDelayBudget": {"value": 50, "unit": "Milliseconds"},
            "jitter": {"value": 5, "unit": "Milliseconds"}, "packetErrorLossRate": 3,
            "l4sQueueType": "non-l4s-queue",
            "countryAvailability": [{"countryName": "GB", "networks": ["23591", "23415"]},
                                    {"countryName": "DE", "networks": ["26202"]}]}]"#))
        .unwrap();
    let voice = &list[0];
    assert_eq!(
        voice.target_min_upstream_rate.as_ref().unwrap().unit,
        Some(RateUnit::Kbps)
    );
    assert_eq!(
        voice.max_duration.as_ref().unwrap().unit,
        Some(TimeUnit::Days)
    );
    assert_eq!(voice.l4s_queue_type, Some(L4sQueueType::NonL4sQueue));
    assert_eq!(voice.country_availability.as_ref().unwrap().len(), 2);

    let one = GetQosProfileOp::new(QosProfileName::parse("QOS_E").unwrap())
        .parse(response(200, r#"{"name": "QOS_E", "status": "BRAND_NEW_STATUS", "maxDuration": {"value": 5, "unit": "Fortnights"}}"#))
        .unwrap();
    assert!(one.status.is_unknown());
    assert_eq!(one.max_duration.unwrap().to_std(), None);
}

#[test]
fn delete_answers_204() {
    DeleteSessionOp::new(id()).parse(response(204, "")).unwrap();
}

/// Every error code in the three spec files maps to its variant, with status,
/// message, correlator and raw body kept.
#[test]
fn camara_errors_are_typed() {
    let cases: &[(u16, &str, ErrorCode)] = &[
        (400, "INVALID_ARGUMENT", ErrorCode::InvalidArgument),
        (400, "OUT_OF_RANGE", ErrorCode::OutOfRange),
        (
            400,
            "QUALITY_ON_DEMAND.DURATION_OUT_OF_RANGE",
            ErrorCode::DurationOutOfRange,
        ),
        (400, "INVALID_CREDENTIAL", ErrorCode::InvalidCredential),
        (400, "INVALID_TOKEN", ErrorCode::InvalidToken),
        (400, "INVALID_SINK", ErrorCode::InvalidSink),
        (401, "UNAUTHENTICATED", ErrorCode::Unauthenticated),
        (403, "PERMISSION_DENIED", ErrorCode::PermissionDenied),
        (404, "NOT_FOUND", ErrorCode::NotFound),
        (404, "IDENTIFIER_NOT_FOUND", ErrorCode::IdentifierNotFound),
        (409, "CONFLICT", ErrorCode::Conflict),
        (
            409,
            "QUALITY_ON_DEMAND.SESSION_EXTENSION_NOT_ALLOWED",
            ErrorCode::SessionExtensionNotAllowed,
        ),
        (410, "GONE", ErrorCode::Gone),
        (
            422,
            "SERVICE_NOT_APPLICABLE",
            ErrorCode::ServiceNotApplicable,
        ),
        (422, "MISSING_IDENTIFIER", ErrorCode::MissingIdentifier),
        (
            422,
            "UNSUPPORTED_IDENTIFIER",
            ErrorCode::UnsupportedIdentifier,
        ),
        (
            422,
            "UNNECESSARY_IDENTIFIER",
            ErrorCode::UnnecessaryIdentifier,
        ),
        (
            422,
            "QUALITY_ON_DEMAND.QOS_PROFILE_NOT_APPLICABLE",
            ErrorCode::QosProfileNotApplicable,
        ),
        (429, "QUOTA_EXCEEDED", ErrorCode::QuotaExceeded),
        (429, "TOO_MANY_REQUESTS", ErrorCode::TooManyRequests),
        (500, "INTERNAL", ErrorCode::Internal),
        (501, "NOT_IMPLEMENTED", ErrorCode::NotImplemented),
        (503, "UNAVAILABLE", ErrorCode::Unavailable),
        (
            418,
            "SOMETHING_NEW",
            ErrorCode::Unknown("SOMETHING_NEW".into()),
        ),
    ];
    for (status, code, expected) in cases {
        let body = format!(r#"{{"status": {status}, "code": "{code}", "message": "m-{code}"}}"#);
        let error = ExtendSessionOp::new(id(), 60)
            .parse(response(*status, &body))
            .unwrap_err();
        assert_eq!(error.code(), Some(expected), "{code}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(*status));
        assert_eq!(error.correlator(), Some("resp-corr"));
        let ErrorKind::Api(api) = error.kind() else {
            panic!("{code} should be an API error")
        };
        assert_eq!(api.message, format!("m-{code}"));
        assert_eq!(api.body, body.as_bytes());
        assert!(error.to_string().contains(code), "{error}");
    }
}

#[test]
fn non_camara_error_bodies_keep_status_and_body() {
    let body =
        r#"{"reasonCode": "401", "systemMessage": "Token expired", "userMessage": "Unauthorized"}"#;
    let error = GetSessionOp::new(id())
        .parse(response(401, body))
        .unwrap_err();
    let ErrorKind::UnexpectedResponse(unexpected) = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(unexpected.status, 401);
    assert_eq!(unexpected.body, body.as_bytes());
    assert_eq!(unexpected.json().unwrap()["systemMessage"], "Token expired");
    assert!(error.to_string().contains("Token expired"));

    let html = GetSessionOp::new(id())
        .parse(response(502, "<html>Bad gateway</html>"))
        .unwrap_err();
    assert_eq!(html.status().map(|s| s.as_u16()), Some(502));
    let redirect = GetSessionOp::new(id())
        .parse(response(302, ""))
        .unwrap_err();
    assert!(matches!(redirect.kind(), ErrorKind::UnexpectedResponse(_)));
}

#[test]
fn undecodable_success_bodies_carry_the_body() {
    let error = GetSessionOp::new(id())
        .parse(response(200, r#"{"sessionId": 5}"#))
        .unwrap_err();
    let ErrorKind::Decode { status, body, .. } = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 200);
    assert_eq!(body.as_bytes(), br#"{"sessionId": 5}"#);
    assert!(error.to_string().contains(r#"{"sessionId": 5}"#));
}
