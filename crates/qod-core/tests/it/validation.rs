//! Bad input is refused before a request exists, naming the field and the rule.

#![allow(clippy::unwrap_used)]

use qod_core::operations::{
    CreateAssignmentOp, CreateSessionOp, ExtendSessionOp, ListQosProfilesOp, RetrieveAssignmentOp,
};
use qod_core::{Endpoint, EndpointBuilder, Error, ErrorKind, Operation};
use qod_models::{
    ApplicationServer, CreateAssignment, CreateSession, CredentialType, Device, DeviceIpv4Address,
    Ipv4Network, Ipv6Network, NetworkAccessIdentifier, NotificationToken, NotificationUrl,
    PhoneNumber, Port, PortRange, PortsSpec, QosProfileFilter, QosProfileName, SessionId,
    SinkCredential, SinkUrl, Timestamp, ValidationError, Webhook, XCorrelator,
};

fn v0() -> Endpoint {
    Endpoint::new("https://api.example.com/qod/v0").unwrap()
}

fn v1() -> Endpoint {
    Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap()
}

fn good_body() -> CreateSession {
    CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
        QosProfileName::parse("QOS_E").unwrap(),
    )
    .with_application_server(ApplicationServer::ipv4("198.51.100.1".parse().unwrap()))
    .with_duration(3600)
}

/// The create request is refused with `field`, and its rule mentions `rule_part`.
fn refused(body: CreateSession, endpoint: &Endpoint, field: &str, rule_part: &str) {
    match CreateSessionOp::new(body)
        .to_request(endpoint, None)
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Invalid(error)) => {
            assert_eq!(error.field(), field, "{error}");
            assert!(
                error.rule().contains(rule_part),
                "{error} should mention {rule_part:?}"
            );
        }
        other => panic!("expected {field} to be refused, got {other:?}"),
    }
}

fn newtype_refused(
    result: Result<impl std::fmt::Debug, ValidationError>,
    field: &str,
    rule_part: &str,
) {
    let error = result.unwrap_err();
    assert_eq!(error.field(), field, "{error}");
    assert!(
        error.rule().contains(rule_part),
        "{error} should mention {rule_part:?}"
    );
}

#[test]
fn good_bodies_pass_in_both_versions() {
    assert!(
        CreateSessionOp::new(good_body())
            .to_request(&v0(), None)
            .is_ok()
    );
    assert!(
        CreateSessionOp::new(good_body())
            .to_request(&v1(), None)
            .is_ok()
    );
}

#[test]
fn newtype_rules() {
    // 1-5 phone numbers
    newtype_refused(PhoneNumber::parse("+1234"), "phoneNumber", "[0-9]{5,15}");
    newtype_refused(
        PhoneNumber::parse("1234567890123456"),
        "phoneNumber",
        "[0-9]{5,15}",
    );
    newtype_refused(PhoneNumber::parse("+1 425 000"), "phoneNumber", "E.164");
    newtype_refused(
        PhoneNumber::parse("tel:+14250000000"),
        "phoneNumber",
        "E.164",
    );
    newtype_refused(PhoneNumber::parse(""), "phoneNumber", "E.164");
    // 6-7 network access identifier
    newtype_refused(
        NetworkAccessIdentifier::parse("no-domain"),
        "networkAccessIdentifier",
        "@domain",
    );
    newtype_refused(
        NetworkAccessIdentifier::parse("@domain.com"),
        "networkAccessIdentifier",
        "@domain",
    );
    // 8-11 application server addresses
    newtype_refused(
        "198.51.100.0/33".parse::<Ipv4Network>(),
        "ipv4Address",
        "0..=32",
    );
    newtype_refused("198.51.100".parse::<Ipv4Network>(), "ipv4Address", "IPv4");
    newtype_refused(
        "2001:db8::/129".parse::<Ipv6Network>(),
        "ipv6Address",
        "0..=128",
    );
    newtype_refused("2001:db8::g".parse::<Ipv6Network>(), "ipv6Address", "IPv6");
    // 12-14 ports
    newtype_refused(Port::try_from(65536_i64), "port", "0..=65535");
    newtype_refused(Port::try_from(-1_i64), "port", "0..=65535");
    newtype_refused(PortRange::new(5020, 5010), "from", "greater than `to`");
    // 15-16 ports from the command-line form
    newtype_refused("5010-".parse::<PortsSpec>(), "ports[0]", "whole number");
    newtype_refused("80,,443".parse::<PortsSpec>(), "ports[1]", "empty");
    // 17-19 QoS profile names
    newtype_refused(QosProfileName::parse("QS"), "qosProfile", "3..=256");
    newtype_refused(
        QosProfileName::parse("q".repeat(257)),
        "qosProfile",
        "3..=256",
    );
    newtype_refused(
        QosProfileName::parse("QOS VC"),
        "qosProfile",
        "^[a-zA-Z0-9_.-]+$",
    );
    // 20 session id
    newtype_refused(SessionId::parse("session-1"), "sessionId", "UUID");
    // 21-22 correlator
    newtype_refused(XCorrelator::parse("a b"), "x-correlator", "not allowed");
    newtype_refused(XCorrelator::parse("c".repeat(257)), "x-correlator", "256");
    // 23-24 notification token
    newtype_refused(
        NotificationToken::parse("too-short"),
        "notificationAuthToken",
        "20..=256",
    );
    newtype_refused(
        NotificationToken::parse("t".repeat(257)),
        "notificationAuthToken",
        "20..=256",
    );
    // 25-27 sink and webhook URLs
    newtype_refused(
        SinkUrl::parse("http://app.example.com/sink"),
        "sink",
        "https",
    );
    newtype_refused(
        SinkUrl::parse("app.example.com/sink"),
        "sink",
        "absolute URL",
    );
    newtype_refused(
        NotificationUrl::parse("mailto:ops@example.com"),
        "notificationUrl",
        "absolute URL",
    );
}

#[test]
fn create_session_rules() {
    // 28 no device in 0.10
    let mut body = good_body();
    body.device = None;
    refused(body, &v0(), "device", "required");
    // 29 empty device
    let mut body = good_body();
    body.device = Some(Device::default());
    refused(body, &v1(), "device", "at least one");
    // 30 IPv4 device without private address or port
    let mut body = good_body();
    body.device = Some(Device::with_ipv4(DeviceIpv4Address {
        public_address: "203.0.113.1".parse().unwrap(),
        private_address: None,
        public_port: None,
    }));
    refused(
        body,
        &v0(),
        "device.ipv4Address",
        "privateAddress or publicPort",
    );
    // 31 1.x phone number without '+'
    let mut body = good_body();
    body.device = Some(Device::with_phone_number(
        PhoneNumber::parse("14250000000").unwrap(),
    ));
    refused(body, &v1(), "device.phoneNumber", "^\\+[1-9]");
    // 32 missing application server (CAMARA)
    let mut body = good_body();
    body.application_server = None;
    refused(body, &v1(), "applicationServer", "required");
    // 33 empty application server
    refused(
        good_body().with_application_server(ApplicationServer::default()),
        &v0(),
        "applicationServer",
        "ipv4Address or ipv6Address",
    );
    // 34 empty ports spec
    refused(
        good_body().with_device_ports(PortsSpec::default()),
        &v0(),
        "devicePorts",
        "minProperties",
    );
    // 35 reversed range given field by field
    let reversed = PortsSpec {
        ranges: Some(vec![PortRange {
            from: Port::new(9000),
            to: Port::new(8000),
        }]),
        ports: None,
    };
    refused(
        good_body().with_application_server_ports(reversed),
        &v1(),
        "applicationServerPorts.ranges[0].from",
        "greater",
    );
    // 36 empty port list
    let empty = PortsSpec {
        ranges: None,
        ports: Some(vec![]),
    };
    refused(
        good_body().with_device_ports(empty),
        &v1(),
        "devicePorts.ports",
        "minItems",
    );
    // 37-39 durations
    refused(good_body().with_duration(0), &v0(), "duration", "1..=86400");
    refused(
        good_body().with_duration(86_401),
        &v0(),
        "duration",
        "1..=86400",
    );
    refused(
        good_body().with_duration(59),
        &Endpoint::tmobile_production(),
        "duration",
        "60..=86400",
    );
    // 40 duration missing in 1.x
    let mut body = good_body();
    body.duration = None;
    refused(body, &v1(), "duration", "required in QoD 1.x");
    // 41 webhook sent to 1.x
    let webhook = Webhook {
        notification_url: NotificationUrl::parse("https://app.example.com").unwrap(),
        notification_auth_token: None,
    };
    refused(good_body().with_webhook(webhook), &v1(), "webhook", "sink");
    // 42 sink sent to 0.10
    refused(
        good_body().with_sink(SinkUrl::parse("https://a.example").unwrap(), None),
        &v0(),
        "sink",
        "webhook",
    );
    // 43 sink credential of a kind 1.1.0 forbids
    let expires = Timestamp::from_unix(2_000_000_000).unwrap();
    let mut plain = SinkCredential::access_token("t", expires);
    plain.credential_type = CredentialType::Plain;
    refused(
        good_body().with_sink(SinkUrl::parse("https://a.example").unwrap(), Some(plain)),
        &v1(),
        "sinkCredential.credentialType",
        "ACCESSTOKEN",
    );
    // 44 sink credential without a sink
    let mut body = good_body();
    body.sink_credential = Some(SinkCredential::access_token("t", expires));
    refused(body, &v1(), "sinkCredential", "sink");
}

#[test]
fn rules_for_what_is_sent_beyond_what_parses() {
    // A webhook to a plain-http host: https, as for a sink.
    let webhook = |url: &str| Webhook {
        notification_url: NotificationUrl::parse(url).unwrap(),
        notification_auth_token: None,
    };
    refused(
        good_body().with_webhook(webhook("http://app.example.com/cb")),
        &v0(),
        "webhook.notificationUrl",
        "https",
    );
    assert!(
        CreateSessionOp::new(good_body().with_webhook(webhook("http://127.0.0.1:9000/cb")))
            .to_request(&v0(), None)
            .is_ok(),
        "loopback listeners keep working"
    );
    // User credentials or a port out of range in notification URLs.
    refused(
        good_body().with_webhook(webhook("https://u:p@app.example.com/cb")),
        &v0(),
        "webhook.notificationUrl",
        "credentials",
    );
    refused(
        good_body().with_webhook(webhook("https://app.example.com:99999/cb")),
        &v0(),
        "webhook.notificationUrl",
        "1..=65535",
    );
    refused(
        good_body().with_sink(SinkUrl::parse("https://u:p@a.example").unwrap(), None),
        &v1(),
        "sink",
        "credentials",
    );
    // An application-server network with host bits set.
    refused(
        good_body()
            .with_application_server(ApplicationServer::ipv4("198.51.100.7/24".parse().unwrap())),
        &v1(),
        "applicationServer.ipv4Address",
        "198.51.100.0/24",
    );
    refused(
        good_body().with_application_server(ApplicationServer {
            ipv4_address: None,
            ipv6_address: Some("2001:db8::1/64".parse().unwrap()),
        }),
        &v1(),
        "applicationServer.ipv6Address",
        "2001:db8::/64",
    );
    // A device's public port 0.
    let mut body = good_body();
    body.device = Some(Device::with_ipv4(DeviceIpv4Address::with_port(
        "203.0.113.1".parse().unwrap(),
        0,
    )));
    refused(body, &v1(), "device.ipv4Address.publicPort", "1..=65535");
}

#[test]
fn other_operation_rules() {
    let id: SessionId = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
    // 45-47 extension length
    for (seconds, endpoint, rule) in [
        (0, v1(), "1..="),
        (86_400, v0(), "1..=86399"),
        (0, v0(), "1..=86399"),
    ] {
        match ExtendSessionOp::new(id, seconds)
            .to_request(&endpoint, None)
            .map_err(Error::into_kind)
        {
            Err(ErrorKind::Invalid(e)) => {
                assert_eq!(e.field(), "requestedAdditionalDuration");
                assert!(e.rule().contains(rule), "{e}");
            }
            other => panic!("{seconds}: {other:?}"),
        }
    }
    // 48 device filter on 0.10 profiles
    let filter = QosProfileFilter {
        device: Some(Device::with_phone_number(
            PhoneNumber::parse("+14250000000").unwrap(),
        )),
        ..QosProfileFilter::default()
    };
    match ListQosProfilesOp::new(filter)
        .to_request(&v0(), None)
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Invalid(e)) => assert_eq!(e.field(), "device"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_assignment_rules() {
    let profile = || QosProfileName::parse("QOS_L").unwrap();
    let phone = |number: &str| Device::with_phone_number(PhoneNumber::parse(number).unwrap());
    let expires = Timestamp::parse_rfc3339("2030-01-01T00:00:00Z").unwrap();
    let sink = || SinkUrl::parse("https://app.example.com/cb").unwrap();
    let endpoint = Endpoint::from_api_root("https://api.example.com").unwrap();
    let check = |body: CreateAssignment| {
        CreateAssignmentOp::new(body)
            .to_request(&endpoint, None)
            .map(drop)
    };
    for good in [
        CreateAssignment::new(phone("+14250000000"), profile()),
        CreateAssignment::for_token_subject(profile()),
        CreateAssignment::new(phone("+14250000000"), profile())
            .with_sink(sink(), Some(SinkCredential::access_token("t", expires))),
        CreateAssignment::new(
            Device::with_ipv4(DeviceIpv4Address::with_private(
                "203.0.113.1".parse().unwrap(),
                "10.0.0.1".parse().unwrap(),
            )),
            profile(),
        )
        .with_sink(sink(), None),
    ] {
        assert!(check(good.clone()).is_ok(), "{good:?}");
    }
    let mut plain = SinkCredential::access_token("t", expires);
    plain.credential_type = CredentialType::Plain;
    let mut no_sink = CreateAssignment::new(phone("+14250000000"), profile());
    no_sink.sink_credential = Some(SinkCredential::access_token("t", expires));
    for (body, field, rule) in [
        (
            CreateAssignment::new(phone("14250000000"), profile()),
            "device.phoneNumber",
            "QoS Provisioning",
        ),
        (
            CreateAssignment::new(phone("+04250000000"), profile()),
            "device.phoneNumber",
            "^\\+[1-9]",
        ),
        (
            CreateAssignment::new(Device::default(), profile()),
            "device",
            "at least one",
        ),
        (
            CreateAssignment::new(
                Device::with_ipv4(DeviceIpv4Address {
                    public_address: "203.0.113.1".parse().unwrap(),
                    private_address: None,
                    public_port: None,
                }),
                profile(),
            ),
            "device.ipv4Address",
            "privateAddress or publicPort",
        ),
        (
            CreateAssignment::for_token_subject(profile()).with_sink(
                SinkUrl::parse("https://u:p@app.example.com/cb").unwrap(),
                None,
            ),
            "sink",
            "credentials",
        ),
        (
            CreateAssignment::for_token_subject(profile()).with_sink(sink(), Some(plain)),
            "sinkCredential.credentialType",
            "ACCESSTOKEN",
        ),
        (no_sink, "sinkCredential", "with a sink"),
    ] {
        match check(body).map_err(Error::into_kind) {
            Err(ErrorKind::Invalid(error)) => {
                assert_eq!(error.field(), field, "{error}");
                assert!(error.rule().contains(rule), "{error}: {rule}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    // Finding a device's assignment checks the device by the same rules.
    match RetrieveAssignmentOp::new(Some(phone("14250000000")))
        .to_request(&endpoint, None)
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Invalid(error)) => assert_eq!(error.field(), "device.phoneNumber"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn endpoint_rules() {
    // 49-52 endpoints
    for (url, reason) in [
        ("http://api.example.com/qod/v0", "plain http"),
        ("https://api.example.com/qod", "API version"),
        ("https://u:p@api.example.com/qod/v0", "credentials"),
        ("gopher://api.example.com/qod/v0", "not supported"),
        ("http://127.0.0.1:99999/qod/v0", "1..=65535"),
        ("https://api.example.com:65536/qod/v0", "1..=65535"),
    ] {
        let error = Endpoint::new(url).unwrap_err();
        assert!(error.reason().contains(reason), "{url}: {error}");
    }
    let builder: EndpointBuilder = Endpoint::builder("https://api.example.com/x");
    assert!(builder.build().is_err());
}
