//! Writing JSON answers: objects from trusted parts and the two ways the
//! specs write an instant.

use std::time::SystemTime;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Writes a JSON object from trusted parts: keys are literals, raw values
/// were produced by serde_json.
pub(crate) struct Object(String);

impl Object {
    pub(crate) fn new() -> Object {
        Object(String::from("{"))
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push('"');
        self.0.push_str(key);
        self.0.push_str("\":");
    }

    pub(crate) fn raw(&mut self, key: &str, json: Option<&str>) {
        if let Some(json) = json {
            self.key(key);
            self.0.push_str(json);
        }
    }

    pub(crate) fn string(&mut self, key: &str, text: &str) {
        self.key(key);
        // A string always serializes.
        self.0
            .push_str(&serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned()));
    }

    pub(crate) fn number(&mut self, key: &str, n: i64) {
        self.key(key);
        self.0.push_str(&n.to_string());
    }

    pub(crate) fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
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
