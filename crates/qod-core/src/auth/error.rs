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
    /// A flow ended without a token in a way the application may want to
    /// act on: the user denied access, the request expired, the login hint
    /// names no known user, the grant is invalid or revoked, the state of
    /// a redirect does not match. Match [`FlowError::end`] (or call
    /// [`AuthError::flow_end`]); other refusals stay [`AuthError::OAuth`].
    ///
    /// ```
    /// use qod_core::auth::{AuthError, FlowEnd};
    /// fn explain(error: &AuthError) -> &'static str {
    ///     match error.flow_end() {
    ///         Some(FlowEnd::Denied) => "the user said no",
    ///         Some(FlowEnd::Expired) => "too late: start again",
    ///         Some(_) => "the flow ended",
    ///         None => "another failure",
    ///     }
    /// }
    /// # assert_eq!(explain(&AuthError::Rejected), "another failure");
    /// ```
    #[error(transparent)]
    Flow(Box<FlowError>),
    /// The OpenID Provider metadata (discovery) cannot be had or used: the
    /// discovery URL answered with an error or not with metadata, the
    /// issuer differs, an endpoint is not https, or what a flow needs is
    /// missing.
    #[error("OpenID Provider metadata: {reason}")]
    Discovery {
        /// What is wrong, naming the field.
        reason: String,
        /// The raw body, when the answer was not usable metadata.
        body: Option<RawBody>,
    },
}

impl AuthError {
    /// How a flow ended, when this error is [`AuthError::Flow`].
    pub fn flow_end(&self) -> Option<FlowEnd> {
        match self {
            AuthError::Flow(error) => Some(error.end),
            _ => None,
        }
    }
}

/// A flow that fetches a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flow {
    /// The client credentials grant (two-legged).
    ClientCredentials,
    /// Client-Initiated Backchannel Authentication, poll mode.
    Ciba,
    /// The JWT Bearer grant (RFC 7523 §2.1).
    JwtBearer,
    /// The authorization code grant, with PKCE.
    AuthorizationCode,
    /// The refresh token grant.
    RefreshToken,
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flow::ClientCredentials => "the client credentials grant",
            Flow::Ciba => "CIBA",
            Flow::JwtBearer => "the JWT Bearer grant",
            Flow::AuthorizationCode => "the authorization code flow",
            Flow::RefreshToken => "the refresh token grant",
        })
    }
}

/// How a flow ended without a token ([`FlowError::end`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FlowEnd {
    /// The user, or the operator for them, refused (`access_denied`).
    Denied,
    /// The request expired (`expired_token`), or would have before the
    /// next poll: start a new one.
    Expired,
    /// The login hint names no user the operator knows (`unknown_user_id`).
    UnknownUser,
    /// The grant (`auth_req_id`, code, refresh token, assertion) is invalid,
    /// expired or revoked, or, for JWT Bearer, the user has not consented
    /// (`invalid_grant`).
    InvalidGrant,
    /// The `state` a redirect came back with is not the one sent: the
    /// redirect is not the answer to this request.
    StateMismatch,
    /// The authorization server ended the flow with another error code
    /// (see [`FlowError::code`]), e.g. `login_required` on a redirect.
    Refused,
}

impl FlowEnd {
    /// The end an OAuth error code means in a flow, if it is one of the
    /// codes that end flows.
    pub(crate) fn for_code(code: &OAuthErrorCode) -> Option<FlowEnd> {
        match code {
            OAuthErrorCode::AccessDenied => Some(FlowEnd::Denied),
            OAuthErrorCode::ExpiredToken => Some(FlowEnd::Expired),
            OAuthErrorCode::UnknownUserId => Some(FlowEnd::UnknownUser),
            OAuthErrorCode::InvalidGrant => Some(FlowEnd::InvalidGrant),
            _ => None,
        }
    }

    fn words(self) -> &'static str {
        match self {
            FlowEnd::Denied => "access was denied",
            FlowEnd::Expired => "the request expired; start a new one",
            FlowEnd::UnknownUser => "the login hint names no user the operator knows",
            FlowEnd::InvalidGrant => "the grant is invalid, expired or revoked",
            FlowEnd::StateMismatch => {
                "the redirect's state is not the one sent (not the answer to this request)"
            }
            FlowEnd::Refused => "the authorization server refused",
        }
    }
}

/// How and where a flow ended ([`AuthError::Flow`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FlowError {
    /// The flow.
    pub flow: Flow,
    /// How it ended.
    pub end: FlowEnd,
    /// The HTTP status of the answer that ended it; `None` when the core
    /// ended it itself (e.g. a CIBA request that would expire before the
    /// next poll) or the answer was a redirect.
    pub status: Option<StatusCode>,
    /// The OAuth `error` code that ended it; `None` when the core ended it.
    pub code: Option<OAuthErrorCode>,
    /// The server's `error_description`.
    pub description: Option<String>,
}

impl FlowError {
    /// An end the core decided, with no server answer.
    pub(crate) fn local(flow: Flow, end: FlowEnd) -> AuthError {
        AuthError::Flow(Box::new(FlowError {
            flow,
            end,
            status: None,
            code: None,
            description: None,
        }))
    }

    /// `error` as `flow` sees it: an OAuth error whose code ends flows
    /// becomes [`AuthError::Flow`]; anything else is left as it is.
    pub(crate) fn from_oauth(flow: Flow, error: AuthError) -> AuthError {
        match error {
            AuthError::OAuth(oauth) => match FlowEnd::for_code(&oauth.code) {
                Some(end) => AuthError::Flow(Box::new(FlowError {
                    flow,
                    end,
                    status: Some(oauth.status),
                    code: Some(oauth.code),
                    description: oauth.description,
                })),
                None => AuthError::OAuth(oauth),
            },
            other => other,
        }
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ended: {}", self.flow, self.end.words())?;
        match (&self.status, &self.code) {
            (Some(status), Some(code)) => write!(
                f,
                " (HTTP {} {})",
                status.as_u16(),
                printable(code.as_str())
            )?,
            (None, Some(code)) => write!(f, " ({})", printable(code.as_str()))?,
            _ => {}
        }
        if let Some(description) = &self.description {
            write!(f, ": {}", printable(description))?;
        }
        Ok(())
    }
}

impl std::error::Error for FlowError {}

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
    /// Which request was refused, for the message ("token request").
    pub(crate) request: &'static str,
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The code and description are the server's words, escaped.
        write!(
            f,
            "{} refused (HTTP {}): {}",
            self.request,
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
