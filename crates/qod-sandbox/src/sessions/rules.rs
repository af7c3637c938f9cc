//! `CreateSession` and `ExtendSessionDuration` as each version's schema
//! (and, under `/qod/v0`, T-Mobile) defines them.

use serde_json::{Map, Value};

use crate::profiles::rules::profile_name;
use crate::reply::Reply;
use crate::rules::device::{DeviceIds, device, port};
use crate::rules::json::{
    child, integer, integer_in, non_empty_array, object, object_body, present, required, string,
};
use crate::rules::sink::{NotifyTarget, http_url_host, sink, sink_credential};
use crate::wire::Wire;

/// The longest session 0.10.1 allows, and its default.
pub(crate) const MAX_DURATION_V0: u32 = 86_400;
/// The longest extension 0.10.1 allows.
const MAX_EXTENSION_V0: i64 = 86_399;
/// T-Mobile's shortest session.
const MIN_DURATION_TMOBILE: u32 = 60;
/// `int32`'s largest value, the 1.x bound on durations.
const MAX_INT32: i64 = i32::MAX as i64;

/// A create request that follows the schema. Echoed parts are kept as the
/// JSON that was sent.
#[derive(Debug, Clone)]
pub(crate) struct CreateRequest {
    pub(crate) device: Option<DeviceIds>,
    pub(crate) application_server: Option<Value>,
    pub(crate) device_ports: Option<Value>,
    pub(crate) application_server_ports: Option<Value>,
    pub(crate) qos_profile: String,
    /// The requested seconds (0.10.1 may leave it out).
    pub(crate) duration: Option<u32>,
    pub(crate) notify: Option<NotifyTarget>,
    /// 0.10.1's `webhook` as sent.
    pub(crate) webhook: Option<Value>,
    /// 1.x's `sink` as sent.
    pub(crate) sink: Option<String>,
}

/// `PortsSpec`: `ranges` and/or `ports`, each non-empty; `from <= to`.
fn ports_spec(value: &Value, path: &str) -> Result<Value, Reply> {
    let map = object(value, path)?;
    let ranges = present(map, "ranges");
    let ports = present(map, "ports");
    if ranges.is_none() && ports.is_none() {
        return Err(Reply::schema(path, "must give ranges or ports"));
    }
    if let Some(ranges) = ranges {
        let path = child(path, "ranges");
        for range in non_empty_array(ranges, &path)? {
            let range = object(range, &path)?;
            let from = port(required(range, "from", &path)?, &child(&path, "from"))?;
            let to = port(required(range, "to", &path)?, &child(&path, "to"))?;
            if from > to {
                return Err(Reply::out_of_range(&format!(
                    "Invalid port ranges specified: {path} ({from} > {to})"
                )));
            }
        }
    }
    if let Some(ports) = ports {
        let path = child(path, "ports");
        for p in non_empty_array(ports, &path)? {
            port(p, &path)?;
        }
    }
    Ok(value.clone())
}

/// An `ApplicationServer`: an IPv4 and/or IPv6 address, each optionally a network.
fn application_server(value: &Value) -> Result<Value, Reply> {
    const PATH: &str = "applicationServer";
    let map = object(value, PATH)?;
    let v4 = present(map, "ipv4Address");
    let v6 = present(map, "ipv6Address");
    if v4.is_none() && v6.is_none() {
        return Err(Reply::schema(PATH, "must give ipv4Address or ipv6Address"));
    }
    if let Some(v4) = v4 {
        let path = child(PATH, "ipv4Address");
        if !is_network::<std::net::Ipv4Addr>(string(v4, &path)?, 32) {
            return Err(Reply::schema(
                &path,
                "must be an IPv4 address, optionally with a /mask of 0 to 32",
            ));
        }
    }
    if let Some(v6) = v6 {
        let path = child(PATH, "ipv6Address");
        if !is_network::<std::net::Ipv6Addr>(string(v6, &path)?, 128) {
            return Err(Reply::schema(
                &path,
                "must be an IPv6 address, optionally with a /mask of 0 to 128",
            ));
        }
    }
    Ok(value.clone())
}

/// `address` or `address/bits` with `bits <= max_bits`.
fn is_network<A: std::str::FromStr>(text: &str, max_bits: u8) -> bool {
    let (address, bits) = match text.split_once('/') {
        Some((address, bits)) => (address, Some(bits)),
        None => (text, None),
    };
    address.parse::<A>().is_ok()
        && bits.is_none_or(|b| {
            !b.is_empty()
                && b.bytes().all(|c| c.is_ascii_digit())
                && b.parse::<u8>().is_ok_and(|n| n <= max_bits)
        })
}

/// 0.10.1 `webhook`: `notificationUrl` (a URI the sandbox can POST to) and
/// an optional `notificationAuthToken` of 20 to 256 characters.
fn webhook(value: &Value) -> Result<(NotifyTarget, Value), Reply> {
    const PATH: &str = "webhook";
    let map = object(value, PATH)?;
    let url_path = child(PATH, "notificationUrl");
    let url = string(required(map, "notificationUrl", PATH)?, &url_path)?;
    if http_url_host(url).is_none() {
        return Err(Reply::schema(&url_path, "must be an http or https URL"));
    }
    let token = present(map, "notificationAuthToken")
        .map(|v| {
            let path = child(PATH, "notificationAuthToken");
            let token = string(v, &path)?;
            if (20..=256).contains(&token.chars().count()) {
                Ok(token.to_owned())
            } else {
                Err(Reply::schema(&path, "must be 20 to 256 characters long"))
            }
        })
        .transpose()?;
    Ok((
        NotifyTarget {
            url: url.to_owned(),
            token,
        },
        value.clone(),
    ))
}

fn duration(map: &Map<String, Value>, wire: Wire) -> Result<Option<u32>, Reply> {
    let Some(value) = present(map, "duration") else {
        return match wire {
            Wire::V1 => Err(Reply::missing("duration")),
            Wire::V0 => Ok(None),
        };
    };
    match wire {
        Wire::V1 => {
            let seconds = integer_in(value, "duration", 1, MAX_INT32)?;
            Ok(u32::try_from(seconds).ok())
        }
        Wire::V0 => {
            let seconds = integer(value, "duration")?;
            if seconds < i128::from(MIN_DURATION_TMOBILE) || seconds > i128::from(MAX_DURATION_V0) {
                return Err(Reply::out_of_range(&format!(
                    "The requested duration is out of the allowed range: {MIN_DURATION_TMOBILE} to {MAX_DURATION_V0} seconds"
                )));
            }
            Ok(u32::try_from(seconds).ok())
        }
    }
}

/// Reads a create body. Under `/qod/v0`, T-Mobile's rules: no
/// `applicationServer` needed, sessions of 60 s at least.
pub(crate) fn create(wire: Wire, body: &[u8]) -> Result<CreateRequest, Reply> {
    let map = object_body(body)?;
    let needed: &[&str] = match wire {
        Wire::V0 => &["device", "qosProfile"],
        Wire::V1 => &["applicationServer", "qosProfile", "duration"],
    };
    for name in needed {
        required(&map, name, "")?;
    }
    let device = present(&map, "device")
        .map(|v| device(v, "device", wire))
        .transpose()?;
    let application_server = present(&map, "applicationServer")
        .map(application_server)
        .transpose()?;
    let device_ports = present(&map, "devicePorts")
        .map(|v| ports_spec(v, "devicePorts"))
        .transpose()?;
    let application_server_ports = present(&map, "applicationServerPorts")
        .map(|v| ports_spec(v, "applicationServerPorts"))
        .transpose()?;
    let qos_profile = profile_name(
        string(required(&map, "qosProfile", "")?, "qosProfile")?,
        "qosProfile",
    )?
    .to_owned();
    let duration = duration(&map, wire)?;
    let (notify, webhook, sink) = match wire {
        Wire::V0 => match present(&map, "webhook").map(webhook).transpose()? {
            Some((target, echo)) => (Some(target), Some(echo), None),
            None => (None, None, None),
        },
        Wire::V1 => {
            let sink = present(&map, "sink").map(sink).transpose()?;
            let token = present(&map, "sinkCredential")
                .map(sink_credential)
                .transpose()?
                .flatten();
            let notify = sink.clone().map(|url| NotifyTarget { url, token });
            (notify, None, sink)
        }
    };
    Ok(CreateRequest {
        device,
        application_server,
        device_ports,
        application_server_ports,
        qos_profile,
        duration,
        notify,
        webhook,
        sink,
    })
}

/// Reads an extension body: the additional seconds.
pub(crate) fn extend(wire: Wire, body: &[u8]) -> Result<u32, Reply> {
    let map = object_body(body)?;
    let value = required(&map, "requestedAdditionalDuration", "")?;
    let max = match wire {
        Wire::V0 => MAX_EXTENSION_V0,
        Wire::V1 => MAX_INT32,
    };
    let seconds = integer_in(value, "requestedAdditionalDuration", 1, max)?;
    Ok(u32::try_from(seconds).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code_of(result: Result<CreateRequest, Reply>) -> String {
        let reply = result.unwrap_err();
        assert_eq!(reply.status, 400);
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        body["code"].as_str().unwrap().to_owned()
    }

    fn v1(overrides: Value) -> Vec<u8> {
        let mut body = json!({
            "device": {"phoneNumber": "+14255550100"},
            "applicationServer": {"ipv4Address": "198.51.100.0/24"},
            "qosProfile": "QOS_E",
            "duration": 600,
        });
        for (k, v) in overrides.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        body.to_string().into_bytes()
    }

    #[test]
    fn a_good_body() {
        let request = create(
            Wire::V1,
            &v1(json!({"devicePorts": {"ports": [5060]}, "sink": "https://example.com/n"})),
        )
        .unwrap();
        assert_eq!(request.qos_profile, "QOS_E");
        assert_eq!(request.duration, Some(600));
        assert_eq!(
            request.device_ports.map(|v| v.to_string()).as_deref(),
            Some(r#"{"ports":[5060]}"#)
        );
        assert_eq!(request.notify.unwrap().token, None);
    }

    #[test]
    fn what_each_broken_rule_answers() {
        for (overrides, code) in [
            (json!({"applicationServer": {}}), "INVALID_ARGUMENT"),
            (json!({"applicationServer": null}), "INVALID_ARGUMENT"),
            (
                json!({"applicationServer": {"ipv4Address": "198.51.100.0/33"}}),
                "INVALID_ARGUMENT",
            ),
            (json!({"devicePorts": {}}), "INVALID_ARGUMENT"),
            (json!({"devicePorts": {"ports": []}}), "INVALID_ARGUMENT"),
            (json!({"devicePorts": {"ports": [65536]}}), "OUT_OF_RANGE"),
            (
                json!({"applicationServerPorts": {"ranges": [{"from": 10, "to": 9}]}}),
                "OUT_OF_RANGE",
            ),
            (
                json!({"applicationServerPorts": {"ranges": [{"from": -1, "to": 9}]}}),
                "OUT_OF_RANGE",
            ),
            (
                json!({"applicationServerPorts": {"ranges": [{"from": 1}]}}),
                "INVALID_ARGUMENT",
            ),
            (json!({"qosProfile": "ab"}), "INVALID_ARGUMENT"),
            (json!({"qosProfile": "QOS E"}), "INVALID_ARGUMENT"),
            (json!({"duration": 0}), "INVALID_ARGUMENT"),
            (json!({"duration": 2_147_483_648_i64}), "INVALID_ARGUMENT"),
            (json!({"duration": null}), "INVALID_ARGUMENT"),
            (json!({"sink": "http://example.com/n"}), "INVALID_SINK"),
            (
                json!({"sink": "https://example.com/n", "sinkCredential": {}}),
                "INVALID_ARGUMENT",
            ),
            (
                json!({"sink": "https://example.com/n", "sinkCredential": {"credentialType": "PLAIN"}}),
                "INVALID_CREDENTIAL",
            ),
            (
                json!({"sink": "https://example.com/n", "sinkCredential": {"credentialType": "REFRESHTOKEN"}}),
                "INVALID_CREDENTIAL",
            ),
            (
                json!({"sink": "https://example.com/n", "sinkCredential": {"credentialType": "ACCESSTOKEN",
                "accessToken": "t", "accessTokenExpiresUtc": "2030-01-01T00:00:00Z", "accessTokenType": "mac"}}),
                "INVALID_TOKEN",
            ),
            (
                json!({"sink": "https://example.com/n", "sinkCredential": {"credentialType": "ACCESSTOKEN",
                "accessToken": "t", "accessTokenExpiresUtc": "2030-01-01T00:00:00", "accessTokenType": "bearer"}}),
                "INVALID_ARGUMENT",
            ),
            (json!({"device": {}}), "INVALID_ARGUMENT"),
        ] {
            assert_eq!(
                code_of(create(Wire::V1, &v1(overrides.clone()))),
                code,
                "{overrides}"
            );
        }
    }

    #[test]
    fn t_mobile_rules_under_v0() {
        let body = |extra: &str| {
            format!(r#"{{"device":{{"phoneNumber":"14255550100"}},"qosProfile":"QOS_VC"{extra}}}"#)
        };
        let request = create(Wire::V0, body("").as_bytes()).unwrap();
        assert_eq!(request.duration, None, "24 hours by default");
        assert!(request.application_server.is_none());
        assert_eq!(
            code_of(create(Wire::V0, body(r#","duration":59"#).as_bytes())),
            "OUT_OF_RANGE"
        );
        assert_eq!(
            code_of(create(Wire::V0, body(r#","duration":86401"#).as_bytes())),
            "OUT_OF_RANGE"
        );
        assert_eq!(
            code_of(create(Wire::V0, body(r#","webhook":{"notificationUrl":"https://example.com","notificationAuthToken":"short"}"#).as_bytes())),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            code_of(create(Wire::V0, br#"{"qosProfile":"QOS_VC"}"#)),
            "INVALID_ARGUMENT"
        );
    }

    #[test]
    fn loopback_sinks_may_be_plain_http() {
        for sink in [
            "http://127.0.0.1:8080/n",
            "http://localhost/n",
            "http://[::1]:9/n",
        ] {
            create(Wire::V1, &v1(json!({ "sink": sink }))).unwrap();
        }
    }

    #[test]
    fn extensions() {
        assert_eq!(
            extend(Wire::V1, br#"{"requestedAdditionalDuration":60}"#).unwrap(),
            60
        );
        assert!(extend(Wire::V1, br#"{"requestedAdditionalDuration":0}"#).is_err());
        assert!(extend(Wire::V0, br#"{"requestedAdditionalDuration":86400}"#).is_err());
        assert!(extend(Wire::V1, br#"{"requestedAdditionalDuration":"60"}"#).is_err());
        assert!(extend(Wire::V1, b"{}").is_err());
        assert!(extend(Wire::V1, b"").is_err());
    }
}
