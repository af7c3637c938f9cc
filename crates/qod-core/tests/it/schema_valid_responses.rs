//! Every response the spec's schemas allow parses, through the operation a
//! caller uses, and keeps what the server sent: thousands of cases per
//! response type and wire version (QoS assignments included), generated
//! from the schemas (its module `schemas`) and not from qod's own types.

#![allow(clippy::unwrap_used)]

mod schemas;

use http::Response;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use qod_core::operations::{
    CreateAssignmentOp, CreateSessionOp, ExtendSessionOp, GetAssignmentOp, GetQosProfileOp,
    GetSessionOp, ListQosProfilesOp, RetrieveAssignmentOp, RetrieveSessionsOp, RevokeAssignmentOp,
};
use qod_core::{Error, ErrorKind, Operation, Revocation};
use qod_models::{
    AssignmentId, AssignmentInfo, CreateAssignment, CreateSession, Device, ErrorCode, ErrorInfo,
    PhoneNumber, QosProfile, QosProfileName, SessionId, SessionInfo,
};
use serde_json::Value;

/// At least what the issue asks for, per response type and version.
const CASES: u32 = 2_000;

fn answer(status: u16, body: &Value) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .unwrap()
}

fn session_id(body: &Value) -> SessionId {
    SessionId::parse(body["sessionId"].as_str().unwrap()).unwrap()
}

fn create() -> CreateSessionOp {
    CreateSessionOp::new(CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
        QosProfileName::parse("QOS_VC").unwrap(),
    ))
}

/// An echo the schema allows is typed, and kept exactly as sent.
macro_rules! echoed {
    ($info:ident, $sent:ident, $field:ident, $key:literal) => {
        match (&$info.$field, $sent.get($key)) {
            (Some(echo), Some(value)) => {
                prop_assert!(
                    echo.parsed().is_some(),
                    "{}: {:?}",
                    $key,
                    echo.parse_error()
                );
                prop_assert_eq!(echo.raw(), value, "{}", $key);
            }
            (None, None) => {}
            (kept, sent) => {
                prop_assert!(false, "{}: kept {:?}, sent {:?}", $key, kept, sent)
            }
        }
    };
}

/// What every SessionInfo must keep of what the server sent.
fn check_session(info: &SessionInfo, sent: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(info.session_id, session_id(sent));
    prop_assert_eq!(
        info.qos_profile.as_str(),
        sent["qosProfile"].as_str().unwrap()
    );
    prop_assert_eq!(Some(u64::from(info.duration)), sent["duration"].as_u64());
    prop_assert_eq!(
        info.qos_status.as_str(),
        sent["qosStatus"].as_str().unwrap()
    );
    prop_assert_eq!(
        info.status_info.as_ref().map(|s| s.as_str()),
        sent.get("statusInfo").and_then(Value::as_str)
    );
    for (time, key) in [
        (&info.started_at, "startedAt"),
        (&info.expires_at, "expiresAt"),
    ] {
        prop_assert_eq!(time.is_some(), sent.get(key).is_some(), "{}", key);
        if let Some(seconds) = sent.get(key).and_then(Value::as_i64) {
            prop_assert_eq!(time.map(|t| t.unix_seconds()), Some(seconds));
        }
    }
    prop_assert_eq!(
        info.messages.as_ref().map(Vec::len),
        sent.get("messages").and_then(Value::as_array).map(Vec::len)
    );
    echoed!(info, sent, device, "device");
    echoed!(info, sent, application_server, "applicationServer");
    echoed!(info, sent, device_ports, "devicePorts");
    echoed!(
        info,
        sent,
        application_server_ports,
        "applicationServerPorts"
    );
    echoed!(info, sent, webhook, "webhook");
    echoed!(info, sent, sink, "sink");
    echoed!(info, sent, sink_credential, "sinkCredential");
    // Written back, it reads the same.
    let again: SessionInfo = serde_json::from_value(serde_json::to_value(info).unwrap()).unwrap();
    prop_assert_eq!(&again, info);
    Ok(())
}

fn assignment_id(body: &Value) -> AssignmentId {
    AssignmentId::parse(body["assignmentId"].as_str().unwrap()).unwrap()
}

fn create_assignment() -> CreateAssignmentOp {
    CreateAssignmentOp::new(CreateAssignment::new(
        Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
        QosProfileName::parse("QOS_L").unwrap(),
    ))
}

/// What every AssignmentInfo must keep of what the server sent.
fn check_assignment(info: &AssignmentInfo, sent: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(info.assignment_id, assignment_id(sent));
    prop_assert_eq!(
        info.qos_profile.as_str(),
        sent["qosProfile"].as_str().unwrap()
    );
    prop_assert_eq!(info.status.as_str(), sent["status"].as_str().unwrap());
    prop_assert_eq!(
        info.status_info.as_ref().map(|s| s.as_str()),
        sent.get("statusInfo").and_then(Value::as_str)
    );
    prop_assert_eq!(info.started_at.is_some(), sent.get("startedAt").is_some());
    echoed!(info, sent, device, "device");
    echoed!(info, sent, sink, "sink");
    echoed!(info, sent, sink_credential, "sinkCredential");
    let again: AssignmentInfo =
        serde_json::from_value(serde_json::to_value(info).unwrap()).unwrap();
    prop_assert_eq!(&again, info);
    Ok(())
}

/// A CAMARA error body the schema allows, answered with `status`, is an
/// `Error::Api` that keeps it whole and names nothing created.
fn check_api_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    status: u16,
    sent: &Value,
) -> Result<(), TestCaseError> {
    let error = match result {
        Err(error) => error,
        Ok(output) => return Err(TestCaseError::fail(format!("parsed: {output:?}"))),
    };
    let ErrorKind::Api(api) = error.kind() else {
        return Err(TestCaseError::fail(format!("{error:?}")));
    };
    prop_assert_eq!(api.status.as_u16(), status);
    prop_assert_eq!(&api.code, &ErrorCode::from(sent["code"].as_str().unwrap()));
    prop_assert_eq!(api.message.as_str(), sent["message"].as_str().unwrap());
    prop_assert_eq!(&api.body, &serde_json::to_vec(sent).unwrap());
    prop_assert_eq!(error.created(), None);
    Ok(())
}

fn check_profile(profile: &QosProfile, sent: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(profile.name.as_str(), sent["name"].as_str().unwrap());
    prop_assert_eq!(profile.status.as_str(), sent["status"].as_str().unwrap());
    prop_assert_eq!(
        profile
            .max_duration
            .as_ref()
            .and_then(|d| d.value)
            .map(u64::from),
        sent.get("maxDuration")
            .and_then(|d| d.get("value"))
            .and_then(Value::as_u64)
    );
    prop_assert_eq!(
        profile.country_availability.as_ref().map(Vec::len),
        sent.get("countryAvailability")
            .and_then(Value::as_array)
            .map(Vec::len)
    );
    let again: QosProfile = serde_json::from_value(serde_json::to_value(profile).unwrap()).unwrap();
    prop_assert_eq!(&again, profile);
    Ok(())
}

proptest! {
    // Failures persist beside this file, in
    // schema_valid_responses.proptest-regressions: by default proptest would
    // look for them in tests/proptest-regressions/, as tests/it has a main.rs.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::with_cases(CASES)
    })]

    #[test]
    fn v0_session_info_parses(sent in schemas::v0_session_info()) {
        let created = create().parse(answer(201, &sent));
        prop_assert!(created.is_ok(), "{:?}", created.err());
        check_session(&created.unwrap(), &sent)?;
        let read = GetSessionOp::new(session_id(&sent)).parse(answer(200, &sent)).unwrap();
        check_session(&read, &sent)?;
    }

    #[test]
    fn v1_session_info_parses(sent in schemas::v1_session_info()) {
        let created = create().parse(answer(201, &sent));
        prop_assert!(created.is_ok(), "{:?}", created.err());
        check_session(&created.unwrap(), &sent)?;
        let extended = ExtendSessionOp::new(session_id(&sent), 60).parse(answer(200, &sent)).unwrap();
        check_session(&extended, &sent)?;
    }

    #[test]
    fn v1_retrieved_sessions_parse(sent in schemas::v1_retrieve_sessions_output()) {
        let sessions = RetrieveSessionsOp::default().parse(answer(200, &sent));
        prop_assert!(sessions.is_ok(), "{:?}", sessions.err());
        let sessions = sessions.unwrap();
        let items = sent.as_array().unwrap();
        prop_assert_eq!(sessions.len(), items.len());
        for (info, item) in sessions.iter().zip(items) {
            check_session(info, item)?;
        }
    }

    #[test]
    fn v0_qos_profile_parses(sent in schemas::v0_qos_profile()) {
        let name = QosProfileName::parse(sent["name"].as_str().unwrap()).unwrap();
        let one = GetQosProfileOp::new(name).parse(answer(200, &sent));
        prop_assert!(one.is_ok(), "{:?}", one.err());
        check_profile(&one.unwrap(), &sent)?;
        let list = ListQosProfilesOp::default().parse(answer(200, &Value::Array(vec![sent.clone()]))).unwrap();
        check_profile(&list[0], &sent)?;
    }

    #[test]
    fn v1_qos_profile_parses(sent in schemas::v1_qos_profile()) {
        let name = QosProfileName::parse(sent["name"].as_str().unwrap()).unwrap();
        let one = GetQosProfileOp::new(name).parse(answer(200, &sent));
        prop_assert!(one.is_ok(), "{:?}", one.err());
        check_profile(&one.unwrap(), &sent)?;
        let list = ListQosProfilesOp::default().parse(answer(200, &Value::Array(vec![sent.clone()]))).unwrap();
        check_profile(&list[0], &sent)?;
    }

    #[test]
    fn error_info_parses(sent in schemas::error_info(), status in 400_u16..600) {
        let info = serde_json::from_value::<ErrorInfo>(sent.clone());
        prop_assert!(info.is_ok(), "{:?}", info.err());
        prop_assert_eq!(Some(info.unwrap().status), sent["status"].as_i64());
        check_api_error(create().parse(answer(status, &sent)), status, &sent)?;
    }

    #[test]
    fn assignment_info_parses(sent in schemas::assignment_info()) {
        let created = create_assignment().parse(answer(201, &sent));
        prop_assert!(created.is_ok(), "{:?}", created.err());
        check_assignment(&created.unwrap(), &sent)?;
        let id = assignment_id(&sent);
        let read = GetAssignmentOp::new(id).parse(answer(200, &sent)).unwrap();
        check_assignment(&read, &sent)?;
        let by_device = RetrieveAssignmentOp::default().parse(answer(200, &sent)).unwrap();
        check_assignment(&by_device, &sent)?;
        let Revocation::Accepted(accepted) = RevokeAssignmentOp::new(id).parse(answer(202, &sent)).unwrap() else {
            return Err(TestCaseError::fail("a 202 revoke is accepted"));
        };
        check_assignment(&accepted, &sent)?;
    }

    #[test]
    fn error_info_parses_through_the_assignment_operations(sent in schemas::error_info(), status in 400_u16..600) {
        let id = AssignmentId::new(qod_models::uuid::Uuid::nil());
        check_api_error(create_assignment().parse(answer(status, &sent)), status, &sent)?;
        check_api_error(GetAssignmentOp::new(id).parse(answer(status, &sent)), status, &sent)?;
        check_api_error(RetrieveAssignmentOp::default().parse(answer(status, &sent)), status, &sent)?;
        check_api_error(RevokeAssignmentOp::new(id).parse(answer(status, &sent)), status, &sent)?;
    }
}
