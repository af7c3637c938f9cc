//! The two ways the specs write an instant in a JSON answer.

use std::time::SystemTime;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An instant as a spec writes it: 0.10.1 in Unix seconds, the rest in
/// RFC 3339.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Instant {
    Seconds(i64),
    Text(String),
}

pub(crate) fn unix(at: SystemTime) -> i64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Whole seconds, RFC 3339 in UTC.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    OffsetDateTime::from_unix_timestamp(unix(at))
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}
