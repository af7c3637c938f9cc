//! What can go wrong while authenticating.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use crate::RawBody;
use crate::auth::oauth2::OAuthErrorCode;
use crate::printable;

/// An authentication failure. The call's own request was not sent: every
/// one of these happens before it (see [`crate::Error::nothing_sent`]).
///
/// It is `Clone` because a failed token fetch is shared: every call that
/// waited for it gets the same error instead of fetching again.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The private key cannot be used (found when the credentials are built).
    #[error("unusable private key: {0}")]
    Key(String),
    /// A credential setting is malformed (found when the credentials are built).
    #[error("invalid credentials: {0}")]
    Config(String),
    /// The token endpoint answered with an RFC 6749 §5.2 error.
    #[error(transparent)]
    OAuth(Box<OAuthError>),
    /// The token endpoint answered with a status and body that are not a token.
    #[error("token endpoint answered HTTP {}: {}", status.as_u16(), body.snippet())]
    TokenEndpoint {
        /// The HTTP status.
        status: StatusCode,
        /// The raw body.
        body: RawBody,
    },
    /// The token response is not valid JSON of the expected shape.
    #[error("cannot decode the token response")]
    TokenDecode {
        /// The raw body.
        body: RawBody,
        /// What did not parse.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// The token request could not be delivered or its answer not received.
    /// The message says how far the token request got; the call's own
    /// request was not sent.
    #[error("{}; the call's request was not sent", token_request_failure(source))]
    TokenRequest {
        /// What the transport said about the token request.
        #[source]
        source: Arc<crate::TransportError>,
    },
    /// The token endpoint answered with a token that cannot be sent in an
    /// `Authorization` header (empty, or not visible ASCII).
    #[error("the token endpoint answered with an unusable access token: {0}")]
    UnusableToken(&'static str),
    /// The call's time ran out while another call of the client was
    /// fetching the token it needs.
    #[error(
        "gave up after {waited:?} waiting for the token another call is fetching; the call's request was not sent"
    )]
    TokenWaitTimedOut {
        /// How long the call waited.
        waited: Duration,
    },
    /// The token is not a bearer token.
    #[error("unsupported token type {0:?}: only bearer tokens are supported")]
    UnsupportedTokenType(String),
    /// Signing the proof-of-possession token failed.
    #[error("cannot sign the proof-of-possession token: {0}")]
    Signing(String),
    /// The server kept refusing fresh tokens (401 after a refresh).
    #[error("the server refused a freshly fetched token")]
    Rejected,
}

/// An RFC 6749 §5.2 error response from a token endpoint.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OAuthError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `error` code.
    pub code: OAuthErrorCode,
    /// The `error_description`.
    pub description: Option<String>,
    /// The `error_uri`.
    pub uri: Option<String>,
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The code and description are the server's words, escaped.
        write!(
            f,
            "token request refused (HTTP {}): {}",
            self.status.as_u16(),
            printable(&self.code.to_string())
        )?;
        if let Some(description) = &self.description {
            write!(f, ": {}", printable(description))?;
        }
        Ok(())
    }
}

impl std::error::Error for OAuthError {}

/// How far a failed token request got, in words that cannot be taken for
/// the call's own request.
fn token_request_failure(source: &crate::TransportError) -> &'static str {
    match source.delivery() {
        crate::Delivery::NotSent => "the token request failed: it could not be sent",
        crate::Delivery::MaybeSent => "the token request failed: no answer came",
        _ => "the token request failed and cannot succeed",
    }
}
