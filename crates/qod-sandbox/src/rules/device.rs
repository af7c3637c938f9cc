//! The `Device` object of both versions: phone number, network access
//! identifier, IPv4 address (public with port or private), IPv6 address;
//! the answer for a device that is missing, or that the
//! [test assets](crate::test_assets) give a fate; and QoD 1.x's rule of
//! which device an operation is for when the access token names one.

use std::net::{Ipv4Addr, Ipv6Addr};

use http::StatusCode;
use serde_json::{Map, Value};

use crate::reply::{Reply, code};
use crate::rules::json::{child, integer, object, present, string};
use crate::store::identity::{Identity, IdentityKey};
use crate::test_assets::{KnownDevice, known_device};
use crate::wire::Wire;

const PHONE: &str = "phoneNumber";
const NAI: &str = "networkAccessIdentifier";
const IPV4: &str = "ipv4Address";
const IPV6: &str = "ipv6Address";

/// A device object that follows the schema.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DeviceIds {
    pub(crate) phone: Option<String>,
    pub(crate) nai: Option<String>,
    pub(crate) ipv4: Option<DeviceIpv4>,
    pub(crate) ipv6: Option<Ipv6Addr>,
    /// The identifiers as sent, for the echo.
    sent: Map<String, Value>,
}

/// `DeviceIpv4Addr`: the public address with the public port or the private address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeviceIpv4 {
    pub(crate) public: Ipv4Addr,
    pub(crate) private: Option<Ipv4Addr>,
    pub(crate) port: Option<u16>,
}

/// Whether `text` follows the version's `PhoneNumber` pattern: 1.x
/// `^\+[1-9][0-9]{4,14}$`, 0.10.1 `^\+?[0-9]{5,15}$`.
fn phone_pattern(text: &str, wire: Wire) -> bool {
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match wire {
        Wire::V1 => text.strip_prefix('+').is_some_and(|digits| {
            (5..=15).contains(&digits.len()) && digits_only(digits) && !digits.starts_with('0')
        }),
        Wire::V0 => {
            let digits = text.strip_prefix('+').unwrap_or(text);
            (5..=15).contains(&digits.len()) && digits_only(digits)
        }
    }
}

fn ipv4(value: &Value, path: &str) -> Result<Ipv4Addr, Reply> {
    string(value, path)?
        .parse()
        .map_err(|_| Reply::schema(path, "must be an IPv4 address (format ipv4)"))
}

/// A `Port`: not an integer is `INVALID_ARGUMENT`, outside 0..=65535 `OUT_OF_RANGE`.
pub(crate) fn port(value: &Value, path: &str) -> Result<u16, Reply> {
    let n = integer(value, path)?;
    u16::try_from(n)
        .map_err(|_| Reply::out_of_range(&format!("Invalid port value specified: {path}")))
}

fn device_ipv4(value: &Value, path: &str) -> Result<DeviceIpv4, Reply> {
    let map = object(value, path)?;
    let public = match present(map, "publicAddress") {
        Some(v) => ipv4(v, &child(path, "publicAddress"))?,
        None => return Err(Reply::missing(&child(path, "publicAddress"))),
    };
    let private = present(map, "privateAddress")
        .map(|v| ipv4(v, &child(path, "privateAddress")))
        .transpose()?;
    let port = present(map, "publicPort")
        .map(|v| port(v, &child(path, "publicPort")))
        .transpose()?;
    if private.is_none() && port.is_none() {
        return Err(Reply::schema(
            path,
            "publicAddress needs privateAddress or publicPort beside it",
        ));
    }
    Ok(DeviceIpv4 {
        public,
        private,
        port,
    })
}

/// Reads a `Device` at `path`.
pub(crate) fn device(value: &Value, path: &str, wire: Wire) -> Result<DeviceIds, Reply> {
    let map = object(value, path)?;
    let mut sent = Map::new();
    let mut keep = |name: &str| {
        let value = present(map, name);
        if let Some(v) = value {
            sent.insert(name.to_owned(), v.clone());
        }
        value
    };
    let phone = keep(PHONE)
        .map(|v| {
            let path = child(path, PHONE);
            let text = string(v, &path)?;
            if phone_pattern(text, wire) {
                Ok(text.to_owned())
            } else {
                Err(Reply::schema(
                    &path,
                    match wire {
                        Wire::V1 => "must match ^\\+[1-9][0-9]{4,14}$",
                        Wire::V0 => "must match ^\\+?[0-9]{5,15}$",
                    },
                ))
            }
        })
        .transpose()?;
    let nai = keep(NAI)
        .map(|v| string(v, &child(path, NAI)).map(str::to_owned))
        .transpose()?;
    let ipv4 = keep(IPV4)
        .map(|v| device_ipv4(v, &child(path, IPV4)))
        .transpose()?;
    let ipv6 = keep(IPV6)
        .map(|v| {
            let path = child(path, IPV6);
            string(v, &path)?
                .parse::<Ipv6Addr>()
                .map_err(|_| Reply::schema(&path, "must be an IPv6 address (format ipv6)"))
        })
        .transpose()?;
    if sent.is_empty() {
        return Err(Reply::invalid(&format!(
            "Insufficient properties specified: {path}"
        )));
    }
    Ok(DeviceIds {
        phone,
        nai,
        ipv4,
        ipv6,
        sent,
    })
}

impl DeviceIds {
    /// Whether an identifier the version serves is given: 1.1.0 does not
    /// allow the network access identifier yet.
    pub(crate) fn has_supported_identifier(&self, wire: Wire) -> bool {
        self.phone.is_some()
            || self.ipv4.is_some()
            || self.ipv6.is_some()
            || (wire == Wire::V0 && self.nai.is_some())
    }

    /// The identity keys the version serves.
    pub(crate) fn identity(&self, wire: Wire) -> Identity {
        let mut keys = Vec::new();
        keys.extend(self.phone.as_deref().and_then(IdentityKey::phone));
        if wire == Wire::V0
            && let Some(nai) = &self.nai
        {
            keys.push(IdentityKey::Nai(nai.as_str().into()));
        }
        if let Some(ip) = self.ipv4 {
            keys.extend(ip.port.map(|port| IdentityKey::Ipv4Port(ip.public, port)));
            keys.extend(
                ip.private
                    .map(|private| IdentityKey::Ipv4Private(ip.public, private)),
            );
        }
        keys.extend(self.ipv6.map(IdentityKey::Ipv6));
        Identity { keys }
    }

    /// The device as a session echoes it: 0.10.1 gives back what was
    /// sent; 1.x only the identifier the session applies to.
    pub(crate) fn echo(&self, wire: Wire) -> Value {
        let chosen = match wire {
            Wire::V0 => self.sent.clone(),
            Wire::V1 => [PHONE, IPV4, IPV6]
                .into_iter()
                .find_map(|name| Some((name.to_owned(), self.sent.get(name)?.clone())))
                .into_iter()
                .collect(),
        };
        Value::Object(chosen)
    }
}

/// A 1.x device, as the sandbox's test assets know it, or the 404/422 it gets.
pub(crate) fn known_v1_device(device: &DeviceIds) -> Result<KnownDevice, Reply> {
    if !device.has_supported_identifier(Wire::V1) {
        return Err(Reply::unprocessable(
            code::UNSUPPORTED_IDENTIFIER,
            "The identifier provided is not supported.",
        ));
    }
    match known_device(device.phone.as_deref()) {
        KnownDevice::Unknown => Err(Reply::error(
            StatusCode::NOT_FOUND,
            code::IDENTIFIER_NOT_FOUND,
            "Device identifier not found.",
        )),
        KnownDevice::NotApplicable => Err(Reply::unprocessable(
            code::SERVICE_NOT_APPLICABLE,
            "The service is not available for the provided identifier.",
        )),
        known => Ok(known),
    }
}

/// 422 `MISSING_IDENTIFIER`: a request that names no device.
pub(crate) fn missing_device() -> Reply {
    Reply::unprocessable(code::MISSING_IDENTIFIER, "The device cannot be identified.")
}

/// 422 `UNNECESSARY_IDENTIFIER`: a request that names a device when its
/// access token names one already.
pub(crate) fn unnecessary_device() -> Reply {
    Reply::unprocessable(
        code::UNNECESSARY_IDENTIFIER,
        "The device is already identified by the access token.",
    )
}

/// The device a 1.x operation is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Target<'a> {
    /// The request's `device` (a two-legged token): echoed in answers.
    Named(&'a DeviceIds),
    /// The three-legged access token's: left out of answers, as the specs'
    /// `device` is "only returned when the API consumer includes the
    /// `device` parameter in their request".
    Token(&'a DeviceIds),
}

impl<'a> Target<'a> {
    pub(crate) fn ids(self) -> &'a DeviceIds {
        match self {
            Target::Named(ids) | Target::Token(ids) => ids,
        }
    }

    /// What an answer shows of the device.
    pub(crate) fn echo(self) -> Option<Value> {
        match self {
            Target::Named(ids) => Some(ids.echo(Wire::V1)),
            Target::Token(_) => None,
        }
    }
}

/// QoD 1.x's "Identifying the device from the access token": the device
/// `named` in the request, or the one the three-legged `token` names, and
/// 422 `UNNECESSARY_IDENTIFIER` for both (even the same device); `None`
/// when neither names one, which each operation answers its own way.
pub(crate) fn target<'a>(
    named: Option<&'a DeviceIds>,
    token: Option<&'a DeviceIds>,
) -> Result<Option<Target<'a>>, Reply> {
    match (named, token) {
        (Some(_), Some(_)) => Err(unnecessary_device()),
        (Some(named), None) => Ok(Some(Target::Named(named))),
        (None, Some(token)) => Ok(Some(Target::Token(token))),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code_and_message(reply: Reply) -> (u16, String, String) {
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        (
            reply.status.as_u16(),
            body["code"].as_str().unwrap().to_owned(),
            body["message"].as_str().unwrap().to_owned(),
        )
    }

    #[test]
    fn the_device_from_the_access_token() {
        let a = device(&json!({"phoneNumber": "+14255550100"}), "device", Wire::V1).unwrap();
        let b = device(&json!({"phoneNumber": "+14255550101"}), "device", Wire::V1).unwrap();
        let (status, code, _) = code_and_message(target(Some(&a), Some(&a)).unwrap_err());
        assert_eq!((status, code.as_str()), (422, "UNNECESSARY_IDENTIFIER"));
        assert!(
            target(Some(&a), Some(&b)).is_err(),
            "any device, the same or not"
        );
        let named = target(Some(&a), None).unwrap().unwrap();
        assert_eq!(named.echo(), Some(json!({"phoneNumber": "+14255550100"})));
        let token = target(None, Some(&b)).unwrap().unwrap();
        assert_eq!((token.ids(), token.echo()), (&b, None));
        assert_eq!(target(None, None).unwrap(), None);
    }

    #[test]
    fn phone_patterns_per_version() {
        for (text, v0, v1) in [
            ("+14255550100", true, true),
            ("14255550100", true, false),
            ("+04255550100", true, false),
            ("+1234", false, false),
            ("+12345", true, true),
            ("+1234567890123456", false, false),
            ("+123456789012345", true, true),
            ("+1425 555", false, false),
        ] {
            assert_eq!(phone_pattern(text, Wire::V0), v0, "{text}");
            assert_eq!(phone_pattern(text, Wire::V1), v1, "{text}");
        }
    }

    #[test]
    fn schema_errors() {
        for (value, code, needle) in [
            (
                json!({}),
                "INVALID_ARGUMENT",
                "Insufficient properties specified: device",
            ),
            (
                json!("+14255550100"),
                "INVALID_ARGUMENT",
                "device: must be an object",
            ),
            (
                json!({"phoneNumber": "123"}),
                "INVALID_ARGUMENT",
                "device.phoneNumber",
            ),
            (
                json!({"phoneNumber": 14255550100_u64}),
                "INVALID_ARGUMENT",
                "must be a string",
            ),
            (
                json!({"networkAccessIdentifier": 5}),
                "INVALID_ARGUMENT",
                "networkAccessIdentifier",
            ),
            (
                json!({"ipv6Address": "fe80::1::2"}),
                "INVALID_ARGUMENT",
                "format ipv6",
            ),
            (
                json!({"ipv4Address": {"publicAddress": "203.0.113.1"}}),
                "INVALID_ARGUMENT",
                "privateAddress or publicPort",
            ),
            (
                json!({"ipv4Address": {"publicPort": 80}}),
                "INVALID_ARGUMENT",
                "missing: device.ipv4Address.publicAddress",
            ),
            (
                json!({"ipv4Address": {"publicAddress": "203.0.113.256", "publicPort": 80}}),
                "INVALID_ARGUMENT",
                "format ipv4",
            ),
            (
                json!({"ipv4Address": {"publicAddress": "203.0.113.1", "publicPort": 65536}}),
                "OUT_OF_RANGE",
                "device.ipv4Address.publicPort",
            ),
            (
                json!({"ipv4Address": {"publicAddress": "203.0.113.1", "publicPort": -1}}),
                "OUT_OF_RANGE",
                "publicPort",
            ),
        ] {
            let (status, got, message) =
                code_and_message(device(&value, "device", Wire::V1).unwrap_err());
            assert_eq!(status, 400, "{value}");
            assert_eq!(got, code, "{value}: {message}");
            assert!(message.contains(needle), "{value}: {message}");
        }
    }

    #[test]
    fn identities_and_echoes() {
        let both = json!({
            "phoneNumber": "+14255550100",
            "ipv4Address": {"publicAddress": "203.0.113.1", "publicPort": 5060},
            "networkAccessIdentifier": "user@example.com",
            "extra": true,
        });
        let ids = device(&both, "device", Wire::V1).unwrap();
        assert_eq!(ids.identity(Wire::V1).keys.len(), 2, "no NAI in 1.x");
        assert_eq!(ids.identity(Wire::V0).keys.len(), 3);
        assert_eq!(
            ids.echo(Wire::V1).to_string(),
            r#"{"phoneNumber":"+14255550100"}"#
        );
        let v0: Value = ids.echo(Wire::V0);
        assert_eq!(
            v0.as_object().unwrap().len(),
            3,
            "known identifiers only: {v0}"
        );

        let nai_only = device(
            &json!({"networkAccessIdentifier": "user@example.com"}),
            "device",
            Wire::V1,
        )
        .unwrap();
        assert!(!nai_only.has_supported_identifier(Wire::V1));
        assert!(nai_only.has_supported_identifier(Wire::V0));
    }
}
