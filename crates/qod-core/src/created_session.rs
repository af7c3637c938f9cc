//! Finding the id of a session a create made, in an answer that did not decode.
//!
//! A 2xx to `POST /sessions` means the server holds a session (and bills for
//! it) whether or not qod can read the rest of the body, so the id is looked
//! for wherever the body still shows it.

use qod_models::SessionId;
use serde_json::Value;

use crate::Error;

/// `error` with the id of the created session, when it is a decode error
/// and its body names one.
pub(crate) fn with_session_id(error: Error) -> Error {
    match error {
        Error::Decode {
            status,
            correlator,
            session_id: None,
            body,
            source,
        } => Error::Decode {
            status,
            correlator,
            session_id: find_session_id(&body),
            body,
            source,
        },
        other => other,
    }
}

/// The session id in `body`: the top-level `sessionId` (or T-Mobile's `id`)
/// of a JSON object, or, when the body is not JSON, the first UUID string
/// after a `"sessionId"` (or else an `"id"`) key.
pub(crate) fn find_session_id(body: &[u8]) -> Option<SessionId> {
    match serde_json::from_slice::<Value>(body) {
        // Whole JSON says where the id is; a nested `id` is someone else's.
        Ok(Value::Object(map)) => ["sessionId", "id"].iter().find_map(|key| {
            map.get(*key)?
                .as_str()
                .and_then(|v| SessionId::parse(v).ok())
        }),
        Ok(_) => None,
        Err(_) => scan(body, b"\"sessionId\"").or_else(|| scan(body, b"\"id\"")),
    }
}

/// The first UUID string that follows `key` and a colon in `body`.
fn scan(body: &[u8], key: &[u8]) -> Option<SessionId> {
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
                .and_then(|text| SessionId::parse(text).ok());
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
        find_session_id(body.as_bytes()).map(|id| id.to_string())
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
}
