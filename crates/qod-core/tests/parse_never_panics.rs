//! Every parser of what comes from the network returns a value or an error for
//! any status and any bytes: it never panics.

#![allow(clippy::unwrap_used)]

use std::time::SystemTime;

use http::{Request, Response};
use proptest::prelude::*;
use qod_core::auth::{ClientCredentials, TaapCredentials};
use qod_core::operations::{
    CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetQosProfileOp, GetSessionOp,
    ListQosProfilesOp, RetrieveSessionsOp,
};
use qod_core::{Operation, notification};
use qod_models::{CreateSession, Device, PhoneNumber, QosProfileName, SessionId};

const KEY: &[u8] = include_bytes!("fixtures/test-rsa-2048.pem");

/// JSON-shaped bytes built from the field names and values servers send, so
/// that cases get past the first byte of the parsers.
fn json_like() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        Just("sessionId"),
        Just("id"),
        Just("qosStatus"),
        Just("qosProfile"),
        Just("duration"),
        Just("startedAt"),
        Just("expiresAt"),
        Just("device"),
        Just("phoneNumber"),
        Just("ipv4Address"),
        Just("applicationServer"),
        Just("devicePorts"),
        Just("ranges"),
        Just("ports"),
        Just("from"),
        Just("to"),
        Just("webhook"),
        Just("notificationUrl"),
        Just("sink"),
        Just("sinkCredential"),
        Just("code"),
        Just("status"),
        Just("message"),
        Just("messages"),
        Just("name"),
        Just("data"),
        Just("type"),
        Just("time"),
        Just("access_token"),
        Just("expires_in"),
        Just("token_type"),
        Just("error"),
        Just("maxDuration"),
        Just("unit"),
        Just("value"),
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        prop_oneof![
            Just("123e4567-e89b-12d3-a456-426614174000".to_owned()),
            Just("AVAILABLE".to_owned()),
            Just("QOS_VC".to_owned()),
            Just("2024-06-01T12:00:00Z".to_owned()),
            Just("+14250000000".to_owned()),
            Just("bearer".to_owned()),
            ".{0,12}",
        ]
        .prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..8).prop_map(|pairs| {
                serde_json::Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                )
            }),
        ]
    });
    value.prop_map(|v| serde_json::to_vec(&v).unwrap_or_default())
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![proptest::collection::vec(any::<u8>(), 0..256), json_like()]
}

fn response(status: u16, body: &[u8], header: &str) -> Response<Vec<u8>> {
    let mut builder = Response::builder().status(status);
    if let Ok(value) = http::HeaderValue::from_bytes(header.as_bytes()) {
        builder = builder
            .header("x-correlator", value.clone())
            .header("retry-after", value);
    }
    builder.body(body.to_vec()).unwrap()
}

fn parse_all(status: u16, body: &[u8], header: &str) {
    let id: SessionId = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
    let name = QosProfileName::parse("QOS_VC").unwrap();
    let create = CreateSessionOp::new(CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
        name.clone(),
    ));
    let _ = create.parse(response(status, body, header));
    let _ = GetSessionOp::new(id).parse(response(status, body, header));
    let _ = DeleteSessionOp::new(id).parse(response(status, body, header));
    let _ = ExtendSessionOp::new(id, 60).parse(response(status, body, header));
    let _ = RetrieveSessionsOp::default().parse(response(status, body, header));
    let _ = GetQosProfileOp::new(name).parse(response(status, body, header));
    let _ = ListQosProfilesOp::default().parse(response(status, body, header));
    let _ = qod_core::retry::parse_retry_after(
        response(status, body, header).headers(),
        SystemTime::now(),
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn operation_parsers_never_panic(status in 100_u16..1000, body in bytes(), header in ".{0,20}") {
        parse_all(status, &body, &header);
    }

    #[test]
    fn notification_parser_never_panics(body in bytes(), auth in proptest::collection::vec(any::<u8>(), 0..40), content_type in ".{0,30}") {
        let mut builder = Request::post("/notify");
        if let Ok(value) = http::HeaderValue::from_bytes(&auth) {
            builder = builder.header("authorization", value);
        }
        if let Ok(value) = http::HeaderValue::from_str(&content_type) {
            builder = builder.header("content-type", value);
        }
        let request = builder.body(body).unwrap();
        let _ = notification::verify(&request, Some("expected-token-of-twenty"));
        let _ = notification::verify(&request, None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn token_response_parsers_never_panic(status in 100_u16..1000, body in bytes()) {
        let oauth = ClientCredentials::new("https://auth.example.com/token", "id", "secret").unwrap();
        let _ = oauth.parse_token_response(response(status, &body, ""), SystemTime::now());
        let taap = TaapCredentials::from_pem("id", "secret", KEY).unwrap();
        let _ = taap.parse_token_response(response(status, &body, ""), SystemTime::now());
    }
}
