//! The error answers of the OAuth endpoints: RFC 6749 5.2's JSON
//! (`error`, `error_description`), never cached, and for a client that
//! tried HTTP Basic and failed, `WWW-Authenticate`.

use http::StatusCode;
use serde_json::json;

use crate::reply::Reply;

/// An OAuth error, before it is a [`Reply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) description: String,
    /// Whether the client tried `Authorization: Basic` (RFC 6749 5.2 then
    /// wants the challenge).
    basic_challenge: bool,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: &str) -> OAuthError {
        OAuthError {
            status,
            error,
            description: description.to_owned(),
            basic_challenge: false,
        }
    }

    pub(crate) fn invalid_request(description: &str) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 401 `invalid_client`; `basic` when the client tried HTTP Basic.
    pub(crate) fn invalid_client(description: &str, basic: bool) -> OAuthError {
        OAuthError {
            basic_challenge: basic,
            ..OAuthError::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
        }
    }

    pub(crate) fn invalid_grant(description: &str) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub(crate) fn invalid_scope(description: &str) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }

    pub(crate) fn unauthorized_client(description: &str) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "unauthorized_client", description)
    }

    pub(crate) fn unsupported_grant_type(description: &str) -> OAuthError {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            description,
        )
    }

    /// CIBA's: the login hint names no subscriber.
    pub(crate) fn unknown_user_id(description: &str) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "unknown_user_id", description)
    }

    pub(crate) fn authorization_pending() -> OAuthError {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "authorization_pending",
            "The user has not answered yet; poll again after the interval",
        )
    }

    pub(crate) fn slow_down(interval_secs: u64) -> OAuthError {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "slow_down",
            &format!("Polling too fast: poll at most every {interval_secs} s from now on"),
        )
    }

    pub(crate) fn expired_token() -> OAuthError {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "expired_token",
            "The authentication request expired: start a new one",
        )
    }

    pub(crate) fn access_denied(description: &str) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "access_denied", description)
    }

    /// More requests than the sandbox holds at once: not a server error
    /// (no input gets a 5xx), a request to come back later.
    pub(crate) fn too_many(description: &str) -> OAuthError {
        OAuthError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            description,
        )
    }

    /// The same error under another code (`unsupported_response_type`, ...).
    #[must_use]
    pub(crate) fn named(self, error: &'static str) -> OAuthError {
        OAuthError { error, ..self }
    }

    pub(crate) fn reply(self) -> Reply {
        let body = json!({"error": self.error, "error_description": self.description});
        let reply = no_store(Reply::json(self.status, &body));
        match (self.basic_challenge, self.status) {
            (true, _) => {
                reply.with_header("www-authenticate", "Basic realm=\"qod-sandbox\"".to_owned())
            }
            (false, StatusCode::TOO_MANY_REQUESTS) => {
                reply.with_header("retry-after", "1".to_owned())
            }
            (false, _) => reply,
        }
    }
}

/// An answer with tokens or about them: never cached (RFC 6749 5.1).
pub(crate) fn no_store(reply: Reply) -> Reply {
    reply
        .with_header("cache-control", "no-store".to_owned())
        .with_header("pragma", "no-cache".to_owned())
}

/// Text from a request, fit for an `error_description` (RFC 6749 5.2
/// allows printable ASCII but `"` and `\`): other characters become `?`,
/// and at most 64 of them are kept.
pub(crate) fn shown(text: &str) -> String {
    let mut shown: String = text
        .chars()
        .take(64)
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '?',
        })
        .collect();
    if text.chars().count() > 64 {
        shown.push_str("...");
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_headers() {
        let reply = OAuthError::invalid_client("Client authentication failed", true).reply();
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["error"], "invalid_client");
        let header = |name| {
            reply
                .headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            header("www-authenticate"),
            Some("Basic realm=\"qod-sandbox\"")
        );
        assert_eq!(header("cache-control"), Some("no-store"));
        let pending = OAuthError::authorization_pending().reply();
        assert_eq!(pending.status, StatusCode::BAD_REQUEST);
        assert!(
            !pending
                .headers
                .iter()
                .any(|(n, _)| *n == "www-authenticate")
        );
    }

    #[test]
    fn shown_text_is_printable_ascii_and_short() {
        assert_eq!(shown("a\"b\\c\u{e9}\n"), "a?b?c??");
        assert_eq!(shown(&"x".repeat(100)).len(), 67);
        assert_eq!(shown("qos-profiles:read"), "qos-profiles:read");
    }
}
