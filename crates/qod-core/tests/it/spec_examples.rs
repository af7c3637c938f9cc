//! Every example the four spec files embed (response bodies of these
//! operations, and the notification callbacks) parses with the operation and
//! status the spec gives it. The examples are the project's own translation
//! of the YAML into JSON, in tests/fixtures/spec-examples.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use http::{Request, Response, StatusCode};
use qod_core::notification::{verify, verify_event};
use qod_core::operations::{
    CreateAssignmentOp, CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetAssignmentOp,
    GetQosProfileOp, GetSessionOp, ListQosProfilesOp, RetrieveAssignmentOp, RetrieveSessionsOp,
    RevokeAssignmentOp,
};
use qod_core::{Error, ErrorKind, Operation, Revocation};
use qod_models::{
    AssignmentId, AssignmentInfo, AssignmentStatusChangedEvent, CreateAssignment, CreateSession,
    Device, PhoneNumber, QosProfile, QosProfileName, SessionId, SessionInfo,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Examples {
    spec: String,
    examples: Vec<Example>,
}

#[derive(Deserialize)]
struct Example {
    /// Where the example sits in the spec file.
    example: String,
    /// The response status, for a response example.
    status: Option<u16>,
    /// The operations (`operationId`) that answer with it.
    #[serde(default)]
    operations: Vec<String>,
    /// The callback operation, for a request the server sends.
    request: Option<String>,
    content_type: Option<String>,
    body: Value,
}

fn examples(json: &str) -> Examples {
    serde_json::from_str(json).unwrap()
}

const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

fn answer(status: u16, body: &Value) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .unwrap()
}

fn check_session(info: &SessionInfo, body: &Value, what: &str) {
    assert_eq!(
        info.session_id.to_string(),
        body["sessionId"].as_str().unwrap(),
        "{what}"
    );
    assert_eq!(info.qos_status.as_str(), body["qosStatus"], "{what}");
    assert!(!info.qos_status.is_unknown(), "{what}");
    let echoes = [
        ("device", info.device.as_ref().map(|e| e.parse_error())),
        (
            "applicationServer",
            info.application_server.as_ref().map(|e| e.parse_error()),
        ),
        (
            "devicePorts",
            info.device_ports.as_ref().map(|e| e.parse_error()),
        ),
        (
            "applicationServerPorts",
            info.application_server_ports
                .as_ref()
                .map(|e| e.parse_error()),
        ),
        ("webhook", info.webhook.as_ref().map(|e| e.parse_error())),
        ("sink", info.sink.as_ref().map(|e| e.parse_error())),
    ];
    check_echoes_written_back(info, &echoes, body, what);
}

/// Each echo (its name, and its parse error when present) is present when
/// the example has it and typed, and the record is written back as the
/// example has it.
fn check_echoes_written_back(
    record: &impl serde::Serialize,
    echoes: &[(&str, Option<Option<&str>>)],
    body: &Value,
    what: &str,
) {
    for (name, parsed) in echoes {
        assert_eq!(parsed.is_some(), body.get(name).is_some(), "{what}: {name}");
        assert_eq!(parsed.flatten(), None, "{what}: {name} is typed");
    }
    assert_eq!(
        serde_json::to_value(record).unwrap(),
        *body,
        "{what}: written back"
    );
}

fn check_assignment(info: &AssignmentInfo, body: &Value, what: &str) {
    assert_eq!(
        info.assignment_id.to_string(),
        body["assignmentId"].as_str().unwrap(),
        "{what}"
    );
    assert_eq!(info.status.as_str(), body["status"], "{what}");
    assert!(!info.status.is_unknown(), "{what}");
    assert!(
        !info.status_info.as_ref().is_some_and(|i| i.is_unknown()),
        "{what}"
    );
    let echoes = [
        ("device", info.device.as_ref().map(|e| e.parse_error())),
        ("sink", info.sink.as_ref().map(|e| e.parse_error())),
        (
            "sinkCredential",
            info.sink_credential.as_ref().map(|e| e.parse_error()),
        ),
    ];
    check_echoes_written_back(info, &echoes, body, what);
}

/// Runs a QoS Provisioning operation; `false` when `operation` is not one.
fn run_assignment_response(operation: &str, status: u16, body: &Value, what: &str) -> bool {
    let id: AssignmentId = body
        .get("assignmentId")
        .and_then(Value::as_str)
        .unwrap_or(ID)
        .parse()
        .unwrap();
    let response = || answer(status, body);
    let success = StatusCode::from_u16(status).unwrap().is_success();
    let result = match operation {
        "createQosAssignment" => CreateAssignmentOp::new(CreateAssignment::new(
            Device::with_phone_number(PhoneNumber::parse("+123456789").unwrap()),
            QosProfileName::parse("QOS_L").unwrap(),
        ))
        .parse(response()),
        "getQosAssignmentById" => GetAssignmentOp::new(id).parse(response()),
        "getQosAssignmentByDevice" => RetrieveAssignmentOp::default().parse(response()),
        "revokeQosAssignment" => {
            let revoked = RevokeAssignmentOp::new(id).parse(response());
            if success {
                let Revocation::Accepted(info) = revoked.expect(what) else {
                    panic!("{what}: a 202 with a body is accepted, not done")
                };
                check_assignment(&info, body, what);
            } else {
                check_error(revoked, status, body, what);
            }
            return true;
        }
        _ => return false,
    };
    if success {
        check_assignment(&result.expect(what), body, what);
    } else {
        check_error(result, status, body, what);
    }
    true
}

fn check_profile(profile: &QosProfile, body: &Value, what: &str) {
    assert_eq!(profile.name.as_str(), body["name"], "{what}");
    assert!(!profile.status.is_unknown(), "{what}");
    assert_eq!(
        serde_json::to_value(profile).unwrap(),
        *body,
        "{what}: written back"
    );
}

/// What a CAMARA error example must become.
fn check_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    status: u16,
    body: &Value,
    what: &str,
) {
    let error = result.expect_err(what);
    let ErrorKind::Api(api) = error.kind() else {
        panic!("{what}: {error:?}")
    };
    assert_eq!(api.status, status, "{what}");
    assert_eq!(api.code.as_str(), body["code"], "{what}");
    assert!(
        !api.code.is_unknown(),
        "{what}: every code of the spec is known"
    );
    assert_eq!(api.message, body["message"].as_str().unwrap(), "{what}");
    assert_eq!(
        body["status"], status,
        "{what}: the body repeats the status"
    );
}

fn run_response(operation: &str, status: u16, body: &Value, what: &str) {
    if run_assignment_response(operation, status, body, what) {
        return;
    }
    let id: SessionId = body
        .get("sessionId")
        .and_then(Value::as_str)
        .unwrap_or(ID)
        .parse()
        .unwrap();
    let response = || answer(status, body);
    let success = StatusCode::from_u16(status).unwrap().is_success();
    match operation {
        "createSession" => {
            let op = CreateSessionOp::new(CreateSession::new(
                Device::with_phone_number(PhoneNumber::parse("+123456789").unwrap()),
                QosProfileName::parse("QOS_L").unwrap(),
            ));
            if success {
                check_session(&op.parse(response()).expect(what), body, what);
            } else {
                check_error(op.parse(response()), status, body, what);
            }
        }
        "getSession" | "extendQosSessionDuration" => {
            let result = if operation == "getSession" {
                GetSessionOp::new(id).parse(response())
            } else {
                ExtendSessionOp::new(id, 60).parse(response())
            };
            if success {
                check_session(&result.expect(what), body, what);
            } else {
                check_error(result, status, body, what);
            }
        }
        "deleteSession" => {
            assert!(!success, "{what}: the spec gives no body for 204");
            check_error(
                DeleteSessionOp::new(id).parse(response()),
                status,
                body,
                what,
            );
        }
        "retrieveSessionsByDevice" => {
            let result = RetrieveSessionsOp::default().parse(response());
            if success {
                let sessions = result.expect(what);
                let items = body.as_array().unwrap();
                assert_eq!(sessions.len(), items.len(), "{what}");
                for (info, item) in sessions.iter().zip(items) {
                    check_session(info, item, what);
                }
            } else {
                check_error(result, status, body, what);
            }
        }
        "getQosProfiles" | "retrieveQoSProfiles" => {
            let result = ListQosProfilesOp::default().parse(response());
            if success {
                let profiles = result.expect(what);
                let items = body.as_array().unwrap();
                assert_eq!(profiles.len(), items.len(), "{what}");
                for (profile, item) in profiles.iter().zip(items) {
                    check_profile(profile, item, what);
                }
            } else {
                check_error(result, status, body, what);
            }
        }
        "getQosProfile" => {
            let name = body.get("name").and_then(Value::as_str).unwrap_or("QOS_L");
            let result =
                GetQosProfileOp::new(QosProfileName::parse(name).unwrap()).parse(response());
            if success {
                check_profile(&result.expect(what), body, what);
            } else {
                check_error(result, status, body, what);
            }
        }
        other => panic!("{what}: no operation {other}"),
    }
}

fn run_notification(callback: &str, content_type: &str, body: &Value, what: &str) {
    let request = Request::post("/notify")
        .header("content-type", content_type)
        .body(serde_json::to_vec(body).unwrap())
        .unwrap();
    if callback == "postQosAssignmentNotification" {
        let event: AssignmentStatusChangedEvent = verify_event(&request, None).expect(what);
        assert_eq!(
            event.data.assignment_id.to_string(),
            body["data"]["assignmentId"].as_str().unwrap(),
            "{what}"
        );
        assert_eq!(event.data.status.as_str(), body["data"]["status"], "{what}");
        assert!(!event.event_type.is_unknown(), "{what}");
        assert!(!event.data.status.is_unknown(), "{what}");
        assert_eq!(serde_json::to_value(&event).unwrap(), *body, "{what}");
        return;
    }
    assert_eq!(callback, "postNotification", "{what}");
    let event = verify(&request, None).expect(what);
    assert_eq!(
        event.data.session_id.to_string(),
        body["data"]["sessionId"].as_str().unwrap(),
        "{what}"
    );
    assert!(!event.event_type.is_unknown(), "{what}");
    assert!(!event.data.qos_status.is_unknown(), "{what}");
}

/// Runs every example of a file; returns how many (operation, example) pairs ran.
fn run_all(file: &Examples) -> usize {
    let mut runs = 0;
    for example in &file.examples {
        let what = format!("{} {}", file.spec, example.example);
        match (&example.request, example.status) {
            (Some(callback), None) => {
                run_notification(
                    callback,
                    example.content_type.as_deref().unwrap(),
                    &example.body,
                    &what,
                );
                runs += 1;
            }
            (None, Some(status)) => {
                assert!(!example.operations.is_empty(), "{what}");
                for operation in &example.operations {
                    run_response(
                        operation,
                        status,
                        &example.body,
                        &format!("{what} ({operation})"),
                    );
                    runs += 1;
                }
            }
            _ => panic!("{what}: a response needs a status, a request its callback"),
        }
    }
    runs
}

#[test]
fn qod_0_10_1_examples() {
    let file = examples(include_str!(
        "../fixtures/spec-examples/qod-api-0.10.1.json"
    ));
    assert_eq!(file.examples.len(), 28);
    assert_eq!(run_all(&file), 52);
}

#[test]
fn quality_on_demand_1_1_0_examples() {
    let file = examples(include_str!(
        "../fixtures/spec-examples/quality-on-demand-1.1.0.json"
    ));
    assert_eq!(file.examples.len(), 37);
    assert_eq!(run_all(&file), 61);
}

#[test]
fn qos_profiles_1_1_0_examples() {
    let file = examples(include_str!(
        "../fixtures/spec-examples/qos-profiles-1.1.0.json"
    ));
    assert_eq!(file.examples.len(), 14);
    assert_eq!(run_all(&file), 20);
}

#[test]
fn qos_provisioning_0_3_0_examples() {
    let file = examples(include_str!(
        "../fixtures/spec-examples/qos-provisioning-0.3.0.json"
    ));
    assert_eq!(file.examples.len(), 31);
    assert_eq!(run_all(&file), 53);
}
