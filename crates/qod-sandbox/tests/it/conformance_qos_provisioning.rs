//! CAMARA's test definitions for QoS Provisioning 0.3.0 (r3.2:
//! `qos-provisioning-{createQosAssignment, getQosAssignmentById,
//! getQosAssignmentByDevice, revokeQosAssignment}.feature`), translated for
//! the sandbox: one test per scenario, named after its tag, each Scenario
//! Outline's examples in a loop. The environment is a sandbox with OAuth 2.0
//! client credentials (two bearer-token clients for the 403.2 scenarios);
//! the devices and profiles the scenarios take from the operator are the
//! sandbox's [test assets](qod_sandbox::test_assets). Requests are raw HTTP,
//! since the client refuses to send the invalid ones.
//!
//! | scenario (`@qos_provisioning_…`) | result | why / how |
//! |---|---|---|
//! | `createQosAssignment_01_generic_success_scenario` | pass | with and without sink |
//! | `createQosAssignment_02_1_sinkcredential_provided` | pass | |
//! | `createQosAssignment_02_2_event_notification_sent` | pass | the sink is plain http on loopback (the sandbox allows it there only) |
//! | `createQosAssignment_03_3_legged_missing_device` | pass | in `openid_mode` (`create_qos_assignment_03_3_legged_missing_device`): the OpenID mode's three-legged tokens |
//! | `createQosAssignment_C01.01_device_empty` | pass | |
//! | `createQosAssignment_C01.02_device_identifiers_not_schema_compliant` | pass | |
//! | `createQosAssignment_C01.03_device_not_found` | pass | `UNKNOWN_PHONE_NUMBER` |
//! | `createQosAssignment_C01.04_unnecessary_device` | pass | in `openid_mode` (`create_qos_assignment_c01_04_unnecessary_device`): the OpenID mode's three-legged tokens |
//! | `createQosAssignment_C01.05_missing_device` | pass | |
//! | `createQosAssignment_C01.06_unsupported_device` | pass | a device given by `networkAccessIdentifier` only |
//! | `createQosAssignment_C01.07_device_not_supported` | pass | `NOT_APPLICABLE_PHONE_NUMBER` |
//! | `createQosAssignment_400.1_schema_not_compliant` | pass | |
//! | `createQosAssignment_400.2_no_request_body` | pass | |
//! | `createQosAssignment_400.3_empty_request_body` | pass | |
//! | `createQosAssignment_400.7_invalid_sink_credential` | pass | `PLAIN`, `REFRESHTOKEN` |
//! | `createQosAssignment_400.8_sink_credential_invalid_token` | pass | `INVALID_TOKEN` |
//! | `createQosAssignment_400.9_non_existent_qos_profile` | pass | |
//! | `createQosAssignment_401.1_no_authorization_header` | pass | |
//! | `createQosAssignment_401.2_expired_access_token` | pass | the sandbox's clock moves past the token's life |
//! | `createQosAssignment_401.3_invalid_access_token` | pass | |
//! | `createQosAssignment_403.1_missing_access_token_scope` | pass | a token asked for with another scope |
//! | `createQosAssignment_409.1_provisioning_conflict` | pass | also: a revoke frees the device |
//! | `createQosAssignment_422.1_qos_profile_not_applicable` | pass | `INACTIVE_PROFILE` |
//! | `getQosAssignmentByDevice_01_get_existing_qos_provisioning_by_device` | pass | |
//! | `getQosAssignmentByDevice_C01.01_device_empty` | pass | |
//! | `getQosAssignmentByDevice_C01.02_device_identifiers_not_schema_compliant` | pass | |
//! | `getQosAssignmentByDevice_C01.03_device_not_found` | pass | |
//! | `getQosAssignmentByDevice_C01.04_unnecessary_device` | pass | in `openid_mode` (`get_qos_assignment_by_device_c01_04_unnecessary_device`): the OpenID mode's three-legged tokens |
//! | `getQosAssignmentByDevice_C01.05_missing_device` | pass | |
//! | `getQosAssignmentByDevice_C01.06_unsupported_device` | pass | |
//! | `getQosAssignmentByDevice_C01.07_device_not_supported` | pass | |
//! | `getQosAssignmentByDevice_400.1_schema_not_compliant` | pass | |
//! | `getQosAssignmentByDevice_400.2_no_request_body` | pass | |
//! | `getQosAssignmentByDevice_401.1_no_authorization_header` | pass | |
//! | `getQosAssignmentByDevice_401.2_expired_access_token` | pass | |
//! | `getQosAssignmentByDevice_401.3_invalid_access_token` | pass | |
//! | `getQosAssignmentByDevice_403.1_missing_access_token_scope` | pass | |
//! | `getQosAssignmentByDevice_403.2_different_client_id` | pass | two bearer tokens, two clients |
//! | `getQosAssignmentByDevice_404.1_not_found` | pass | |
//! | `getQosAssignmentById_01_get_existing_qos_assignment` | pass | |
//! | `getQosAssignmentById_02_get_recent_unavailable` | pass | revoked, and `NETWORK_TERMINATED_PHONE_NUMBER`; gone (404) once the retention passed |
//! | `getQosAssignmentById_400.1_invalid_id` | pass | |
//! | `getQosAssignmentById_401.1_no_authorization_header` | pass | |
//! | `getQosAssignmentById_401.2_expired_access_token` | pass | |
//! | `getQosAssignmentById_401.3_invalid_access_token` | pass | |
//! | `getQosAssignmentById_403.1_missing_access_token_scope` | pass | |
//! | `getQosAssignmentById_403.2_different_client_id` | pass | |
//! | `getQosAssignmentById_404.1_not_found` | pass | |
//! | `revokeQosAssignment_01_delete_existing_qos_assignment_sync` | pass | the sandbox revokes synchronously: 204 |
//! | `revokeQosAssignment_02_delete_existing_qos_assignment_async` | pass | a sandbox with `async_revoke_after`; also: a second revoke meanwhile, through the client (`Revocation::Accepted`) |
//! | `revokeQosAssignment_03_event_notification_sync` | pass | |
//! | `revokeQosAssignment_04_event_notification_async` | pass | as `_02`; one event, once the revoke is done |
//! | `revokeQosAssignment_400.1_invalid_id` | pass | |
//! | `revokeQosAssignment_401.1_no_authorization_header` | pass | |
//! | `revokeQosAssignment_401.2_expired_access_token` | pass | |
//! | `revokeQosAssignment_401.3_invalid_access_token` | pass | |
//! | `revokeQosAssignment_403.1_missing_access_token_scope` | pass | |
//! | `revokeQosAssignment_403.2_different_client_id` | pass | |
//! | `revokeQosAssignment_404.1_not_found` | pass | |
//!
//! 59 scenarios: all pass; the 3 that need a 3-legged token in `openid_mode`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::conformance::{
    AVAILABLE_AFTER, Auth, Body, CLIENT_B, Exchange, Operator, REVOKE_AFTER, SINK_TOKEN,
    eventually, random_id, sink, with, with_sink,
};
use qod_sandbox::test_assets::{
    INACTIVE_PROFILE, NETWORK_TERMINATED_PHONE_NUMBER, NOT_APPLICABLE_PHONE_NUMBER,
    UNKNOWN_PHONE_NUMBER,
};
use qod_testkit::TestServer;
use serde_json::{Value, json};

const ASSIGNMENTS: &str = "/qos-provisioning/v0.3/qos-assignments";
const RETRIEVE: &str = "/qos-provisioning/v0.3/retrieve-qos-assignment";
/// How long the spec keeps an UNAVAILABLE assignment at least (the
/// sandbox's default retention).
const RETENTION: Duration = Duration::from_secs(360);

fn assignment_path(id: &str) -> String {
    format!("{ASSIGNMENTS}/{id}")
}

fn id_of(assignment: &Value) -> String {
    assignment["assignmentId"].as_str().unwrap().to_owned()
}

/// A `CreateAssignment` for the phone `number`.
fn create_body(number: &str) -> Value {
    json!({"device": {"phoneNumber": number}, "qosProfile": "QOS_L"})
}

fn device_body(number: &str) -> Value {
    json!({"device": {"phoneNumber": number}})
}

/// The `AssignmentInfo` schema, and the rules the scenarios add.
fn assert_assignment_info(assignment: &Value) {
    let object = assignment
        .as_object()
        .unwrap_or_else(|| panic!("an object: {assignment}"));
    qod::models::uuid::Uuid::parse_str(&id_of(assignment)).expect("assignmentId is a UUID");
    let profile = assignment["qosProfile"].as_str().expect("qosProfile");
    assert!((3..=256).contains(&profile.len()), "{assignment}");
    let status = assignment["status"].as_str().expect("status");
    assert!(["REQUESTED", "AVAILABLE", "UNAVAILABLE"].contains(&status));
    if let Some(device) = object.get("device") {
        assert_eq!(device.as_object().unwrap().len(), 1, "one identifier");
    }
    if status == "REQUESTED" {
        assert!(object.get("startedAt").is_none(), "{assignment}");
    }
    if status == "AVAILABLE" {
        assert!(object.get("startedAt").is_some(), "{assignment}");
    }
    match object.get("statusInfo").and_then(Value::as_str) {
        Some(info) => {
            assert!(["NETWORK_TERMINATED", "DELETE_REQUESTED"].contains(&info));
        }
        None => assert_ne!(status, "UNAVAILABLE", "{assignment}"),
    }
    assert!(object.get("sinkCredential").is_none(), "never echoed");
    // The client reads it too.
    serde_json::from_value::<qod::models::AssignmentInfo>(assignment.clone()).unwrap();
}

/// The `n`th event the sink received, checked as every scenario checks it.
fn event(sink: &TestServer, n: usize, assignment_id: &str) -> Value {
    let seen = eventually(&format!("event {n}"), || sink.seen().get(n).cloned());
    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {SINK_TOKEN}").as_str())
    );
    assert_eq!(
        seen.header("content-type"),
        Some("application/cloudevents+json")
    );
    let event: Value = serde_json::from_slice(&seen.body).unwrap();
    for required in ["id", "source", "specversion", "type", "time", "data"] {
        assert!(event.get(required).is_some(), "{required}: {event}");
    }
    assert_eq!(event["specversion"], "1.0");
    assert_eq!(
        event["type"],
        "org.camaraproject.qos-provisioning.v0.status-changed"
    );
    assert_eq!(event["data"]["assignmentId"], assignment_id);
    let status = event["data"]["status"].as_str().unwrap();
    assert!(["AVAILABLE", "UNAVAILABLE"].contains(&status), "{event}");
    assert_eq!(
        event["data"].get("statusInfo").is_some(),
        status == "UNAVAILABLE",
        "statusInfo only when UNAVAILABLE: {event}"
    );
    // The client reads it too.
    let request = http::Request::post("/events")
        .header("content-type", "application/cloudevents+json")
        .header("authorization", format!("Bearer {SINK_TOKEN}"))
        .body(seen.body.clone())
        .unwrap();
    qod::notification::verify_event::<qod::models::AssignmentStatusChangedEvent>(
        &request,
        Some(SINK_TOKEN),
    )
    .unwrap();
    event
}

fn no_authorization_header(send: impl Fn(&Operator, Auth<'_>) -> Exchange) {
    let operator = Operator::start();
    send(&operator, Auth::Absent).assert_error(401, &["UNAUTHENTICATED"]);
}

fn expired_access_token(send: impl Fn(&Operator, Auth<'_>) -> Exchange) {
    let operator = Operator::start();
    let expired = operator.expired_token();
    send(&operator, Auth::Token(&expired)).assert_error(401, &["UNAUTHENTICATED"]);
}

fn invalid_access_token(send: impl Fn(&Operator, Auth<'_>) -> Exchange) {
    let operator = Operator::start();
    send(&operator, Auth::Token("not-a-token-the-sandbox-issued"))
        .assert_error(401, &["UNAUTHENTICATED"]);
}

/// The generic 403.1 scenario: a token without the operation's scope.
fn missing_scope(send: impl Fn(&Operator, Auth<'_>) -> Exchange) {
    let operator = Operator::start();
    let token = operator.token_with_scope(Some("qos-profiles:read"));
    send(&operator, Auth::Token(&token)).assert_error(403, &["PERMISSION_DENIED"]);
}

/// An assignment of client A, and client B's attempt at it.
fn not_the_creator(number: &str, send: impl Fn(&Operator, &str, Auth<'_>) -> Exchange) {
    let operator = Operator::two_clients();
    let id = id_of(&create_assignment(&operator, create_body(number)));
    operator.advance(AVAILABLE_AFTER);
    send(&operator, &id, Auth::Token(CLIENT_B)).assert_error(403, &["PERMISSION_DENIED"]);
    // The creator still may.
    assert!(send(&operator, &id, Auth::Valid).status < 300);
}

fn create(operator: &Operator, body: Body) -> Exchange {
    operator.send("POST", ASSIGNMENTS, body, Auth::Valid)
}

/// Creates an assignment; panics unless 201.
fn create_assignment(operator: &Operator, body: Value) -> Value {
    create(operator, Body::Json(body))
        .assert_success(201)
        .clone()
}

fn get(operator: &Operator, id: &str, auth: Auth<'_>) -> Exchange {
    operator.send("GET", &assignment_path(id), Body::None, auth)
}

fn revoke(operator: &Operator, id: &str, auth: Auth<'_>) -> Exchange {
    operator.send("DELETE", &assignment_path(id), Body::None, auth)
}

fn retrieve(operator: &Operator, body: Body, auth: Auth<'_>) -> Exchange {
    operator.send("POST", RETRIEVE, body, auth)
}

/// Device identifiers that break their schema (`device_identifier` examples).
fn non_compliant_devices() -> [Value; 4] {
    [
        json!({"phoneNumber": "14255550805"}),
        json!({"ipv4Address": {"publicAddress": "203.0.113.300", "publicPort": 80}}),
        json!({"ipv6Address": "2001:db8::85a3::7344"}),
        json!({"networkAccessIdentifier": 123_456_789}),
    ]
}

// ========================================================= createQosAssignment

#[test]
fn create_qos_assignment_01_generic_success_scenario() {
    let operator = Operator::start();
    let listener = sink();
    let minimal = create_body("+14255550700");
    let full = with_sink(create_body("+14255550701"), &listener.url("/events"));
    for request in [minimal, full] {
        let assignment = create_assignment(&operator, request.clone());
        assert_assignment_info(&assignment);
        assert_eq!(assignment["device"], request["device"]);
        assert_eq!(assignment["qosProfile"], request["qosProfile"]);
        assert_eq!(assignment.get("sink"), request.get("sink"));
        assert_eq!(assignment["status"], "REQUESTED");
        operator.advance(AVAILABLE_AFTER);
        let read = get(&operator, &id_of(&assignment), Auth::Valid)
            .assert_success(200)
            .clone();
        assert_eq!(read["status"], "AVAILABLE");
        assert_assignment_info(&read);
        operator.assert_in_the_past(&read["startedAt"]);
    }
}

#[test]
fn create_qos_assignment_02_1_sinkcredential_provided() {
    let operator = Operator::start();
    let body = with_sink(
        create_body("+14255550702"),
        "https://app.example.com/events",
    );
    assert_assignment_info(&create_assignment(&operator, body));
}

#[test]
fn create_qos_assignment_02_2_event_notification_sent() {
    let operator = Operator::start();
    let listener = sink();
    let assignment = create_assignment(
        &operator,
        with_sink(create_body("+14255550703"), &listener.url("/events")),
    );
    let id = id_of(&assignment);
    operator.advance(AVAILABLE_AFTER);
    let available = event(&listener, 0, &id);
    assert_eq!(available["data"]["status"], "AVAILABLE");
    // A device the network refuses: the outcome is UNAVAILABLE.
    let refused = create_assignment(
        &operator,
        with_sink(
            create_body(NETWORK_TERMINATED_PHONE_NUMBER),
            &listener.url("/events"),
        ),
    );
    operator.advance(AVAILABLE_AFTER);
    let outcome = event(&listener, 1, &id_of(&refused));
    assert_eq!(outcome["data"]["status"], "UNAVAILABLE");
    assert_eq!(outcome["data"]["statusInfo"], "NETWORK_TERMINATED");
    assert_ne!(available["id"], outcome["id"], "event ids are unique");
}

#[test]
fn create_qos_assignment_c01_01_device_empty() {
    let operator = Operator::start();
    let body = with(create_body("+14255550704"), "/device", json!({}));
    create(&operator, Body::Json(body)).assert_error(400, &["INVALID_ARGUMENT"]);
}

#[test]
fn create_qos_assignment_c01_02_device_identifiers_not_schema_compliant() {
    let operator = Operator::start();
    for device in non_compliant_devices() {
        let body = with(create_body("+14255550705"), "/device", device);
        create(&operator, Body::Json(body)).assert_error(400, &["INVALID_ARGUMENT"]);
    }
}

#[test]
fn create_qos_assignment_c01_03_device_not_found() {
    let operator = Operator::start();
    create(&operator, Body::Json(create_body(UNKNOWN_PHONE_NUMBER)))
        .assert_error(404, &["IDENTIFIER_NOT_FOUND"]);
}

#[test]
fn create_qos_assignment_c01_05_missing_device() {
    let operator = Operator::start();
    create(&operator, Body::Json(json!({"qosProfile": "QOS_L"})))
        .assert_error(422, &["MISSING_IDENTIFIER"]);
}

#[test]
fn create_qos_assignment_c01_06_unsupported_device() {
    let operator = Operator::start();
    let body = with(
        create_body("+14255550706"),
        "/device",
        json!({"networkAccessIdentifier": "123456789@domain.com"}),
    );
    create(&operator, Body::Json(body)).assert_error(422, &["UNSUPPORTED_IDENTIFIER"]);
}

#[test]
fn create_qos_assignment_c01_07_device_not_supported() {
    let operator = Operator::start();
    create(
        &operator,
        Body::Json(create_body(NOT_APPLICABLE_PHONE_NUMBER)),
    )
    .assert_error(422, &["SERVICE_NOT_APPLICABLE"]);
}

#[test]
fn create_qos_assignment_400_1_schema_not_compliant() {
    let operator = Operator::start();
    let base = create_body("+14255550707");
    for body in [
        with(base.clone(), "/qosProfile", json!(42)),
        with(base.clone(), "/qosProfile", json!("Q")),
        with(base.clone(), "/qosProfile", json!("QOS L")),
        with(base.clone(), "/device", json!("+14255550707")),
        with(base.clone(), "/sink", json!(7)),
        with(base.clone(), "/sinkCredential", json!({})),
        json!([base.clone()]),
    ] {
        create(&operator, Body::Json(body)).assert_error(400, &["INVALID_ARGUMENT"]);
    }
    create(&operator, Body::Raw("{\"device\":")).assert_error(400, &["INVALID_ARGUMENT"]);
}

#[test]
fn create_qos_assignment_400_2_no_request_body() {
    let operator = Operator::start();
    create(&operator, Body::None).assert_error(400, &["INVALID_ARGUMENT"]);
}

#[test]
fn create_qos_assignment_400_3_empty_request_body() {
    let operator = Operator::start();
    create(&operator, Body::Json(json!({}))).assert_error(400, &["INVALID_ARGUMENT"]);
}

#[test]
fn create_qos_assignment_400_7_invalid_sink_credential() {
    let operator = Operator::start();
    for credential_type in ["PLAIN", "REFRESHTOKEN"] {
        let body = with(
            with_sink(create_body("+14255550708"), "https://app.example.com/n"),
            "/sinkCredential/credentialType",
            json!(credential_type),
        );
        create(&operator, Body::Json(body)).assert_error(400, &["INVALID_CREDENTIAL"]);
    }
}

#[test]
fn create_qos_assignment_400_8_sink_credential_invalid_token() {
    let operator = Operator::start();
    let body = with(
        with_sink(create_body("+14255550709"), "https://app.example.com/n"),
        "/sinkCredential/accessTokenType",
        json!("mac"),
    );
    create(&operator, Body::Json(body)).assert_error(400, &["INVALID_TOKEN", "INVALID_ARGUMENT"]);
}

#[test]
fn create_qos_assignment_400_9_non_existent_qos_profile() {
    let operator = Operator::start();
    let body = with(
        create_body("+14255550710"),
        "/qosProfile",
        json!("QOS_NONE"),
    );
    create(&operator, Body::Json(body)).assert_error(400, &["INVALID_ARGUMENT"]);
}

fn create_as(number: &'static str) -> impl Fn(&Operator, Auth<'_>) -> Exchange {
    move |operator, auth| operator.send("POST", ASSIGNMENTS, Body::Json(create_body(number)), auth)
}

#[test]
fn create_qos_assignment_401_1_no_authorization_header() {
    no_authorization_header(create_as("+14255550711"));
}

#[test]
fn create_qos_assignment_401_2_expired_access_token() {
    expired_access_token(create_as("+14255550711"));
}

#[test]
fn create_qos_assignment_401_3_invalid_access_token() {
    invalid_access_token(create_as("+14255550711"));
}

#[test]
fn create_qos_assignment_403_1_missing_access_token_scope() {
    missing_scope(create_as("+14255550711"));
}

#[test]
fn create_qos_assignment_409_1_provisioning_conflict() {
    let operator = Operator::start();
    let first = create_assignment(&operator, create_body("+14255550712"));
    // The same device, while REQUESTED and while AVAILABLE, by another identifier form too.
    create(&operator, Body::Json(create_body("+14255550712"))).assert_error(409, &["CONFLICT"]);
    operator.advance(AVAILABLE_AFTER);
    let other_profile = with(create_body("+14255550712"), "/qosProfile", json!("QOS_M"));
    create(&operator, Body::Json(other_profile)).assert_error(409, &["CONFLICT"]);
    // Another device is free; a revoke frees this one.
    create_assignment(&operator, create_body("+14255550713"));
    revoke(&operator, &id_of(&first), Auth::Valid);
    create_assignment(&operator, create_body("+14255550712"));
}

#[test]
fn create_qos_assignment_422_1_qos_profile_not_applicable() {
    let operator = Operator::start();
    let body = with(
        create_body("+14255550714"),
        "/qosProfile",
        json!(INACTIVE_PROFILE),
    );
    create(&operator, Body::Json(body))
        .assert_error(422, &["QOS_PROVISIONING.QOS_PROFILE_NOT_APPLICABLE"]);
}

// ==================================================== getQosAssignmentByDevice

#[test]
fn get_qos_assignment_by_device_01_get_existing_qos_provisioning_by_device() {
    let operator = Operator::start();
    let created = create_assignment(&operator, create_body("+14255550720"));
    operator.advance(AVAILABLE_AFTER);
    // The device in another form of the same number.
    let found = retrieve(
        &operator,
        Body::Json(device_body("+14255550720")),
        Auth::Valid,
    )
    .assert_success(200)
    .clone();
    assert_assignment_info(&found);
    assert_eq!(found["assignmentId"], created["assignmentId"]);
    assert_eq!(found["device"], created["device"]);
    assert_eq!(found["qosProfile"], "QOS_L");
    assert_eq!(found["status"], "AVAILABLE");
}

#[test]
fn get_qos_assignment_by_device_c01_01_device_empty() {
    let operator = Operator::start();
    retrieve(&operator, Body::Json(json!({"device": {}})), Auth::Valid)
        .assert_error(400, &["INVALID_ARGUMENT"]);
}

#[test]
fn get_qos_assignment_by_device_c01_02_device_identifiers_not_schema_compliant() {
    let operator = Operator::start();
    for device in non_compliant_devices() {
        retrieve(
            &operator,
            Body::Json(json!({"device": device})),
            Auth::Valid,
        )
        .assert_error(400, &["INVALID_ARGUMENT"]);
    }
}

#[test]
fn get_qos_assignment_by_device_c01_03_device_not_found() {
    let operator = Operator::start();
    retrieve(
        &operator,
        Body::Json(device_body(UNKNOWN_PHONE_NUMBER)),
        Auth::Valid,
    )
    .assert_error(404, &["IDENTIFIER_NOT_FOUND"]);
}

#[test]
fn get_qos_assignment_by_device_c01_05_missing_device() {
    let operator = Operator::start();
    retrieve(&operator, Body::Json(json!({})), Auth::Valid)
        .assert_error(422, &["MISSING_IDENTIFIER"]);
}

#[test]
fn get_qos_assignment_by_device_c01_06_unsupported_device() {
    let operator = Operator::start();
    let body = json!({"device": {"networkAccessIdentifier": "123456789@domain.com"}});
    retrieve(&operator, Body::Json(body), Auth::Valid)
        .assert_error(422, &["UNSUPPORTED_IDENTIFIER"]);
}

#[test]
fn get_qos_assignment_by_device_c01_07_device_not_supported() {
    let operator = Operator::start();
    retrieve(
        &operator,
        Body::Json(device_body(NOT_APPLICABLE_PHONE_NUMBER)),
        Auth::Valid,
    )
    .assert_error(422, &["SERVICE_NOT_APPLICABLE"]);
}

#[test]
fn get_qos_assignment_by_device_400_1_schema_not_compliant() {
    let operator = Operator::start();
    for body in [
        json!({"device": "+14255550721"}),
        json!({"device": {"phoneNumber": 14_255_550_721_u64}}),
        json!([device_body("+14255550721")]),
    ] {
        retrieve(&operator, Body::Json(body), Auth::Valid).assert_error(400, &["INVALID_ARGUMENT"]);
    }
    retrieve(&operator, Body::Raw("{\"device\":"), Auth::Valid)
        .assert_error(400, &["INVALID_ARGUMENT"]);
}

#[test]
fn get_qos_assignment_by_device_400_2_no_request_body() {
    let operator = Operator::start();
    retrieve(&operator, Body::None, Auth::Valid).assert_error(400, &["INVALID_ARGUMENT"]);
}

fn retrieve_as(operator: &Operator, auth: Auth<'_>) -> Exchange {
    retrieve(operator, Body::Json(device_body("+14255550722")), auth)
}

#[test]
fn get_qos_assignment_by_device_401_1_no_authorization_header() {
    no_authorization_header(retrieve_as);
}

#[test]
fn get_qos_assignment_by_device_401_2_expired_access_token() {
    expired_access_token(retrieve_as);
}

#[test]
fn get_qos_assignment_by_device_401_3_invalid_access_token() {
    invalid_access_token(retrieve_as);
}

#[test]
fn get_qos_assignment_by_device_403_1_missing_access_token_scope() {
    missing_scope(retrieve_as);
}

#[test]
fn get_qos_assignment_by_device_403_2_different_client_id() {
    not_the_creator("+14255550723", |operator, _, auth| {
        retrieve(operator, Body::Json(device_body("+14255550723")), auth)
    });
}

#[test]
fn get_qos_assignment_by_device_404_1_not_found() {
    let operator = Operator::start();
    retrieve(
        &operator,
        Body::Json(device_body("+14255550724")),
        Auth::Valid,
    )
    .assert_error(404, &["NOT_FOUND"]);
}

// ======================================================== getQosAssignmentById

#[test]
fn get_qos_assignment_by_id_01_get_existing_qos_assignment() {
    let operator = Operator::start();
    let listener = sink();
    let request = with_sink(create_body("+14255550730"), &listener.url("/events"));
    let created = create_assignment(&operator, request.clone());
    let id = id_of(&created);
    let read = get(&operator, &id, Auth::Valid).assert_success(200).clone();
    assert_assignment_info(&read);
    assert_eq!(read["assignmentId"], json!(id));
    assert_eq!(read["device"], request["device"]);
    assert_eq!(read["qosProfile"], request["qosProfile"]);
    assert_eq!(read["sink"], request["sink"]);
}

#[test]
fn get_qos_assignment_by_id_02_get_recent_unavailable() {
    let operator = Operator::start();
    // Revoked less than 360 seconds ago.
    let revoked = id_of(&create_assignment(&operator, create_body("+14255550731")));
    operator.advance(AVAILABLE_AFTER);
    assert_eq!(revoke(&operator, &revoked, Auth::Valid).status, 204);
    // Refused by the network.
    let refused = id_of(&create_assignment(
        &operator,
        create_body(NETWORK_TERMINATED_PHONE_NUMBER),
    ));
    operator.advance(AVAILABLE_AFTER);
    operator.advance(RETENTION - AVAILABLE_AFTER - Duration::from_secs(1));
    for (id, reason) in [
        (&revoked, "DELETE_REQUESTED"),
        (&refused, "NETWORK_TERMINATED"),
    ] {
        let read = get(&operator, id, Auth::Valid).assert_success(200).clone();
        assert_assignment_info(&read);
        assert_eq!(read["status"], "UNAVAILABLE");
        assert_eq!(read["statusInfo"], reason);
    }
    // The revoked one goes once its retention has passed.
    operator.advance(Duration::from_secs(1));
    get(&operator, &revoked, Auth::Valid).assert_error(404, &["NOT_FOUND"]);
}

#[test]
fn get_qos_assignment_by_id_400_1_invalid_id() {
    let operator = Operator::start();
    get(&operator, "not-a-uuid", Auth::Valid).assert_error(400, &["INVALID_ARGUMENT"]);
}

fn get_as(operator: &Operator, auth: Auth<'_>) -> Exchange {
    get(operator, &random_id(), auth)
}

#[test]
fn get_qos_assignment_by_id_401_1_no_authorization_header() {
    no_authorization_header(get_as);
}

#[test]
fn get_qos_assignment_by_id_401_2_expired_access_token() {
    expired_access_token(get_as);
}

#[test]
fn get_qos_assignment_by_id_401_3_invalid_access_token() {
    invalid_access_token(get_as);
}

#[test]
fn get_qos_assignment_by_id_403_1_missing_access_token_scope() {
    missing_scope(get_as);
}

#[test]
fn get_qos_assignment_by_id_403_2_different_client_id() {
    not_the_creator("+14255550732", get);
}

#[test]
fn get_qos_assignment_by_id_404_1_not_found() {
    let operator = Operator::start();
    get(&operator, &random_id(), Auth::Valid).assert_error(404, &["NOT_FOUND"]);
}

// ========================================================= revokeQosAssignment

#[test]
fn revoke_qos_assignment_01_delete_existing_qos_assignment_sync() {
    let operator = Operator::start();
    for advance in [Duration::ZERO, AVAILABLE_AFTER] {
        let id = id_of(&create_assignment(&operator, create_body("+14255550740")));
        operator.advance(advance);
        let exchange = revoke(&operator, &id, Auth::Valid);
        assert_eq!(exchange.status, 204);
        assert_eq!(exchange.json, Value::Null, "no body");
        assert!(exchange.headers.get("x-correlator").is_some());
        let read = get(&operator, &id, Auth::Valid).assert_success(200).clone();
        assert_eq!(read["status"], "UNAVAILABLE");
        assert_eq!(read["statusInfo"], "DELETE_REQUESTED");
    }
}

#[test]
fn revoke_qos_assignment_02_delete_existing_qos_assignment_async() {
    let operator = Operator::revoking_asynchronously();
    let listener = sink();
    for request in [
        create_body("+14255550742"),
        with_sink(create_body("+14255550743"), &listener.url("/events")),
    ] {
        let id = id_of(&create_assignment(&operator, request.clone()));
        operator.advance(AVAILABLE_AFTER);
        let accepted = revoke(&operator, &id, Auth::Valid)
            .assert_success(202)
            .clone();
        assert_assignment_info(&accepted);
        assert_eq!(accepted["assignmentId"], json!(id));
        assert_eq!(accepted["device"], request["device"]);
        assert_eq!(accepted["qosProfile"], request["qosProfile"]);
        assert_eq!(accepted.get("sink"), request.get("sink"));
        assert_eq!(accepted["status"], "AVAILABLE");
        assert_eq!(accepted["statusInfo"], "DELETE_REQUESTED");
        operator.assert_in_the_past(&accepted["startedAt"]);
        // Asked again meanwhile: accepted again, as it stands.
        let id: qod::models::AssignmentId = id.parse().unwrap();
        match operator.client().revoke_assignment(id).unwrap() {
            qod::Revocation::Accepted(info) => {
                assert_eq!(info.assignment_id, id);
                assert_eq!(info.status, qod::models::QosStatus::Available);
            }
            other => panic!("expected 202: {other:?}"),
        }
        // Done once the revoke has run.
        operator.advance(REVOKE_AFTER);
        let read = get(&operator, &id.to_string(), Auth::Valid)
            .assert_success(200)
            .clone();
        assert_eq!(read["status"], "UNAVAILABLE");
        assert_eq!(read["statusInfo"], "DELETE_REQUESTED");
        assert_eq!(read["startedAt"], accepted["startedAt"]);
    }
}

#[test]
fn revoke_qos_assignment_03_event_notification_sync() {
    let operator = Operator::start();
    let listener = sink();
    let id = id_of(&create_assignment(
        &operator,
        with_sink(create_body("+14255550741"), &listener.url("/events")),
    ));
    operator.advance(AVAILABLE_AFTER);
    event(&listener, 0, &id);
    assert_eq!(revoke(&operator, &id, Auth::Valid).status, 204);
    let revoked = event(&listener, 1, &id);
    assert_eq!(revoked["data"]["status"], "UNAVAILABLE");
    assert_eq!(revoked["data"]["statusInfo"], "DELETE_REQUESTED");
    // No event once it is UNAVAILABLE already.
    assert_eq!(revoke(&operator, &id, Auth::Valid).status, 204);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(listener.seen().len(), 2);
}

#[test]
fn revoke_qos_assignment_04_event_notification_async() {
    let operator = Operator::revoking_asynchronously();
    let listener = sink();
    let id = id_of(&create_assignment(
        &operator,
        with_sink(create_body("+14255550744"), &listener.url("/events")),
    ));
    operator.advance(AVAILABLE_AFTER);
    event(&listener, 0, &id);
    assert_eq!(revoke(&operator, &id, Auth::Valid).status, 202);
    // A second revoke while the first runs brings no event of its own.
    assert_eq!(revoke(&operator, &id, Auth::Valid).status, 202);
    // The asynchronous deletion process completes.
    operator.advance(REVOKE_AFTER);
    let revoked = event(&listener, 1, &id);
    assert_eq!(revoked["data"]["status"], "UNAVAILABLE");
    assert_eq!(revoked["data"]["statusInfo"], "DELETE_REQUESTED");
    let first = listener.seen()[0].clone();
    let first: Value = serde_json::from_slice(&first.body).unwrap();
    assert_ne!(revoked["id"], first["id"], "unique");
    // Revoked once: no more events, and none for a revoke now.
    assert_eq!(revoke(&operator, &id, Auth::Valid).status, 204);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(listener.seen().len(), 2);
}

#[test]
fn revoke_qos_assignment_400_1_invalid_id() {
    let operator = Operator::start();
    revoke(&operator, "not-a-uuid", Auth::Valid).assert_error(400, &["INVALID_ARGUMENT"]);
}

fn revoke_as(operator: &Operator, auth: Auth<'_>) -> Exchange {
    revoke(operator, &random_id(), auth)
}

#[test]
fn revoke_qos_assignment_401_1_no_authorization_header() {
    no_authorization_header(revoke_as);
}

#[test]
fn revoke_qos_assignment_401_2_expired_access_token() {
    expired_access_token(revoke_as);
}

#[test]
fn revoke_qos_assignment_401_3_invalid_access_token() {
    invalid_access_token(revoke_as);
}

#[test]
fn revoke_qos_assignment_403_1_missing_access_token_scope() {
    missing_scope(revoke_as);
}

#[test]
fn revoke_qos_assignment_403_2_different_client_id() {
    not_the_creator("+14255550742", revoke);
}

#[test]
fn revoke_qos_assignment_404_1_not_found() {
    let operator = Operator::start();
    revoke(&operator, &random_id(), Auth::Valid).assert_error(404, &["NOT_FOUND"]);
}
