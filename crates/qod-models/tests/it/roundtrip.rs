//! Property tests: every model survives a trip through JSON unchanged.

#![allow(clippy::unwrap_used)]

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use qod_models::*;

fn phone() -> impl Strategy<Value = PhoneNumber> {
    "\\+?[0-9]{5,15}".prop_map(|s| PhoneNumber::parse(s).unwrap())
}

fn profile_name() -> impl Strategy<Value = QosProfileName> {
    "[a-zA-Z0-9_.-]{3,40}".prop_map(|s| QosProfileName::parse(s).unwrap())
}

fn port() -> impl Strategy<Value = Port> {
    any::<u16>().prop_map(Port::new)
}

fn ports_spec() -> impl Strategy<Value = PortsSpec> {
    (
        option::of(vec((any::<u16>(), any::<u16>()), 1..4)),
        option::of(vec(port(), 1..4)),
    )
        .prop_map(|(ranges, ports)| PortsSpec {
            ranges: ranges.map(|r| {
                r.into_iter()
                    .map(|(a, b)| PortRange::new(a.min(b), a.max(b)).unwrap())
                    .collect()
            }),
            ports,
        })
}

fn device() -> impl Strategy<Value = Device> {
    (
        option::of(phone()),
        option::of(
            "[a-z0-9]{1,10}@[a-z]{1,10}\\.com"
                .prop_map(|s| NetworkAccessIdentifier::parse(s).unwrap()),
        ),
        option::of((
            any::<[u8; 4]>(),
            option::of(any::<[u8; 4]>()),
            option::of(port()),
        )),
        option::of(any::<[u8; 16]>()),
    )
        .prop_map(|(phone_number, nai, ipv4, ipv6)| Device {
            phone_number,
            network_access_identifier: nai,
            ipv4_address: ipv4.map(|(public, private, port)| DeviceIpv4Address {
                public_address: public.into(),
                private_address: private.map(Into::into),
                public_port: port,
            }),
            ipv6_address: ipv6.map(Into::into),
        })
}

fn application_server() -> impl Strategy<Value = ApplicationServer> {
    (
        option::of((any::<[u8; 4]>(), option::of(0_u8..=32))),
        option::of((any::<[u8; 16]>(), option::of(0_u8..=128))),
    )
        .prop_map(|(v4, v6)| ApplicationServer {
            ipv4_address: v4.map(|(a, p)| match p {
                Some(p) => Ipv4Network::with_prefix(a.into(), p).unwrap(),
                None => Ipv4Network::host(a.into()),
            }),
            ipv6_address: v6.map(|(a, p)| match p {
                Some(p) => Ipv6Network::with_prefix(a.into(), p).unwrap(),
                None => Ipv6Network::host(a.into()),
            }),
        })
}

/// A string that is not one of `known`, so it stays `Unknown` on the way back.
fn open_value<T: Clone + std::fmt::Debug + From<String> + 'static>(
    known: &'static [T],
) -> impl Strategy<Value = T> {
    prop_oneof![
        (0..known.len()).prop_map(move |i| known[i].clone()),
        "[a-z]{1,8}_unknown".prop_map(T::from),
    ]
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0_i64..4_000_000_000, any::<bool>()).prop_map(|(seconds, unix)| {
        let ts = Timestamp::from_unix(seconds).unwrap();
        if unix {
            ts
        } else {
            ts.with_format(TimestampFormat::Rfc3339)
        }
    })
}

fn webhook() -> impl Strategy<Value = Webhook> {
    (
        "https://[a-z]{1,10}\\.example/[a-z]{0,8}",
        option::of("[a-zA-Z0-9]{20,40}"),
    )
        .prop_map(|(url, token)| Webhook {
            notification_url: NotificationUrl::parse(url).unwrap(),
            notification_auth_token: token.map(|t| NotificationToken::parse(t).unwrap()),
        })
}

fn sink_credential() -> impl Strategy<Value = SinkCredential> {
    ("[a-zA-Z0-9]{1,30}", timestamp()).prop_map(|(token, expires)| {
        SinkCredential::access_token(token, expires.with_format(TimestampFormat::Rfc3339))
    })
}

fn session_info() -> impl Strategy<Value = SessionInfo> {
    (
        (
            any::<u128>(),
            option::of(device()),
            option::of(application_server()),
            option::of(ports_spec()),
            option::of(ports_spec()),
        ),
        (
            profile_name(),
            option::of(webhook()),
            option::of("https://[a-z]{1,10}\\.example/s"),
            option::of(sink_credential()),
        ),
        (
            1_u32..=86_400,
            option::of(timestamp()),
            option::of(timestamp()),
        ),
        (
            open_value(QosStatus::KNOWN),
            option::of(open_value(StatusInfo::KNOWN)),
        ),
        option::of(vec((open_value(Severity::KNOWN), ".{0,20}"), 0..3)),
    )
        .prop_map(
            |(
                (id, device, server, dports, sports),
                (profile, webhook, sink, credential),
                (duration, started, expires),
                (status, info),
                messages,
            )| {
                fn echo<T: serde::Serialize>(value: Option<T>) -> Option<Echoed<T>> {
                    value.map(|v| Echoed::new(v).unwrap())
                }
                SessionInfo {
                    session_id: SessionId::new(uuid::Uuid::from_u128(id)),
                    device: echo(device.map(DeviceInfo::from)),
                    application_server: echo(server.map(ApplicationServerInfo::from)),
                    device_ports: echo(dports),
                    application_server_ports: echo(sports),
                    qos_profile: profile,
                    webhook: echo(webhook.map(WebhookInfo::from)),
                    sink: echo(sink),
                    sink_credential: echo(credential),
                    duration,
                    started_at: started,
                    expires_at: expires,
                    qos_status: status,
                    status_info: info,
                    messages: messages.map(|m| {
                        m.into_iter()
                            .map(|(severity, description)| Message {
                                severity,
                                description,
                            })
                            .collect()
                    }),
                }
            },
        )
}

fn create_session() -> impl Strategy<Value = CreateSession> {
    (
        option::of(device()),
        option::of(application_server()),
        option::of(ports_spec()),
        profile_name(),
        option::of(1_u32..=86_400),
        option::of(webhook()),
        option::of(sink_credential()),
    )
        .prop_map(
            |(device, server, ports, profile, duration, webhook, credential)| CreateSession {
                device,
                application_server: server,
                device_ports: ports.clone(),
                application_server_ports: ports,
                qos_profile: profile,
                duration,
                webhook,
                sink: credential
                    .as_ref()
                    .map(|_| SinkUrl::parse("https://sink.example/n").unwrap()),
                sink_credential: credential,
            },
        )
}

fn duration_spec() -> impl Strategy<Value = DurationSpec> {
    (
        option::of(1_u32..100_000),
        option::of(open_value(TimeUnit::KNOWN)),
    )
        .prop_map(|(value, unit)| DurationSpec { value, unit })
}

fn rate() -> impl Strategy<Value = Rate> {
    (
        option::of(0_u32..=1024),
        option::of(open_value(RateUnit::KNOWN)),
    )
        .prop_map(|(value, unit)| Rate { value, unit })
}

fn qos_profile() -> impl Strategy<Value = QosProfile> {
    (
        (
            profile_name(),
            option::of(".{0,30}"),
            open_value(QosProfileStatus::KNOWN),
        ),
        option::of(vec(("[A-Z]{2}", option::of(vec("[0-9]{5,6}", 0..3))), 0..3)),
        (
            option::of(rate()),
            option::of(rate()),
            option::of(rate()),
            option::of(rate()),
        ),
        (
            option::of(duration_spec()),
            option::of(duration_spec()),
            option::of(duration_spec()),
        ),
        (option::of(1_u32..=100), option::of(1_u32..=10)),
        (
            option::of(open_value(L4sQueueType::KNOWN)),
            option::of(open_value(ServiceClass::KNOWN)),
        ),
    )
        .prop_map(
            |(
                (name, description, status),
                countries,
                (r1, r2, r3, r4),
                (d1, d2, d3),
                (priority, loss),
                (l4s, class),
            )| {
                let mut profile = QosProfile::new(name, status);
                profile.description = description;
                profile.country_availability = countries.map(|c| {
                    c.into_iter()
                        .map(|(country_name, networks)| CountryAvailability {
                            country_name,
                            networks,
                        })
                        .collect()
                });
                profile.target_min_upstream_rate = r1;
                profile.max_upstream_rate = r2;
                profile.target_min_downstream_rate = r3;
                profile.max_downstream_burst_rate = r4;
                profile.min_duration = d1;
                profile.max_duration = d2;
                profile.jitter = d3;
                profile.priority = priority;
                profile.packet_error_loss_rate = loss;
                profile.l4s_queue_type = l4s;
                profile.service_class = class;
                profile
            },
        )
}

fn event() -> impl Strategy<Value = QosStatusChangedEvent> {
    (
        "[a-z0-9-]{1,36}",
        any::<u128>(),
        open_value(EventType::KNOWN),
        timestamp(),
        open_value(QosStatus::KNOWN),
        option::of(open_value(StatusInfo::KNOWN)),
    )
        .prop_map(
            |(id, session, event_type, time, status, info)| QosStatusChangedEvent {
                id,
                source: "https://api.example.com/qod/v0/sessions".to_owned(),
                specversion: "1.0".to_owned(),
                event_type,
                time: time.with_format(TimestampFormat::Rfc3339),
                datacontenttype: Some("application/json".to_owned()),
                data: QosStatusChangedData {
                    session_id: SessionId::new(uuid::Uuid::from_u128(session)),
                    qos_status: status,
                    status_info: info,
                },
            },
        )
}

fn assignment_info() -> impl Strategy<Value = AssignmentInfo> {
    (
        (any::<u128>(), option::of(device()), profile_name()),
        (
            option::of("https://[a-z]{1,10}\\.example/s"),
            option::of(sink_credential()),
        ),
        (
            option::of(timestamp()),
            open_value(QosStatus::KNOWN),
            option::of(open_value(AssignmentStatusInfo::KNOWN)),
        ),
    )
        .prop_map(
            |((id, device, profile), (sink, credential), (started, status, info))| AssignmentInfo {
                assignment_id: AssignmentId::new(uuid::Uuid::from_u128(id)),
                device: device.map(|d| Echoed::new(DeviceInfo::from(d)).unwrap()),
                qos_profile: profile,
                sink: sink.map(|s| Echoed::new(s).unwrap()),
                sink_credential: credential.map(|c| Echoed::new(c).unwrap()),
                started_at: started,
                status,
                status_info: info,
            },
        )
}

fn create_assignment() -> impl Strategy<Value = CreateAssignment> {
    (
        option::of(device()),
        profile_name(),
        option::of(sink_credential()),
    )
        .prop_map(|(device, profile, credential)| CreateAssignment {
            device,
            qos_profile: profile,
            sink: credential
                .as_ref()
                .map(|_| SinkUrl::parse("https://sink.example/n").unwrap()),
            sink_credential: credential,
        })
}

fn assignment_event() -> impl Strategy<Value = AssignmentStatusChangedEvent> {
    (
        "[a-z0-9-]{1,36}",
        any::<u128>(),
        open_value(AssignmentEventType::KNOWN),
        timestamp(),
        open_value(QosStatus::KNOWN),
        option::of(open_value(AssignmentStatusInfo::KNOWN)),
    )
        .prop_map(|(id, assignment, event_type, time, status, info)| {
            AssignmentStatusChangedEvent {
                id,
                source: "https://api.example.com/qos-provisioning/v0.3/qos-assignments".to_owned(),
                specversion: "1.0".to_owned(),
                event_type,
                time: time.with_format(TimestampFormat::Rfc3339),
                datacontenttype: None,
                data: AssignmentStatusChangedData {
                    assignment_id: AssignmentId::new(uuid::Uuid::from_u128(assignment)),
                    status,
                    status_info: info,
                },
            }
        })
}

fn round_trip<T>(value: &T) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let json = serde_json::to_vec(value).unwrap();
    serde_json::from_slice(&json).unwrap()
}

proptest! {
    // Failures persist beside this file, in roundtrip.proptest-regressions:
    // by default proptest would put them in tests/proptest-regressions/, as
    // tests/it has a main.rs.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::with_cases(500)
    })]

    #[test]
    fn session_info_round_trips(info in session_info()) {
        prop_assert_eq!(round_trip(&info), info);
    }

    #[test]
    fn create_session_round_trips(body in create_session()) {
        prop_assert_eq!(round_trip(&body), body);
    }

    #[test]
    fn qos_profile_round_trips(profile in qos_profile()) {
        prop_assert_eq!(round_trip(&profile), profile);
    }

    #[test]
    fn event_round_trips(event in event()) {
        prop_assert_eq!(round_trip(&event), event);
    }

    #[test]
    fn assignment_info_round_trips(info in assignment_info()) {
        prop_assert_eq!(round_trip(&info), info);
    }

    #[test]
    fn create_assignment_round_trips(body in create_assignment()) {
        prop_assert_eq!(round_trip(&body), body);
    }

    #[test]
    fn assignment_event_round_trips(event in assignment_event()) {
        prop_assert_eq!(round_trip(&event), event);
    }

    #[test]
    fn error_info_round_trips(status in any::<i64>(), code in open_value(ErrorCode::KNOWN), message in ".{0,40}") {
        let info = ErrorInfo::new(status, code, message);
        prop_assert_eq!(round_trip(&info), info);
    }

    #[test]
    fn ports_spec_text_form_round_trips(spec in ports_spec()) {
        prop_assume!(spec.validate().is_ok());
        let text: Vec<String> = spec.ranges.iter().flatten().map(|r| format!("{}-{}", r.from, r.to))
            .chain(spec.ports.iter().flatten().map(|p| p.to_string())).collect();
        let parsed: PortsSpec = text.join(",").parse().unwrap();
        prop_assert_eq!(parsed, spec);
    }

    #[test]
    fn validated_strings_never_panic(text in ".{0,300}") {
        let _ = PhoneNumber::parse(text.clone());
        let _ = QosProfileName::parse(text.clone());
        let _ = XCorrelator::parse(text.clone());
        let _ = SinkUrl::parse(text.clone());
        let _ = NotificationUrl::parse(text.clone());
        let _ = NetworkAccessIdentifier::parse(text.clone());
        let _ = NotificationToken::parse(text.clone());
        let _ = text.parse::<Ipv4Network>();
        let _ = text.parse::<Ipv6Network>();
        let _ = text.parse::<PortsSpec>();
        let _ = SessionId::parse(&text);
        let _ = AssignmentId::parse(&text);
    }
}
