//! OAuth 2.0 client credentials grant (RFC 6749 §4.4).

use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Response, Uri};
use qod_models::{SecretString, check_authority, is_loopback_host};
use serde::Deserialize;

use crate::auth::{AccessToken, AuthError, OAuthError, TokenResponse, check_token_characters};
use qod_models::open_enum;

open_enum! {
    /// The `error` of an RFC 6749 §5.2 response.
    pub enum OAuthErrorCode {
        /// The request is malformed.
        InvalidRequest = "invalid_request",
        /// Client authentication failed.
        InvalidClient = "invalid_client",
        /// The grant is invalid or expired.
        InvalidGrant = "invalid_grant",
        /// The client may not use this grant type.
        UnauthorizedClient = "unauthorized_client",
        /// The server does not support this grant type.
        UnsupportedGrantType = "unsupported_grant_type",
        /// The scope is invalid or too wide.
        InvalidScope = "invalid_scope",
    }
}

/// How the client authenticates to the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientAuthMethod {
    /// HTTP Basic with the form-urlencoded id and secret (`client_secret_basic`).
    Basic,
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    Post,
}

/// OAuth 2.0 client credentials: a token URL, a client id and secret, and
/// optionally a scope. The secret never prints.
///
/// ```
/// use qod_core::auth::{ClientAuthMethod, ClientCredentials};
/// let credentials = ClientCredentials::new("https://auth.example.com/oauth/token", "my-app", "s3cret")
///     .unwrap()
///     .with_scope("quality-on-demand:sessions:create")
///     .with_auth_method(ClientAuthMethod::Post);
/// assert!(!format!("{credentials:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    token_url: Uri,
    client_id: String,
    client_secret: SecretString,
    scope: Option<String>,
    method: ClientAuthMethod,
}

impl ClientCredentials {
    /// Credentials for `token_url`, authenticating with HTTP Basic. The URL
    /// must be https, or http to a loopback host.
    pub fn new(
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Result<Self, AuthError> {
        let client_id = client_id.into();
        if client_id.is_empty() {
            return Err(AuthError::Config("the client id is empty".to_owned()));
        }
        Ok(ClientCredentials {
            token_url: parse_token_url(token_url)?,
            client_id,
            client_secret: client_secret.into(),
            scope: None,
            method: ClientAuthMethod::Basic,
        })
    }

    /// Asks for `scope` (space-separated scopes).
    #[must_use]
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Sets how the client authenticates (default: [`ClientAuthMethod::Basic`]).
    #[must_use]
    pub fn with_auth_method(mut self, method: ClientAuthMethod) -> Self {
        self.method = method;
        self
    }

    /// The token URL.
    pub fn token_url(&self) -> &Uri {
        &self.token_url
    }

    /// The token request: `POST` with a form body `grant_type=client_credentials`.
    pub fn token_request(&self) -> Result<Request<Vec<u8>>, AuthError> {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        if let Some(scope) = &self.scope {
            form.append_pair("scope", scope);
        }
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(self.token_url.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json");
        match self.method {
            ClientAuthMethod::Basic => {
                // §2.3.1: each part is form-urlencoded before they are joined.
                let id: String =
                    form_urlencoded::byte_serialize(self.client_id.as_bytes()).collect();
                let secret: String =
                    form_urlencoded::byte_serialize(self.client_secret.expose().as_bytes())
                        .collect();
                let mut value = HeaderValue::try_from(format!(
                    "Basic {}",
                    STANDARD.encode(format!("{id}:{secret}"))
                ))
                .map_err(|e| AuthError::Config(e.to_string()))?;
                value.set_sensitive(true);
                builder = builder.header(AUTHORIZATION, value);
            }
            ClientAuthMethod::Post => {
                form.append_pair("client_id", &self.client_id);
                form.append_pair("client_secret", self.client_secret.expose());
            }
        }
        builder
            .body(form.finish().into_bytes())
            .map_err(|e| AuthError::Config(e.to_string()))
    }

    /// Reads the token endpoint's answer.
    pub fn parse_token_response(
        &self,
        response: Response<Vec<u8>>,
        now: SystemTime,
    ) -> Result<AccessToken, AuthError> {
        parse_token_response(response, now, true)
    }
}

/// Parses an absolute https token URL (or http to loopback), with no user
/// credentials and a port in range.
pub(crate) fn parse_token_url(text: &str) -> Result<Uri, AuthError> {
    let uri: Uri = text
        .parse()
        .map_err(|e| AuthError::Config(format!("token URL {text:?}: {e}")))?;
    if let Some(authority) = uri.authority() {
        check_authority(authority.as_str())
            .map_err(|rule| AuthError::Config(format!("token URL {text:?}: {rule}")))?;
    }
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(uri),
        Some("http") if is_loopback_host(host) => Ok(uri),
        _ => Err(AuthError::Config(format!(
            "token URL {text:?} must be an absolute https URL (plain http only to loopback)"
        ))),
    }
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    error_uri: Option<String>,
}

/// Reads a token response (RFC 6749 §5.1) or error (§5.2). With
/// `require_bearer`, a `token_type` other than bearer (any case) is refused;
/// a missing `token_type` is accepted, as T-Mobile omits it.
pub(crate) fn parse_token_response(
    response: Response<Vec<u8>>,
    now: SystemTime,
    require_bearer: bool,
) -> Result<AccessToken, AuthError> {
    let (parts, body) = response.into_parts();
    if !parts.status.is_success() {
        return Err(match serde_json::from_slice::<ErrorResponse>(&body) {
            Ok(error) => AuthError::OAuth(Box::new(OAuthError {
                status: parts.status,
                code: OAuthErrorCode::from(error.error),
                description: error.error_description,
                uri: error.error_uri,
            })),
            Err(_) => AuthError::TokenEndpoint {
                status: parts.status,
                body: body.into(),
            },
        });
    }
    let token: TokenResponse = match serde_json::from_slice(&body) {
        Ok(token) => token,
        Err(source) => {
            return Err(AuthError::TokenDecode {
                body: body.into(),
                source: Arc::new(source),
            });
        }
    };
    if require_bearer
        && let Some(kind) = &token.token_type
        && !kind.eq_ignore_ascii_case("bearer")
    {
        return Err(AuthError::UnsupportedTokenType(kind.clone()));
    }
    if token.access_token.is_empty() {
        return Err(AuthError::TokenEndpoint {
            status: parts.status,
            body: body.into(),
        });
    }
    if let Err(rule) = check_token_characters(token.access_token.expose()) {
        return Err(AuthError::UnusableToken(rule));
    }
    Ok(token.into_token(now))
}
