//! Request data a server echoes in a response: kept as sent, typed when it parses.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::redact_secrets;

/// A field a server echoes from the request (`device`, `applicationServer`,
/// the ports, `webhook`, `sink`, `sinkCredential` of a [`SessionInfo`]).
///
/// It always keeps the JSON exactly as received, and beside it the typed
/// value when that parses. An echo that does not parse never turns a
/// success into an error: the session it came with is what matters.
/// Serialising writes back the JSON as received.
///
/// `Debug` prints the typed value (whose `Debug` hides secrets) or, when it
/// did not parse, the raw JSON with every secret-like key's value redacted.
///
/// ```
/// use qod_models::{ApplicationServerInfo, Echoed, PortsSpec};
/// let server: Echoed<ApplicationServerInfo> =
///     serde_json::from_str(r#"{"ipv4Address": "any text a server wrote"}"#).unwrap();
/// let parsed = server.parsed().unwrap();
/// assert_eq!(parsed.ipv4_address.as_deref(), Some("any text a server wrote"));
/// assert!(parsed.ipv4_network().unwrap().is_err());
///
/// let ports: Echoed<PortsSpec> = serde_json::from_str(r#"{"ports": [70000]}"#).unwrap();
/// assert!(ports.parsed().is_none());
/// assert!(ports.parse_error().unwrap().contains("65535"));
/// assert_eq!(ports.raw()["ports"][0], 70000);
/// assert_eq!(serde_json::to_string(&ports).unwrap(), r#"{"ports":[70000]}"#);
/// ```
///
/// [`SessionInfo`]: crate::SessionInfo
#[derive(Clone)]
pub struct Echoed<T> {
    raw: Value,
    parsed: Result<T, String>,
}

impl<T> Echoed<T> {
    /// The typed value, when the JSON parsed.
    pub fn parsed(&self) -> Option<&T> {
        self.parsed.as_ref().ok()
    }

    /// The typed value, when the JSON parsed, consuming `self`.
    pub fn into_parsed(self) -> Option<T> {
        self.parsed.ok()
    }

    /// The JSON exactly as received.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// Why the JSON did not parse, when it did not.
    pub fn parse_error(&self) -> Option<&str> {
        self.parsed.as_ref().err().map(String::as_str)
    }
}

impl<T: DeserializeOwned> Echoed<T> {
    /// Reads `raw`, keeping it whether or not it parses as `T`.
    pub fn from_raw(raw: Value) -> Self {
        let parsed = T::deserialize(&raw).map_err(|e| e.to_string());
        Echoed { raw, parsed }
    }
}

impl<T: Serialize> Echoed<T> {
    /// An echo of a typed value (a server, or a test, building a response).
    ///
    /// Fails only when `value` cannot be written as JSON, e.g. a timestamp
    /// outside RFC 3339's years.
    pub fn new(value: T) -> Result<Self, serde_json::Error> {
        let raw = serde_json::to_value(&value)?;
        Ok(Echoed {
            raw,
            parsed: Ok(value),
        })
    }
}

/// Two echoes are equal when the server sent the same JSON.
impl<T> PartialEq for Echoed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl<T> Eq for Echoed<T> {}

impl<T: fmt::Debug> fmt::Debug for Echoed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.parsed {
            Ok(value) => f.debug_tuple("Echoed").field(value).finish(),
            Err(error) => {
                let mut shown = self.raw.clone();
                redact_secrets(&mut shown);
                f.debug_struct("Echoed")
                    .field("unparsed", &format_args!("{shown}"))
                    .field("error", error)
                    .finish()
            }
        }
    }
}

impl<T> Serialize for Echoed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Echoed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Echoed::from_raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SinkCredential, WebhookInfo};

    #[test]
    fn debug_never_prints_secrets() {
        let unparsed: Echoed<WebhookInfo> = Echoed::from_raw(serde_json::json!({
            "notificationUrl": 5, "notificationAuthToken": "CANARY-webhook-token-0001"
        }));
        assert!(unparsed.parsed().is_none());
        let parsed: Echoed<WebhookInfo> = Echoed::from_raw(serde_json::json!({
            "notificationUrl": "https://app.example.com",
            "notificationAuthToken": "CANARY-webhook-token-0002"
        }));
        assert!(parsed.parsed().is_some());
        let credential: Echoed<SinkCredential> = Echoed::from_raw(serde_json::json!({
            "credentialType": "PLAIN", "identifier": "me", "secret": ["CANARY-3"]
        }));
        assert!(credential.parsed().is_none());
        for shown in [
            format!("{unparsed:?} {unparsed:#?}"),
            format!("{parsed:?} {parsed:#?}"),
            format!("{credential:?} {credential:#?}"),
        ] {
            assert!(!shown.contains("CANARY"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
        let shown = format!("{unparsed:?}");
        assert!(shown.contains("\"notificationUrl\":5"), "{shown}");
        assert!(shown.contains("expected a string"), "{shown}");
    }

    #[test]
    fn keeps_and_writes_back_what_was_sent() {
        let raw = serde_json::json!({"phoneNumber": "+123456789", "vendor": {"x": [1]}});
        let echoed: Echoed<crate::DeviceInfo> = Echoed::from_raw(raw.clone());
        assert!(echoed.parsed().is_some());
        assert_eq!(serde_json::to_value(&echoed).unwrap(), raw);
        let made = Echoed::new("https://sink.example".to_owned()).unwrap();
        assert_eq!(made.raw(), "https://sink.example");
        assert_eq!(
            made,
            Echoed::from_raw(serde_json::json!("https://sink.example"))
        );
    }
}
