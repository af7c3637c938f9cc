//! Identifiers: session ids, correlators, QoS profile names.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::ValidationError;
use crate::validated_string::{check_length, validated_string};

/// A QoS session id: a UUID.
///
/// ```
/// use qod_models::SessionId;
/// let id: SessionId = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
/// assert_eq!(id.to_string(), "123e4567-e89b-12d3-a456-426614174000");
/// assert!("not-a-uuid".parse::<SessionId>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(Uuid);

impl SessionId {
    /// Wraps a UUID.
    pub fn new(id: Uuid) -> Self {
        SessionId(id)
    }

    /// Parses the textual form of a UUID.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        Uuid::parse_str(value)
            .map(SessionId)
            .map_err(|_| ValidationError::new("sessionId", "must be a UUID"))
    }

    /// The UUID.
    pub fn uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({})", self.0)
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl std::str::FromStr for SessionId {
    type Err = ValidationError;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        SessionId::parse(value)
    }
}

impl From<Uuid> for SessionId {
    fn from(id: Uuid) -> Self {
        SessionId(id)
    }
}

impl Serialize for SessionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.hyphenated())
    }
}

impl<'de> Deserialize<'de> for SessionId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        SessionId::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn check_correlator(value: &str) -> Result<(), String> {
    const ALLOWED: &str = "-_:;./<>{}";
    // The spec's pattern allows an empty value, but an empty header
    // correlates nothing: leave the correlator out to get a fresh one.
    if value.is_empty() {
        return Err("must not be empty (leave it out and a fresh UUID is sent)".to_owned());
    }
    if value.len() > 256 {
        return Err(format!(
            "must match ^[a-zA-Z0-9-_:;.\\/<>{{}}]{{0,256}}$ (at most 256 characters, got {})",
            value.chars().count()
        ));
    }
    match value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || ALLOWED.contains(*c)))
    {
        Some(c) => Err(format!(
            "must match ^[a-zA-Z0-9-_:;.\\/<>{{}}]{{0,256}}$ (character {c:?} is not allowed)"
        )),
        None => Ok(()),
    }
}

validated_string! {
    /// The `x-correlator` header value qod sends:
    /// `^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$`, and not empty.
    ///
    /// ```
    /// use qod_models::XCorrelator;
    /// assert!(XCorrelator::parse("b4333c46-49c0-4f62-80d7-f0ef930f1c46").is_ok());
    /// assert!(XCorrelator::parse("has space").is_err());
    /// assert!(XCorrelator::parse("").is_err());
    /// ```
    pub struct XCorrelator;
    field = "x-correlator";
    check = check_correlator;
}

impl XCorrelator {
    /// A correlator made from a UUID (always valid).
    pub fn from_uuid(id: Uuid) -> Self {
        XCorrelator(id.hyphenated().to_string())
    }
}

fn check_profile_name(value: &str) -> Result<(), String> {
    check_length(value, 3, 256)?;
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!(
            "must match ^[a-zA-Z0-9_.-]+$ (character {c:?} is not allowed)"
        ));
    }
    Ok(())
}

validated_string! {
    /// A QoS profile name: 3 to 256 characters of `^[a-zA-Z0-9_.-]+$`.
    ///
    /// T-Mobile's names are `QOS_VC`, `QOS_XR`, `QOS_RVM`, `QOS_POSALE` and
    /// `QOS_BROADCAST`; other operators use `QOS_E`, `QOS_S`, `QOS_M`, `QOS_L`
    /// or their own, so this is a string and not a closed enum.
    ///
    /// ```
    /// use qod_models::QosProfileName;
    /// assert!(QosProfileName::parse("QOS_VC").is_ok());
    /// assert!(QosProfileName::parse("QS").is_err());
    /// ```
    pub struct QosProfileName;
    field = "qosProfile";
    check = check_profile_name;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlator_rules() {
        assert!(XCorrelator::parse("").unwrap_err().rule().contains("empty"));
        assert!(XCorrelator::parse("a-b_c:d;e.f/g<h>{i}").is_ok());
        assert!(XCorrelator::parse("x".repeat(256)).is_ok());
        let long = XCorrelator::parse("x".repeat(257)).unwrap_err();
        assert_eq!(long.field(), "x-correlator");
        assert!(long.rule().contains("at most 256"));
        assert!(XCorrelator::parse("a\nb").is_err());
        assert!(XCorrelator::parse("é").is_err());
    }

    #[test]
    fn profile_name_rules() {
        assert!(QosProfileName::parse("QOS").is_ok());
        assert!(QosProfileName::parse("a".repeat(256)).is_ok());
        assert!(QosProfileName::parse("a".repeat(257)).is_err());
        assert!(
            QosProfileName::parse("QOS VC")
                .unwrap_err()
                .rule()
                .contains("' '")
        );
        assert!(QosProfileName::parse("QOS/VC").is_err());
    }

    #[test]
    fn session_id_serde() {
        let id: SessionId =
            serde_json::from_str("\"3fa85f64-5717-4562-b3fc-2c963f66afa6\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\""
        );
        assert!(serde_json::from_str::<SessionId>("\"3fa85f64\"").is_err());
    }
}
