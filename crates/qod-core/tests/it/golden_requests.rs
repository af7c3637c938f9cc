//! Golden requests: every operation in both wire versions, bodies compared as JSON values.

#![allow(clippy::unwrap_used)]

use http::Request;
use qod_core::operations::{
    CreateAssignmentOp, CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetAssignmentOp,
    GetQosProfileOp, GetSessionOp, ListQosProfilesOp, RetrieveAssignmentOp, RetrieveSessionsOp,
    RevokeAssignmentOp,
};
use qod_core::{Api, ApiVersion, Endpoint, ErrorKind, Operation};
use qod_models::{
    ApplicationServer, AssignmentId, CreateAssignment, CreateSession, Device, DeviceIpv4Address,
    NotificationToken, NotificationUrl, PhoneNumber, PortsSpec, QosProfileFilter, QosProfileName,
    QosProfileStatus, SessionId, SinkCredential, SinkUrl, Timestamp, Webhook, XCorrelator,
};
use serde_json::{Value, json};

const ID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn v0() -> Endpoint {
    Endpoint::new("https://api.example.com/qod/v0").unwrap()
}

fn v1() -> Endpoint {
    Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap()
}

fn id() -> SessionId {
    ID.parse().unwrap()
}

fn body_json(request: &Request<Vec<u8>>) -> Value {
    serde_json::from_slice(request.body()).unwrap()
}

fn header<'a>(request: &'a Request<Vec<u8>>, name: &str) -> Option<&'a str> {
    request.headers().get(name).map(|v| v.to_str().unwrap())
}

/// Checks method, URI and the headers every request must or must not carry.
fn assert_shape(request: &Request<Vec<u8>>, method: &str, uri: &str, has_body: bool) {
    assert_eq!(request.method(), method);
    assert_eq!(request.uri(), uri);
    assert_eq!(header(request, "accept"), Some("application/json"));
    if has_body {
        assert_eq!(header(request, "content-type"), Some("application/json"));
    } else {
        assert!(request.body().is_empty(), "{method} must carry no body");
        assert_eq!(header(request, "content-type"), None);
    }
}

fn device() -> Device {
    Device {
        phone_number: Some(PhoneNumber::parse("+14250000000").unwrap()),
        ipv4_address: Some(DeviceIpv4Address::with_port(
            "203.0.113.7".parse().unwrap(),
            59765,
        )),
        ..Device::default()
    }
}

fn create_body() -> CreateSession {
    CreateSession::new(device(), QosProfileName::parse("QOS_VC").unwrap())
        .with_application_server(ApplicationServer::ipv4("198.51.100.0/24".parse().unwrap()))
        .with_device_ports("5010-5020,5060".parse::<PortsSpec>().unwrap())
        .with_application_server_ports(PortsSpec::ports([443]))
        .with_duration(600)
}

#[test]
fn create_session_v0_with_webhook() {
    let body = create_body().with_webhook(Webhook {
        notification_url: NotificationUrl::parse("https://app.example.com/notify").unwrap(),
        notification_auth_token: Some(
            NotificationToken::parse("c8974e592c2fa383d4a3960714").unwrap(),
        ),
    });
    let correlator = XCorrelator::parse("corr-1").unwrap();
    let request = CreateSessionOp::new(body)
        .to_request(&v0(), Some(&correlator))
        .unwrap();
    assert_shape(
        &request,
        "POST",
        "https://api.example.com/qod/v0/sessions",
        true,
    );
    assert_eq!(header(&request, "x-correlator"), Some("corr-1"));
    assert_eq!(
        body_json(&request),
        json!({
            "device": {"phoneNumber": "+14250000000",
                       "ipv4Address": {"publicAddress": "203.0.113.7", "publicPort": 59765}},
            "applicationServer": {"ipv4Address": "198.51.100.0/24"},
            "devicePorts": {"ranges": [{"from": 5010, "to": 5020}], "ports": [5060]},
            "applicationServerPorts": {"ports": [443]},
            "qosProfile": "QOS_VC",
            "duration": 600,
            "webhook": {"notificationUrl": "https://app.example.com/notify",
                        "notificationAuthToken": "c8974e592c2fa383d4a3960714"}
        })
    );
}

#[test]
fn create_session_v1_with_sink() {
    let expires = Timestamp::parse_rfc3339("2024-06-01T13:00:00Z").unwrap();
    let body = create_body().with_sink(
        SinkUrl::parse("https://app.example.com/sink").unwrap(),
        Some(SinkCredential::access_token("sink-token", expires)),
    );
    let request = CreateSessionOp::new(body).to_request(&v1(), None).unwrap();
    assert_shape(
        &request,
        "POST",
        "https://api.example.com/quality-on-demand/v1/sessions",
        true,
    );
    assert_eq!(header(&request, "x-correlator"), None);
    let json = body_json(&request);
    assert_eq!(json["sink"], "https://app.example.com/sink");
    assert_eq!(
        json["sinkCredential"],
        json!({"credentialType": "ACCESSTOKEN", "accessToken": "sink-token",
               "accessTokenExpiresUtc": "2024-06-01T13:00:00Z", "accessTokenType": "bearer"})
    );
    assert!(json.get("webhook").is_none());
}

#[test]
fn get_and_delete_in_both_versions() {
    for (endpoint, base) in [
        (v0(), "https://api.example.com/qod/v0"),
        (v1(), "https://api.example.com/quality-on-demand/v1"),
    ] {
        let get = GetSessionOp::new(id()).to_request(&endpoint, None).unwrap();
        assert_shape(&get, "GET", &format!("{base}/sessions/{ID}"), false);
        let delete = DeleteSessionOp::new(id())
            .to_request(&endpoint, None)
            .unwrap();
        assert_shape(&delete, "DELETE", &format!("{base}/sessions/{ID}"), false);
    }
}

#[test]
fn extend_in_both_versions() {
    for (endpoint, base) in [
        (v0(), "https://api.example.com/qod/v0"),
        (v1(), "https://api.example.com/quality-on-demand/v1"),
    ] {
        let request = ExtendSessionOp::new(id(), 1800)
            .to_request(&endpoint, None)
            .unwrap();
        assert_shape(
            &request,
            "POST",
            &format!("{base}/sessions/{ID}/extend"),
            true,
        );
        assert_eq!(
            body_json(&request),
            json!({"requestedAdditionalDuration": 1800})
        );
    }
}

#[test]
fn retrieve_sessions_is_1x_only() {
    let op = RetrieveSessionsOp::new(Some(Device::with_phone_number(
        PhoneNumber::parse("+123456789").unwrap(),
    )));
    let request = op.to_request(&v1(), None).unwrap();
    assert_shape(
        &request,
        "POST",
        "https://api.example.com/quality-on-demand/v1/retrieve-sessions",
        true,
    );
    assert_eq!(
        body_json(&request),
        json!({"device": {"phoneNumber": "+123456789"}})
    );
    let empty = RetrieveSessionsOp::new(None)
        .to_request(&v1(), None)
        .unwrap();
    assert_eq!(body_json(&empty), json!({}));
    let refused = op.to_request(&v0(), None).unwrap_err();
    assert!(matches!(
        refused.kind(),
        ErrorKind::Unsupported {
            operation: "retrieveSessionsByDevice",
            api: Api::QualityOnDemand,
            version: ApiVersion::V0_10
        }
    ));
    assert_eq!(
        refused.to_string(),
        "retrieveSessionsByDevice is not part of QoD 0.10"
    );
}

#[test]
fn qos_profiles_in_both_versions() {
    let name = QosProfileName::parse("QOS_E").unwrap();
    let get_v0 = GetQosProfileOp::new(name.clone())
        .to_request(&v0(), None)
        .unwrap();
    assert_shape(
        &get_v0,
        "GET",
        "https://api.example.com/qod/v0/qos-profiles/QOS_E",
        false,
    );
    let get_v1 = GetQosProfileOp::new(name.clone())
        .to_request(&v1(), None)
        .unwrap();
    assert_shape(
        &get_v1,
        "GET",
        "https://api.example.com/qos-profiles/v1/qos-profiles/QOS_E",
        false,
    );

    let filter = QosProfileFilter {
        device: None,
        name: Some(name),
        status: Some(QosProfileStatus::Active),
    };
    let list_v0 = ListQosProfilesOp::new(filter.clone())
        .to_request(&v0(), None)
        .unwrap();
    assert_shape(
        &list_v0,
        "GET",
        "https://api.example.com/qod/v0/qos-profiles?name=QOS_E&status=ACTIVE",
        false,
    );
    let all_v0 = ListQosProfilesOp::default()
        .to_request(&v0(), None)
        .unwrap();
    assert_shape(
        &all_v0,
        "GET",
        "https://api.example.com/qod/v0/qos-profiles",
        false,
    );

    let list_v1 = ListQosProfilesOp::new(QosProfileFilter {
        device: Some(Device::with_phone_number(
            PhoneNumber::parse("+123456789").unwrap(),
        )),
        ..filter
    })
    .to_request(&v1(), None)
    .unwrap();
    assert_shape(
        &list_v1,
        "POST",
        "https://api.example.com/qos-profiles/v1/retrieve-qos-profiles",
        true,
    );
    assert_eq!(
        body_json(&list_v1),
        json!({"device": {"phoneNumber": "+123456789"}, "name": "QOS_E", "status": "ACTIVE"})
    );
}

#[test]
fn tmobile_create_needs_no_application_server() {
    let body = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("14250000000").unwrap()),
        QosProfileName::parse("QOS_VC").unwrap(),
    );
    let request = CreateSessionOp::new(body.clone())
        .to_request(&Endpoint::tmobile_sandbox(), None)
        .unwrap();
    assert_shape(
        &request,
        "POST",
        "https://naas-sandbox.t-mobile.com/qod/v0/sessions",
        true,
    );
    assert_eq!(
        body_json(&request),
        json!({"device": {"phoneNumber": "14250000000"}, "qosProfile": "QOS_VC"})
    );
    let refused = CreateSessionOp::new(body)
        .to_request(&v0(), None)
        .unwrap_err();
    assert!(matches!(refused.kind(), ErrorKind::Invalid(e) if e.field() == "applicationServer"));
}

#[test]
fn base_paths_with_prefixes_are_kept() {
    let endpoint =
        Endpoint::new("https://api.example.com/camara/v2.1/quality-on-demand/v1").unwrap();
    let request = GetSessionOp::new(id()).to_request(&endpoint, None).unwrap();
    assert_eq!(
        request.uri(),
        &*format!("https://api.example.com/camara/v2.1/quality-on-demand/v1/sessions/{ID}")
    );
}

fn assignment_id() -> AssignmentId {
    ID.parse().unwrap()
}

fn create_assignment_body() -> CreateAssignment {
    CreateAssignment::new(device(), QosProfileName::parse("QOS_L").unwrap())
}

#[test]
fn create_assignment_with_device_and_sink() {
    let expires = Timestamp::parse_rfc3339("2024-12-01T12:00:00Z").unwrap();
    let body = create_assignment_body().with_sink(
        SinkUrl::parse("https://application-server.com/callback").unwrap(),
        Some(SinkCredential::access_token("sink-token", expires)),
    );
    let correlator = XCorrelator::parse("corr-7").unwrap();
    let endpoint = Endpoint::from_api_root("https://api.example.com/camara").unwrap();
    let request = CreateAssignmentOp::new(body)
        .to_request(&endpoint, Some(&correlator))
        .unwrap();
    assert_shape(
        &request,
        "POST",
        "https://api.example.com/camara/qos-provisioning/v0.3/qos-assignments",
        true,
    );
    assert_eq!(header(&request, "x-correlator"), Some("corr-7"));
    assert_eq!(
        body_json(&request),
        json!({
            "device": {"phoneNumber": "+14250000000",
                       "ipv4Address": {"publicAddress": "203.0.113.7", "publicPort": 59765}},
            "qosProfile": "QOS_L",
            "sink": "https://application-server.com/callback",
            "sinkCredential": {"credentialType": "ACCESSTOKEN", "accessToken": "sink-token",
                               "accessTokenExpiresUtc": "2024-12-01T12:00:00Z",
                               "accessTokenType": "bearer"}
        })
    );
}

#[test]
fn create_assignment_for_the_token_subject_sends_no_device() {
    let body = CreateAssignment::for_token_subject(QosProfileName::parse("QOS_M").unwrap());
    let request = CreateAssignmentOp::new(body)
        .to_request(&v1(), None)
        .unwrap();
    assert_shape(
        &request,
        "POST",
        "https://api.example.com/qos-provisioning/v0.3/qos-assignments",
        true,
    );
    assert_eq!(body_json(&request), json!({"qosProfile": "QOS_M"}));
}

#[test]
fn get_revoke_and_retrieve_assignments() {
    let base = "https://api.example.com/qos-provisioning/v0.3";
    let get = GetAssignmentOp::new(assignment_id())
        .to_request(&v1(), None)
        .unwrap();
    assert_shape(&get, "GET", &format!("{base}/qos-assignments/{ID}"), false);
    let revoke = RevokeAssignmentOp::new(assignment_id())
        .to_request(&v1(), None)
        .unwrap();
    assert_shape(
        &revoke,
        "DELETE",
        &format!("{base}/qos-assignments/{ID}"),
        false,
    );
    let by_device = RetrieveAssignmentOp::new(Some(Device::with_phone_number(
        PhoneNumber::parse("+123456789").unwrap(),
    )))
    .to_request(&v1(), None)
    .unwrap();
    assert_shape(
        &by_device,
        "POST",
        &format!("{base}/retrieve-qos-assignment"),
        true,
    );
    assert_eq!(
        body_json(&by_device),
        json!({"device": {"phoneNumber": "+123456789"}})
    );
    let three_legged = RetrieveAssignmentOp::default()
        .to_request(&v1(), None)
        .unwrap();
    assert_eq!(body_json(&three_legged), json!({}));
}

#[test]
fn assignments_go_where_the_endpoint_puts_provisioning() {
    let endpoint = Endpoint::builder("https://api.example.com/qod/v0")
        .qos_provisioning_url("https://provisioning.example.com/qos-provisioning/v0.3/")
        .build()
        .unwrap();
    let request = GetAssignmentOp::new(assignment_id())
        .to_request(&endpoint, None)
        .unwrap();
    assert_eq!(
        request.uri(),
        &*format!("https://provisioning.example.com/qos-provisioning/v0.3/qos-assignments/{ID}")
    );
}

#[test]
fn tmobile_offers_no_provisioning_and_nothing_is_built() {
    let tmobile = Endpoint::tmobile_production();
    let results = [
        CreateAssignmentOp::new(create_assignment_body())
            .to_request(&tmobile, None)
            .map(drop),
        GetAssignmentOp::new(assignment_id())
            .to_request(&tmobile, None)
            .map(drop),
        RevokeAssignmentOp::new(assignment_id())
            .to_request(&tmobile, None)
            .map(drop),
        RetrieveAssignmentOp::default()
            .to_request(&tmobile, None)
            .map(drop),
    ];
    let names = [
        "createQosAssignment",
        "getQosAssignmentById",
        "revokeQosAssignment",
        "getQosAssignmentByDevice",
    ];
    for (result, name) in results.into_iter().zip(names) {
        let error = result.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Unsupported { operation, api: Api::QosProvisioning, version: ApiVersion::V0_10 } if *operation == name),
            "{error:?}"
        );
        assert!(error.is_invalid_input());
        assert_eq!(
            error.to_string(),
            format!("{name} needs QoS Provisioning, which this endpoint (QoD 0.10) does not serve")
        );
    }
}

#[test]
fn only_requests_safe_to_replay_may_use_a_pooled_connection() {
    let create = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
        QosProfileName::parse("QOS_E").unwrap(),
    )
    .with_application_server(ApplicationServer::ipv4("198.51.100.1".parse().unwrap()))
    .with_duration(600);
    let endpoint = v1();
    let may_pool = |request: Request<Vec<u8>>| qod_core::may_use_pooled_connection(&request);
    // Reads, the read-only POSTs of 1.x included.
    assert!(may_pool(
        GetSessionOp::new(id()).to_request(&endpoint, None).unwrap()
    ));
    assert!(may_pool(
        DeleteSessionOp::new(id())
            .to_request(&endpoint, None)
            .unwrap()
    ));
    assert!(may_pool(
        RetrieveSessionsOp::new(None)
            .to_request(&endpoint, None)
            .unwrap()
    ));
    assert!(may_pool(
        ListQosProfilesOp::default()
            .to_request(&endpoint, None)
            .unwrap()
    ));
    assert!(may_pool(
        GetAssignmentOp::new(assignment_id())
            .to_request(&endpoint, None)
            .unwrap()
    ));
    assert!(may_pool(
        RevokeAssignmentOp::new(assignment_id())
            .to_request(&endpoint, None)
            .unwrap()
    ));
    assert!(may_pool(
        RetrieveAssignmentOp::default()
            .to_request(&endpoint, None)
            .unwrap()
    ));
    assert!(!may_pool(
        CreateAssignmentOp::new(create_assignment_body())
            .to_request(&endpoint, None)
            .unwrap()
    ));
    // Creating (a session or an assignment) and extending never.
    assert!(!may_pool(
        CreateSessionOp::new(create)
            .to_request(&endpoint, None)
            .unwrap()
    ));
    assert!(!may_pool(
        ExtendSessionOp::new(id(), 60)
            .to_request(&endpoint, None)
            .unwrap()
    ));
}
