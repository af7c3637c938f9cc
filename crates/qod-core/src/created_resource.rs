//! What a create made on the server, found in an answer that did not decode.
//!
//! A 2xx to `POST /sessions` or `POST /qos-assignments` means the server
//! holds what was asked for (and bills for it) whether or not qod can read
//! the rest of the body, so its id is looked for wherever the body still
//! shows it.

use std::fmt;

use qod_models::{AssignmentId, SessionId};
use serde_json::Value;
use uuid::Uuid;

/// What a create made on the server: only a delete (or a revoke) ends it.
///
/// ```
/// use qod_core::CreatedResource;
/// let made = CreatedResource::Assignment("3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?);
/// assert_eq!(made.to_string(), "QoS assignment 3fa85f64-5717-4562-b3fc-2c963f66afa6");
/// assert_eq!(made.session_id(), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CreatedResource {
    /// A QoS session (`POST /sessions`).
    Session(SessionId),
    /// A QoS assignment (`POST /qos-assignments`).
    Assignment(AssignmentId),
    /// A QoS session whose id could not be read: the server answered the
    /// create with a 2xx, but the body was empty, cut short before the id,
    /// or over the size limit. On QoD 1.x, retrieving the device's
    /// sessions finds it.
    UnnamedSession,
    /// A QoS assignment whose id could not be read, as for
    /// [`CreatedResource::UnnamedSession`]; retrieving the device's
    /// assignment finds it.
    UnnamedAssignment,
}

impl CreatedResource {
    /// The session id, when a session was made.
    pub fn session_id(&self) -> Option<SessionId> {
        match self {
            CreatedResource::Session(id) => Some(*id),
            _ => None,
        }
    }

    /// The assignment id, when an assignment was made.
    pub fn assignment_id(&self) -> Option<AssignmentId> {
        match self {
            CreatedResource::Assignment(id) => Some(*id),
            _ => None,
        }
    }

    /// Whether it is a QoS session, named or not.
    pub fn is_session(&self) -> bool {
        matches!(
            self,
            CreatedResource::Session(_) | CreatedResource::UnnamedSession
        )
    }

    /// Whether its id is known.
    pub fn is_named(&self) -> bool {
        matches!(
            self,
            CreatedResource::Session(_) | CreatedResource::Assignment(_)
        )
    }

    /// The session a 2xx answer to a create names in `body`, or
    /// [`CreatedResource::UnnamedSession`] when no part of it does.
    pub(crate) fn session_made(body: &[u8]) -> Self {
        Self::session_in(body).unwrap_or(CreatedResource::UnnamedSession)
    }

    /// The assignment a 2xx answer to a create names in `body`, or
    /// [`CreatedResource::UnnamedAssignment`].
    pub(crate) fn assignment_made(body: &[u8]) -> Self {
        Self::assignment_in(body).unwrap_or(CreatedResource::UnnamedAssignment)
    }

    /// The session `body` names: the top-level `sessionId` (or T-Mobile's
    /// `id`) of a JSON object, or, when the body is not JSON, the first UUID
    /// string after a `"sessionId"` (or else an `"id"`) key.
    pub(crate) fn session_in(body: &[u8]) -> Option<Self> {
        find_uuid(body, &["sessionId", "id"]).map(|id| CreatedResource::Session(id.into()))
    }

    /// The assignment `body` names, found as [`CreatedResource::session_in`]
    /// finds a session, under `assignmentId`.
    pub(crate) fn assignment_in(body: &[u8]) -> Option<Self> {
        find_uuid(body, &["assignmentId"]).map(|id| CreatedResource::Assignment(id.into()))
    }
}

impl fmt::Display for CreatedResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CreatedResource::Session(id) => write!(f, "session {id}"),
            CreatedResource::Assignment(id) => write!(f, "QoS assignment {id}"),
            CreatedResource::UnnamedSession => f.write_str("a session whose id could not be read"),
            CreatedResource::UnnamedAssignment => {
                f.write_str("a QoS assignment whose id could not be read")
            }
        }
    }
}

/// The UUID under the first of `keys` in `body`: read from the top level
/// of a JSON object, or, when the body is not JSON, scanned for.
fn find_uuid(body: &[u8], keys: &[&str]) -> Option<Uuid> {
    match serde_json::from_slice::<Value>(body) {
        // Whole JSON says where the id is; a nested `id` is someone else's.
        Ok(Value::Object(map)) => keys.iter().find_map(|key| {
            map.get(*key)?
                .as_str()
                .and_then(|v| Uuid::parse_str(v).ok())
        }),
        Ok(_) => None,
        Err(_) => keys
            .iter()
            .find_map(|key| scan(body, format!("\"{key}\"").as_bytes())),
    }
}

/// The first UUID string that follows `key` and a colon in `body`.
fn scan(body: &[u8], key: &[u8]) -> Option<Uuid> {
    let mut rest = body;
    while let Some(found) = find(rest, key) {
        rest = &rest[found + key.len()..];
        let value = skip_whitespace(rest)
            .strip_prefix(b":")
            .map(skip_whitespace)
            .and_then(|v| v.strip_prefix(b"\""));
        if let Some(value) = value {
            let end = value.iter().position(|b| *b == b'"')?;
            let id = std::str::from_utf8(&value[..end])
                .ok()
                .and_then(|text| Uuid::parse_str(text).ok());
            if id.is_some() {
                return id;
            }
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

    fn found(body: &str) -> Option<String> {
        CreatedResource::session_in(body.as_bytes())
            .and_then(|made| made.session_id())
            .map(|id| id.to_string())
    }

    fn found_assignment(body: &str) -> Option<String> {
        CreatedResource::assignment_in(body.as_bytes())
            .and_then(|made| made.assignment_id())
            .map(|id| id.to_string())
    }

    #[test]
    fn reads_json_and_scans_the_rest() {
        let id = Some(ID.to_owned());
        assert_eq!(found(&format!(r#"{{"sessionId": "{ID}", "x": 1}}"#)), id);
        assert_eq!(found(&format!(r#"{{"id": "{ID}"}}"#)), id);
        assert_eq!(found(&format!(r#"{{"sessionId": "{ID}", "qosSt"#)), id);
        assert_eq!(found(&format!(r#"<p>"sessionId" : "{ID}"</p>"#)), id);
        assert_eq!(
            found(&format!(
                r#"{{"id": "x", "sessionId":"nope", "sessionId": "{ID}""#
            )),
            id
        );
        assert_eq!(found(&format!(r#"{{"device": {{"id": "{ID}"}}}}"#)), None);
        assert_eq!(found(&format!(r#"["{ID}"]"#)), None);
        assert_eq!(found(r#"{"sessionId": 5"#), None);
        assert_eq!(found(r#""sessionId": "3fa85f64"#), None);
        assert_eq!(found(""), None);
        assert_eq!(found(r#""sessionId""#), None);
    }

    #[test]
    fn an_assignment_is_found_under_its_own_key_only() {
        let id = Some(ID.to_owned());
        assert_eq!(
            found_assignment(&format!(r#"{{"assignmentId": "{ID}"}}"#)),
            id
        );
        assert_eq!(
            found_assignment(&format!(r#"{{"assignmentId": "{ID}", "stat"#)),
            id
        );
        assert_eq!(found_assignment(&format!(r#"{{"id": "{ID}"}}"#)), None);
        assert_eq!(
            found_assignment(&format!(r#"{{"sessionId": "{ID}"}}"#)),
            None
        );
        assert_eq!(found(&format!(r#"{{"assignmentId": "{ID}"}}"#)), None);
    }
}
