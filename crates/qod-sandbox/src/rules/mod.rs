//! The sandbox's own reading of the specs: what a request must look like,
//! and the CAMARA error each broken rule is answered with. It shares no
//! code with the client's validation, so that a mistake on one side shows
//! up against the other.

pub(crate) mod device;
pub(crate) mod json;
pub(crate) mod sink;

use uuid::Uuid;

use crate::reply::Reply;

/// A `sessionId` path parameter: a UUID in its hyphenated form.
pub(crate) fn session_id(text: &str) -> Result<Uuid, Reply> {
    match Uuid::try_parse(text) {
        Ok(id) if text.len() == 36 => Ok(id),
        _ => Err(Reply::schema("sessionId", "must be a UUID")),
    }
}

/// Whether an `x-correlator` follows `^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$`.
pub(crate) fn x_correlator(value: &[u8]) -> bool {
    value.len() <= 256
        && value.iter().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b':' | b';' | b'.' | b'/' | b'<' | b'>' | b'{' | b'}'
                )
        })
}

/// Whether a `Content-Type` value names JSON: `application/json` or an
/// `application/*+json` type (RFC 6839), in any case, with any parameters
/// (`; charset=utf-8`).
pub(crate) fn json_media_type(value: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    let essence = text.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let suffixed = subtype.len() > "+json".len()
        && subtype
            .get(subtype.len() - "+json".len()..)
            .is_some_and(|end| end.eq_ignore_ascii_case("+json"));
    kind.eq_ignore_ascii_case("application")
        && !subtype.contains(|c: char| c.is_whitespace() || c == '/')
        && (subtype.eq_ignore_ascii_case("json") || suffixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "APPLICATION/JSON;charset=UTF-8",
            " application/json ",
            "application/merge-patch+json",
            "application/cloudevents+JSON; charset=utf-8",
        ] {
            assert!(json_media_type(json.as_bytes()), "{json}");
        }
        for other in [
            "",
            "json",
            "text/json",
            "text/plain",
            "application/jsonp",
            "application/json+xml",
            "application/+json",
            "application/ json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=json",
            "text/plain; type=application/json",
            "application/x/json",
        ] {
            assert!(!json_media_type(other.as_bytes()), "{other}");
        }
        assert!(!json_media_type(b"application/json\xff"));
    }

    #[test]
    fn session_ids() {
        assert!(session_id("123e4567-e89b-12d3-a456-426614174000").is_ok());
        for bad in [
            "not-a-uuid",
            "123e4567e89b12d3a456426614174000",
            "{123e4567-e89b-12d3-a456-426614174000}",
            "",
        ] {
            assert!(session_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn correlators() {
        assert!(x_correlator(b"b4333c46-49c0-4f62-80d7-f0ef930f1c46"));
        assert!(x_correlator(b"a:b;c./<>{}_-"));
        assert!(x_correlator(b""));
        assert!(!x_correlator(b"has space"));
        assert!(!x_correlator(b"semi\"quote"));
        assert!(!x_correlator("x".repeat(257).as_bytes()));
    }
}
