//! The sandbox's own reading of the specs: what a request must look like,
//! and the CAMARA error each broken rule is answered with. It shares no
//! code with the client's validation, so that a mistake on one side shows
//! up against the other.

pub(crate) mod device;
pub(crate) mod json;
pub(crate) mod profiles;
pub(crate) mod session;

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

#[cfg(test)]
mod tests {
    use super::*;

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
