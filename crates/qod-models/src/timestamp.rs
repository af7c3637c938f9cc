//! Points in time as QoD puts them on the wire.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How a timestamp is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// Integer seconds since the Unix epoch (QoD 0.10.1).
    UnixSeconds,
    /// An RFC 3339 date-time with offset (QoD 1.x).
    Rfc3339,
}

/// A point in time read from or written to the wire.
///
/// Parsing accepts an integer of Unix seconds, a string of digits, or an RFC
/// 3339 string, and remembers which it saw so that a value round-trips
/// unchanged. Build one for 0.10.1 with [`Timestamp::from_unix`] and for 1.x
/// with [`Timestamp::from_datetime`].
///
/// ```
/// use qod_models::Timestamp;
/// let a: Timestamp = serde_json::from_str("1639479600").unwrap();
/// let b: Timestamp = serde_json::from_str("\"2021-12-14T11:00:00Z\"").unwrap();
/// assert_eq!(a.unix_seconds(), b.unix_seconds());
/// assert_eq!(serde_json::to_string(&b).unwrap(), "\"2021-12-14T11:00:00Z\"");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    at: OffsetDateTime,
    format: TimestampFormat,
}

impl Timestamp {
    /// A timestamp written as Unix seconds. `None` when out of the representable range.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .map(|at| Timestamp {
                at,
                format: TimestampFormat::UnixSeconds,
            })
    }

    /// A timestamp written in RFC 3339.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        Timestamp {
            at,
            format: TimestampFormat::Rfc3339,
        }
    }

    /// Parses an RFC 3339 string.
    pub fn parse_rfc3339(text: &str) -> Result<Self, time::error::Parse> {
        OffsetDateTime::parse(text, &Rfc3339).map(Timestamp::from_datetime)
    }

    /// The same instant written in `format`.
    #[must_use]
    pub fn with_format(self, format: TimestampFormat) -> Self {
        Timestamp { format, ..self }
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.at.unix_timestamp()
    }

    /// The instant as a `time` value.
    pub fn datetime(&self) -> OffsetDateTime {
        self.at
    }

    /// How this timestamp is written on the wire.
    pub fn format(&self) -> TimestampFormat {
        self.format
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.format {
            TimestampFormat::UnixSeconds => write!(f, "Timestamp({})", self.unix_seconds()),
            TimestampFormat::Rfc3339 => match self.at.format(&Rfc3339) {
                Ok(text) => write!(f, "Timestamp({text})"),
                Err(_) => write!(f, "Timestamp({:?})", self.at),
            },
        }
    }
}

/// RFC 3339, whatever the wire form.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at.format(&Rfc3339) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{}", self.unix_seconds()),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.format {
            TimestampFormat::UnixSeconds => serializer.serialize_i64(self.unix_seconds()),
            TimestampFormat::Rfc3339 => {
                let text = self
                    .at
                    .format(&Rfc3339)
                    .map_err(serde::ser::Error::custom)?;
                serializer.serialize_str(&text)
            }
        }
    }
}

struct TimestampVisitor;

impl de::Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Unix seconds or an RFC 3339 date-time")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Timestamp::from_unix(v).ok_or_else(|| E::custom(format!("timestamp {v} is out of range")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        i64::try_from(v)
            .ok()
            .and_then(Timestamp::from_unix)
            .ok_or_else(|| E::custom(format!("timestamp {v} is out of range")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            return match v.parse::<i64>() {
                Ok(seconds) => self.visit_i64(seconds),
                Err(_) => Err(E::custom(format!("timestamp {v} is out of range"))),
            };
        }
        Timestamp::parse_rfc3339(v)
            .map_err(|e| E::custom(format!("`{v}` is not an RFC 3339 date-time: {e}")))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Timestamp, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepts_integers_digit_strings_and_rfc3339() {
        let int = parse("1639479600").unwrap();
        let digits = parse("\"1639479600\"").unwrap();
        let text = parse("\"2021-12-14T11:00:00+00:00\"").unwrap();
        assert_eq!(int.unix_seconds(), 1_639_479_600);
        assert_eq!(digits.unix_seconds(), 1_639_479_600);
        assert_eq!(text.unix_seconds(), 1_639_479_600);
        assert_eq!(int.format(), TimestampFormat::UnixSeconds);
        assert_eq!(text.format(), TimestampFormat::Rfc3339);
    }

    #[test]
    fn keeps_offsets_and_fractions_on_round_trip() {
        for text in [
            "\"2023-07-03T12:27:08.312Z\"",
            "\"2024-06-01T14:00:00+02:00\"",
        ] {
            let ts = parse(text).unwrap();
            let again: Timestamp = parse(&serde_json::to_string(&ts).unwrap()).unwrap();
            assert_eq!(ts, again);
            assert_eq!(ts.unix_seconds(), again.unix_seconds());
        }
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        for bad in [
            "\"yesterday\"",
            "\"2024-13-01T00:00:00Z\"",
            "\"2024-06-01T12:00:00\"",
            "99999999999999999",
            "-99999999999999999",
            "\"99999999999999999999999\"",
            "1.5",
            "null",
            "true",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
