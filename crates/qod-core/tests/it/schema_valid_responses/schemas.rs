//! The response schemas of QoD 0.10.1, quality-on-demand 1.1.0,
//! qos-profiles 1.1.0 and qos-provisioning 0.3.0, written out by hand as proptest strategies that build
//! JSON the schemas allow: any string where a schema says `string`, any
//! `int64` where it says `int64`, `int32` within the schema's bounds, any
//! subset of the optional properties, and properties the schema does not
//! name (it never forbids them). Nothing here is derived from qod's types.

#![allow(dead_code)]

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

pub type Json = BoxedStrategy<Value>;

/// Whether an object must have a property.
#[derive(Clone, Copy)]
pub enum Presence {
    Required,
    Optional,
}
use Presence::{Optional, Required};

/// Any JSON at all, for the properties a schema does not name.
pub fn any_json() -> Json {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(Value::Array),
            btree_map(any::<String>(), inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// An object of `properties`, each required one present and each optional
/// one present or not, plus up to three properties with other names.
pub fn object(
    properties: Vec<(&'static str, Json, Presence)>,
) -> BoxedStrategy<Map<String, Value>> {
    let known: Vec<&'static str> = properties.iter().map(|(name, _, _)| *name).collect();
    let present: Vec<BoxedStrategy<Option<(String, Value)>>> = properties
        .into_iter()
        .map(|(name, value, presence)| {
            let pair = value.prop_map(move |v| (name.to_owned(), v));
            match presence {
                Required => pair.prop_map(Some).boxed(),
                Optional => option::of(pair).boxed(),
            }
        })
        .collect();
    let extra_name = prop_oneof![any::<String>(), "[a-z][a-zA-Z]{0,12}"]
        // `id` is where T-Mobile puts the session id: not an unknown name to qod.
        .prop_filter("a name the schema does not use", move |name| {
            !known.contains(&name.as_str()) && name != "id"
        });
    (present, btree_map(extra_name, any_json(), 0..3))
        .prop_map(|(present, extra): (_, BTreeMap<String, Value>)| {
            let mut map: Map<String, Value> = extra.into_iter().collect();
            map.extend(present.into_iter().flatten());
            map
        })
        .boxed()
}

pub fn to_json(map: BoxedStrategy<Map<String, Value>>) -> Json {
    map.prop_map(Value::Object).boxed()
}

/// `minProperties: 1`.
pub fn non_empty(map: BoxedStrategy<Map<String, Value>>) -> Json {
    map.prop_filter("minProperties: 1", |m| !m.is_empty())
        .prop_map(Value::Object)
        .boxed()
}

pub fn any_string() -> Json {
    any::<String>().prop_map(Value::from).boxed()
}

pub fn int64() -> Json {
    any::<i64>().prop_map(Value::from).boxed()
}

/// `type: integer, format: int32` with the schema's bounds.
pub fn int32(min: i32, max: i32) -> Json {
    (min..=max).prop_map(Value::from).boxed()
}

/// A string `enum`.
pub fn one_of(values: &'static [&'static str]) -> Json {
    proptest::sample::select(values)
        .prop_map(Value::from)
        .boxed()
}

pub fn pattern(regex: &'static str) -> Json {
    proptest::string::string_regex(regex)
        .unwrap_or_else(|e| panic!("{regex}: {e}"))
        .prop_map(Value::from)
        .boxed()
}

/// `format: uuid`, in either case.
pub fn uuid() -> Json {
    (any::<u128>(), any::<bool>())
        .prop_map(|(n, upper)| {
            let text = uuid::Uuid::from_u128(n).hyphenated().to_string();
            Value::from(if upper { text.to_uppercase() } else { text })
        })
        .boxed()
}

/// `format: ipv4`: dotted quad, no leading zeros.
pub fn ipv4() -> Json {
    any::<[u8; 4]>()
        .prop_map(|[a, b, c, d]| Value::from(format!("{a}.{b}.{c}.{d}")))
        .boxed()
}

/// `format: ipv6`: compressed, or all eight groups zero-padded or not, in either case.
pub fn ipv6() -> Json {
    (any::<[u16; 8]>(), 0_u8..3, any::<bool>())
        .prop_map(|(groups, form, upper)| {
            let text = match form {
                0 => std::net::Ipv6Addr::from(groups).to_string(),
                1 => groups.map(|g| format!("{g:x}")).join(":"),
                _ => groups.map(|g| format!("{g:04x}")).join(":"),
            };
            Value::from(if upper { text.to_uppercase() } else { text })
        })
        .boxed()
}

/// `format: uri`: a scheme and what follows it.
pub fn uri() -> Json {
    pattern(
        "[a-zA-Z][a-zA-Z0-9+.-]{0,8}:(//[a-z0-9.-]{1,20}(:[0-9]{1,5})?)?(/[a-zA-Z0-9._~%!$&'()*+,;=:@-]{0,12}){0,3}(\\?[a-z=&]{0,10})?",
    )
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `format: date-time` (RFC 3339 §5.6): any date of the years 0000-9999,
/// `T` or `t`, fractions of any length, `Z`, `z` or an offset up to ±23:59,
/// and leap seconds (23:59:60 UTC).
pub fn date_time() -> Json {
    let date = (0_u32..=9999, 1_u32..=12, 1_u32..=31).prop_map(|(year, month, day)| {
        format!(
            "{year:04}-{month:02}-{:02}",
            day.min(days_in_month(year, month))
        )
    });
    let fraction =
        option::of("[0-9]{1,12}").prop_map(|f| f.map(|f| format!(".{f}")).unwrap_or_default());
    let offset = prop_oneof![
        Just("Z".to_owned()),
        Just("z".to_owned()),
        ("[+-]", 0_u32..=23, 0_u32..=59).prop_map(|(sign, h, m)| format!("{sign}{h:02}:{m:02}")),
    ];
    let ordinary = (
        date.clone(),
        prop_oneof![Just('T'), Just('t')],
        (0_u32..=23, 0_u32..=59, 0_u32..=59),
        fraction.clone(),
        offset,
    )
        .prop_map(|(date, t, (h, m, s), fraction, offset)| {
            format!("{date}{t}{h:02}:{m:02}:{s:02}{fraction}{offset}")
        });
    let leap_second =
        (date, fraction).prop_map(|(date, fraction)| format!("{date}T23:59:60{fraction}Z"));
    prop_oneof![20 => ordinary, 1 => leap_second]
        .prop_map(Value::from)
        .boxed()
}

/// `QosProfileName` (both versions).
pub fn qos_profile_name() -> Json {
    pattern("[a-zA-Z0-9_.-]{3,256}")
}

/// An enum, or now and then a value a later release may add.
pub fn open_enum(values: &'static [&'static str]) -> Json {
    prop_oneof![9 => one_of(values), 1 => pattern("[A-Z_]{1,20}")].boxed()
}

pub fn port() -> Json {
    int32(0, 65535)
}

/// `PortsSpec` (both versions).
pub fn ports_spec() -> Json {
    let range = to_json(object(vec![
        ("from", port(), Required),
        ("to", port(), Required),
    ]));
    non_empty(object(vec![
        (
            "ranges",
            vec(range, 1..4).prop_map(Value::Array).boxed(),
            Optional,
        ),
        (
            "ports",
            vec(port(), 1..4).prop_map(Value::Array).boxed(),
            Optional,
        ),
    ]))
}

/// `DeviceIpv4Addr`: `publicAddress` with `privateAddress`, `publicPort` or both.
pub fn device_ipv4_address() -> Json {
    prop_oneof![
        to_json(object(vec![
            ("publicAddress", ipv4(), Required),
            ("privateAddress", ipv4(), Required),
            ("publicPort", port(), Optional),
        ])),
        to_json(object(vec![
            ("publicAddress", ipv4(), Required),
            ("privateAddress", ipv4(), Optional),
            ("publicPort", port(), Required),
        ])),
    ]
    .boxed()
}

/// `ApplicationServer` (both versions): the addresses are plain strings.
pub fn application_server() -> Json {
    non_empty(object(vec![
        ("ipv4Address", any_string(), Optional),
        ("ipv6Address", any_string(), Optional),
    ]))
}

pub const QOS_STATUS: &[&str] = &["REQUESTED", "AVAILABLE", "UNAVAILABLE"];
pub const STATUS_INFO: &[&str] = &["DURATION_EXPIRED", "NETWORK_TERMINATED", "DELETE_REQUESTED"];
/// qos-provisioning 0.3.0 `StatusInfo`.
pub const ASSIGNMENT_STATUS_INFO: &[&str] = &["NETWORK_TERMINATED", "DELETE_REQUESTED"];

/// qod-api 0.10.1 `Device`: at least one identifier.
pub fn v0_device() -> Json {
    non_empty(object(vec![
        ("phoneNumber", pattern("\\+?[0-9]{5,15}"), Optional),
        ("networkAccessIdentifier", any_string(), Optional),
        ("ipv4Address", device_ipv4_address(), Optional),
        ("ipv6Address", ipv6(), Optional),
    ]))
}

/// qod-api 0.10.1 `SessionInfo` (`BaseSessionInfo` and its own properties).
pub fn v0_session_info() -> Json {
    let webhook = to_json(object(vec![
        ("notificationUrl", uri(), Required),
        ("notificationAuthToken", pattern(".{20,256}"), Optional),
    ]));
    let message = to_json(object(vec![
        ("severity", open_enum(&["INFO", "WARNING"]), Required),
        ("description", any_string(), Required),
    ]));
    to_json(object(vec![
        ("device", v0_device(), Required),
        ("applicationServer", application_server(), Required),
        ("devicePorts", ports_spec(), Optional),
        ("applicationServerPorts", ports_spec(), Optional),
        ("qosProfile", qos_profile_name(), Required),
        ("webhook", webhook, Optional),
        ("sessionId", uuid(), Required),
        ("duration", int32(1, i32::MAX), Required),
        ("startedAt", int64(), Required),
        ("expiresAt", int64(), Required),
        ("qosStatus", open_enum(QOS_STATUS), Required),
        (
            "messages",
            vec(message, 0..3).prop_map(Value::Array).boxed(),
            Optional,
        ),
    ]))
}

/// quality-on-demand 1.1.0 `DeviceResponse`: exactly one identifier. The
/// `device` of qos-provisioning 0.3.0's `AssignmentInfo` (its `Device` and
/// `DeviceResponse` together) is the same.
pub fn v1_device_response() -> Json {
    prop_oneof![
        pattern("\\+[1-9][0-9]{4,14}").prop_map(|v| ("phoneNumber", v)),
        any_string().prop_map(|v| ("networkAccessIdentifier", v)),
        device_ipv4_address().prop_map(|v| ("ipv4Address", v)),
        ipv6().prop_map(|v| ("ipv6Address", v)),
    ]
    .prop_map(|(name, value)| serde_json::json!({ name: value }))
    .boxed()
}

/// quality-on-demand 1.1.0 `SinkCredential`, by its discriminator;
/// qos-provisioning 0.3.0's is the same schema.
pub fn v1_sink_credential() -> Json {
    prop_oneof![
        to_json(object(vec![
            (
                "credentialType",
                Just(Value::from("PLAIN")).boxed(),
                Required
            ),
            ("identifier", any_string(), Required),
            ("secret", any_string(), Required),
        ])),
        to_json(object(vec![
            (
                "credentialType",
                Just(Value::from("ACCESSTOKEN")).boxed(),
                Required
            ),
            ("accessToken", any_string(), Required),
            ("accessTokenExpiresUtc", date_time(), Required),
            (
                "accessTokenType",
                Just(Value::from("bearer")).boxed(),
                Required
            ),
        ])),
        to_json(object(vec![
            (
                "credentialType",
                Just(Value::from("REFRESHTOKEN")).boxed(),
                Required
            ),
            ("accessToken", any_string(), Required),
            ("accessTokenExpiresUtc", date_time(), Required),
            (
                "accessTokenType",
                Just(Value::from("bearer")).boxed(),
                Required
            ),
            ("refreshToken", any_string(), Required),
            ("refreshTokenEndpoint", uri(), Required),
        ])),
    ]
    .boxed()
}

/// quality-on-demand 1.1.0 `SessionInfo`.
pub fn v1_session_info() -> Json {
    to_json(object(vec![
        ("device", v1_device_response(), Optional),
        ("applicationServer", application_server(), Required),
        ("devicePorts", ports_spec(), Optional),
        ("applicationServerPorts", ports_spec(), Optional),
        ("qosProfile", qos_profile_name(), Required),
        ("sink", pattern("https://.{1,40}"), Optional),
        ("sinkCredential", v1_sink_credential(), Optional),
        ("sessionId", uuid(), Required),
        ("duration", int32(1, i32::MAX), Required),
        ("startedAt", date_time(), Optional),
        ("expiresAt", date_time(), Optional),
        ("qosStatus", open_enum(QOS_STATUS), Required),
        ("statusInfo", open_enum(STATUS_INFO), Optional),
    ]))
}

/// qos-provisioning 0.3.0 `AssignmentInfo` (`BaseAssignmentInfo` and its own
/// properties; `Status` is an enum with no `type`, the same three values).
pub fn assignment_info() -> Json {
    to_json(object(vec![
        ("device", v1_device_response(), Optional),
        ("qosProfile", qos_profile_name(), Required),
        ("sink", pattern("https://.{1,40}"), Optional),
        ("sinkCredential", v1_sink_credential(), Optional),
        ("assignmentId", uuid(), Required),
        ("startedAt", date_time(), Optional),
        ("status", open_enum(QOS_STATUS), Required),
        ("statusInfo", open_enum(ASSIGNMENT_STATUS_INFO), Optional),
    ]))
}

/// quality-on-demand 1.1.0 `RetrieveSessionsOutput`.
pub fn v1_retrieve_sessions_output() -> Json {
    vec(v1_session_info(), 0..4).prop_map(Value::Array).boxed()
}

fn rate() -> Json {
    to_json(object(vec![
        ("value", int32(0, 1024), Optional),
        (
            "unit",
            open_enum(&["bps", "kbps", "Mbps", "Gbps", "Tbps"]),
            Optional,
        ),
    ]))
}

fn duration() -> Json {
    to_json(object(vec![
        ("value", int32(1, i32::MAX), Optional),
        (
            "unit",
            open_enum(&[
                "Days",
                "Hours",
                "Minutes",
                "Seconds",
                "Milliseconds",
                "Microseconds",
                "Nanoseconds",
            ]),
            Optional,
        ),
    ]))
}

/// The properties both `QosProfile` schemas share.
fn qos_profile_properties() -> Vec<(&'static str, Json, Presence)> {
    vec![
        ("name", qos_profile_name(), Required),
        ("description", any_string(), Optional),
        (
            "status",
            open_enum(&["ACTIVE", "INACTIVE", "DEPRECATED"]),
            Required,
        ),
        ("targetMinUpstreamRate", rate(), Optional),
        ("maxUpstreamRate", rate(), Optional),
        ("maxUpstreamBurstRate", rate(), Optional),
        ("targetMinDownstreamRate", rate(), Optional),
        ("maxDownstreamRate", rate(), Optional),
        ("maxDownstreamBurstRate", rate(), Optional),
        ("minDuration", duration(), Optional),
        ("maxDuration", duration(), Optional),
        ("priority", int32(1, 100), Optional),
        ("packetDelayBudget", duration(), Optional),
        ("jitter", duration(), Optional),
        ("packetErrorLossRate", int32(1, 10), Optional),
    ]
}

/// qod-api 0.10.1 `QosProfile`.
pub fn v0_qos_profile() -> Json {
    to_json(object(qos_profile_properties()))
}

/// qos-profiles 1.1.0 `QosProfile`.
pub fn v1_qos_profile() -> Json {
    let country = to_json(object(vec![
        ("countryName", pattern("[A-Z]{2}"), Required),
        (
            "networks",
            vec(any_string(), 0..3).prop_map(Value::Array).boxed(),
            Optional,
        ),
    ]));
    let mut properties = qos_profile_properties();
    properties.extend([
        (
            "countryAvailability",
            vec(country, 0..3).prop_map(Value::Array).boxed(),
            Optional,
        ),
        (
            "l4sQueueType",
            open_enum(&["non-l4s-queue", "l4s-queue", "mixed-queue"]),
            Optional,
        ),
        (
            "serviceClass",
            open_enum(&[
                "microsoft_voice",
                "microsoft_audio_video",
                "real_time_interactive",
                "multimedia_streaming",
                "broadcast_video",
                "low_latency_data",
                "high_throughput_data",
                "low_priority_data",
                "standard",
            ]),
            Optional,
        ),
    ]);
    to_json(object(properties))
}

/// `ErrorInfo` (all four specs): `status` is a plain integer.
pub fn error_info() -> Json {
    to_json(object(vec![
        ("status", int64(), Required),
        ("code", any_string(), Required),
        ("message", any_string(), Required),
    ]))
}
