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
/// Parsing accepts what either wire version allows: any `int64` of Unix
/// seconds (QoD 0.10.1), a string of digits, or any RFC 3339 date-time with
/// offset (QoD 1.x), leap seconds included. It remembers which form it saw so
/// that a value goes back out in the same form. Build one for 0.10.1 with
/// [`Timestamp::from_unix`] and for 1.x with [`Timestamp::from_datetime`].
///
/// Unix seconds far from today (beyond the years ±9999) have no calendar
/// date here: [`Timestamp::unix_seconds`] always answers,
/// [`Timestamp::datetime`] then says `None`.
///
/// ```
/// use qod_models::Timestamp;
/// let a: Timestamp = serde_json::from_str("1639479600").unwrap();
/// let b: Timestamp = serde_json::from_str("\"2021-12-14T11:00:00Z\"").unwrap();
/// assert_eq!(a.unix_seconds(), b.unix_seconds());
/// assert_eq!(serde_json::to_string(&b).unwrap(), "\"2021-12-14T11:00:00Z\"");
///
/// let far: Timestamp = serde_json::from_str("9223372036854775807").unwrap();
/// assert_eq!(far.unix_seconds(), i64::MAX);
/// assert_eq!(far.datetime(), None);
/// assert_eq!(serde_json::to_string(&far).unwrap(), "9223372036854775807");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp(Instant);

/// The two wire forms; Unix seconds are kept as received, so every `int64` fits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Instant {
    UnixSeconds(i64),
    DateTime(OffsetDateTime),
}

impl Timestamp {
    /// A timestamp written as Unix seconds. `None` when the instant has no
    /// calendar date (beyond the years ±9999): no request means such a time.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .map(|_| Timestamp(Instant::UnixSeconds(seconds)))
    }

    /// A timestamp written in RFC 3339.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        Timestamp(Instant::DateTime(at))
    }

    /// Parses an RFC 3339 date-time. A leap second (`:60`) reads as the last
    /// nanosecond of the second before it, as the `time` crate does.
    pub fn parse_rfc3339(text: &str) -> Result<Self, time::error::Parse> {
        match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(at) => Ok(Timestamp::from_datetime(at)),
            // `time` takes `:60` only at the end of a month (UTC); RFC 3339 grammar
            // allows it wherever leap-second tables say, which qod does not know.
            Err(error) => match leap_second_stand_in(text) {
                Some(at) => Ok(Timestamp::from_datetime(at)),
                None => Err(error),
            },
        }
    }

    /// The same instant written in `format`. Unix seconds without a
    /// calendar date stay Unix seconds.
    #[must_use]
    pub fn with_format(self, format: TimestampFormat) -> Self {
        match (self.0, format) {
            (Instant::DateTime(at), TimestampFormat::UnixSeconds) => {
                Timestamp(Instant::UnixSeconds(at.unix_timestamp()))
            }
            (Instant::UnixSeconds(seconds), TimestampFormat::Rfc3339) => {
                match OffsetDateTime::from_unix_timestamp(seconds) {
                    Ok(at) => Timestamp(Instant::DateTime(at)),
                    Err(_) => self,
                }
            }
            _ => self,
        }
    }

    /// Seconds since the Unix epoch; every timestamp has them.
    pub fn unix_seconds(&self) -> i64 {
        match self.0 {
            Instant::UnixSeconds(seconds) => seconds,
            Instant::DateTime(at) => at.unix_timestamp(),
        }
    }

    /// The instant as a calendar date and time; `None` for Unix seconds
    /// beyond the years ±9999.
    pub fn datetime(&self) -> Option<OffsetDateTime> {
        match self.0 {
            Instant::UnixSeconds(seconds) => OffsetDateTime::from_unix_timestamp(seconds).ok(),
            Instant::DateTime(at) => Some(at),
        }
    }

    /// How this timestamp is written on the wire.
    pub fn format(&self) -> TimestampFormat {
        match self.0 {
            Instant::UnixSeconds(_) => TimestampFormat::UnixSeconds,
            Instant::DateTime(_) => TimestampFormat::Rfc3339,
        }
    }
}

/// `text` with a leap second `:60` read as `:59.999999999`, when that makes
/// it an RFC 3339 date-time.
fn leap_second_stand_in(text: &str) -> Option<OffsetDateTime> {
    // full-date "T" hh ":" mm ":" ss: the seconds are bytes 17 and 18.
    if text.get(16..19) != Some(":60") {
        return None;
    }
    let earlier = format!("{}59{}", &text[..17], &text[19..]);
    let at = OffsetDateTime::parse(&earlier, &Rfc3339).ok()?;
    at.replace_nanosecond(999_999_999).ok()
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Instant::UnixSeconds(seconds) => write!(f, "Timestamp({seconds})"),
            Instant::DateTime(at) => match at.format(&Rfc3339) {
                Ok(text) => write!(f, "Timestamp({text})"),
                Err(_) => write!(f, "Timestamp({at:?})"),
            },
        }
    }
}

/// RFC 3339 when the instant has a calendar date, Unix seconds otherwise.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.datetime().map(|at| at.format(&Rfc3339)) {
            Some(Ok(text)) => f.write_str(&text),
            _ => write!(f, "{}", self.unix_seconds()),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Instant::UnixSeconds(seconds) => serializer.serialize_i64(seconds),
            Instant::DateTime(at) => {
                let text = at.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
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
        Ok(Timestamp(Instant::UnixSeconds(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        i64::try_from(v)
            .map(|seconds| Timestamp(Instant::UnixSeconds(seconds)))
            .map_err(|_| E::custom(format!("timestamp {v} is beyond int64")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            return match v.parse::<i64>() {
                Ok(seconds) => self.visit_i64(seconds),
                Err(_) => Err(E::custom(format!("timestamp {v} is beyond int64"))),
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
    fn accepts_every_int64() {
        for seconds in [
            i64::MIN,
            -99_999_999_999_999_999,
            -1,
            0,
            253_402_300_800,
            i64::MAX,
        ] {
            let ts = parse(&seconds.to_string()).unwrap();
            assert_eq!(ts.unix_seconds(), seconds);
            assert_eq!(ts.format(), TimestampFormat::UnixSeconds);
            assert_eq!(serde_json::to_string(&ts).unwrap(), seconds.to_string());
        }
        let beyond_9999 = parse("253402300800").unwrap();
        assert_eq!(beyond_9999.datetime(), None);
        assert_eq!(beyond_9999.to_string(), "253402300800");
        assert_eq!(
            beyond_9999.with_format(TimestampFormat::Rfc3339).format(),
            TimestampFormat::UnixSeconds
        );
        assert!(Timestamp::from_unix(253_402_300_800).is_none());
    }

    #[test]
    fn accepts_every_rfc3339_form() {
        for (text, unix) in [
            ("\"1998-12-31T23:59:60Z\"", 915_148_799),
            ("\"1998-12-31T15:59:60.123-08:00\"", 915_148_799),
            ("\"2024-06-01T12:00:60Z\"", 1_717_243_259),
            ("\"2024-06-01t12:00:00z\"", 1_717_243_200),
            ("\"2024-06-01T12:00:00.123456789012+00:00\"", 1_717_243_200),
            ("\"0000-01-01T00:00:00+23:59\"", -62_167_305_540),
            ("\"9999-12-31T23:59:59-23:59\"", 253_402_387_139),
        ] {
            let ts = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(ts.unix_seconds(), unix, "{text}");
        }
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        for bad in [
            "\"yesterday\"",
            "\"2024-13-01T00:00:00Z\"",
            "\"2023-02-29T00:00:00Z\"",
            "\"2024-06-01T12:00:00\"",
            "\"2024-06-01T12:00:61Z\"",
            "\"2024-06-01T24:00:00Z\"",
            "\"99999999999999999999999\"",
            "99999999999999999999",
            "1.5",
            "null",
            "true",
            "\"\"",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
