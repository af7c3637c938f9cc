//! OAuth 2.0 client credentials grant (RFC 6749 §4.4).

use std::borrow::Cow;
use std::sync::Arc;
use std::time::SystemTime;

use http::{Request, Response, StatusCode, Uri};
use qod_models::{SecretString, check_authority, is_loopback_host};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::client_auth::FormRequest;
use crate::auth::{
    AccessToken, AuthError, ClientAuth, ClientAuthMethod, OAuthError, Scope, TokenGrant,
    TokenResponse, check_token_characters,
};
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
        /// CIBA: the user has not yet answered; poll again after the interval.
        AuthorizationPending = "authorization_pending",
        /// CIBA: polling too fast; the interval grows by 5 s for good.
        SlowDown = "slow_down",
        /// CIBA: the `auth_req_id` expired; start a new request.
        ExpiredToken = "expired_token",
        /// The user or the server denied the request (also on an
        /// authorization redirect).
        AccessDenied = "access_denied",
        /// CIBA: the login hint names no user the operator knows.
        UnknownUserId = "unknown_user_id",
        /// CIBA: the signed request object is invalid.
        InvalidRequestObject = "invalid_request_object",
        /// OpenID Connect: the user must log in (authorization redirect).
        LoginRequired = "login_required",
        /// OpenID Connect: the user must consent (authorization redirect).
        ConsentRequired = "consent_required",
        /// OpenID Connect: the user must interact (authorization redirect).
        InteractionRequired = "interaction_required",
        /// The authorization server failed (authorization redirect).
        ServerError = "server_error",
        /// The authorization server is overloaded or down for now
        /// (authorization redirect).
        TemporarilyUnavailable = "temporarily_unavailable",
        /// RFC 9449: the DPoP proof is missing or invalid.
        InvalidDpopProof = "invalid_dpop_proof",
    }
}

/// OAuth 2.0 client credentials: a token URL, a client and how it
/// authenticates ([`ClientAuth`]), and optionally a scope. The secret (or
/// key) never prints.
///
/// ```
/// use qod_core::auth::{ClientAuthMethod, ClientCredentials};
/// let credentials = ClientCredentials::new("https://auth.example.com/oauth/token", "my-app", "s3cret")
///     .unwrap()
///     .with_scope("quality-on-demand:sessions:create")
///     .with_auth_method(ClientAuthMethod::Post);
/// assert!(!format!("{credentials:?}").contains("s3cret"));
/// ```
///
/// With `private_key_jwt` (feature `jwt`), built from a [`ClientAuth`]:
///
/// ```
/// # #[cfg(feature = "jwt")] {
/// # let pem = include_str!("../../tests/fixtures/test-ec-p256.pem");
/// use std::time::{Duration, SystemTime};
/// use qod_core::auth::{AssertionKey, ClientAuth, ClientCredentials};
/// let auth = ClientAuth::private_key_jwt("my-app", AssertionKey::from_pkcs8_pem(pem.as_bytes())?)?;
/// let credentials = ClientCredentials::from_client_auth("https://auth.example.com/oauth/token", auth)?;
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let request = credentials.token_request_at(now, qod_core::models::uuid::Uuid::from_u128(1))?;
/// let body = String::from_utf8(request.body().clone()).unwrap();
/// assert!(body.starts_with("grant_type=client_credentials&client_id=my-app&client_assertion_type="));
/// // Without a time to sign at, there is no assertion.
/// assert!(credentials.token_request().is_err());
/// # }
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    token_url: Uri,
    auth: ClientAuth,
    scope: Option<String>,
    /// A method [`ClientCredentials::with_auth_method`] asked for that the
    /// credentials cannot use; every token request says so.
    refused_method: Option<ClientAuthMethod>,
}

impl ClientCredentials {
    /// Credentials for `token_url`, authenticating with HTTP Basic. The URL
    /// must be https, or http to a loopback host. The client id must be
    /// non-empty, without control characters.
    pub fn new(
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Result<Self, AuthError> {
        let auth = ClientAuth::secret_basic(client_id, client_secret)?;
        Self::from_client_auth(token_url, auth)
    }

    /// Credentials for `token_url` that authenticate as `auth` says, e.g.
    /// with `private_key_jwt`.
    pub fn from_client_auth(token_url: &str, auth: ClientAuth) -> Result<Self, AuthError> {
        Ok(ClientCredentials {
            token_url: parse_token_url(token_url)?,
            auth,
            scope: None,
            refused_method: None,
        })
    }

    /// Asks for `scope` (space-separated scopes).
    #[must_use]
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Switches between the two secret methods (default:
    /// [`ClientAuthMethod::Basic`]). A method these credentials lack the
    /// material for (`PrivateKeyJwt` on a secret, a secret method on a
    /// key) cannot be switched to here: every token request then fails
    /// with [`AuthError::Config`] naming it. Build such credentials with
    /// [`ClientCredentials::from_client_auth`].
    #[must_use]
    pub fn with_auth_method(mut self, method: ClientAuthMethod) -> Self {
        match self.auth.switched_to(method) {
            Some(auth) => {
                self.auth = auth;
                self.refused_method = None;
            }
            None => self.refused_method = Some(method),
        }
        self
    }

    /// The token URL.
    pub fn token_url(&self) -> &Uri {
        &self.token_url
    }

    /// How the client authenticates.
    pub fn client_auth(&self) -> &ClientAuth {
        &self.auth
    }

    /// The token request: `POST` with a form body `grant_type=client_credentials`.
    /// With `private_key_jwt`, which signs an assertion at a given time,
    /// it fails: use [`ClientCredentials::token_request_at`].
    pub fn token_request(&self) -> Result<Request<Vec<u8>>, AuthError> {
        if self.auth.signs_assertions() {
            return Err(AuthError::Config(
                "private_key_jwt signs an assertion at a given time: use token_request_at(now, jti)"
                    .to_owned(),
            ));
        }
        self.token_request_at(SystemTime::UNIX_EPOCH, Uuid::nil())
    }

    /// The token request at `now`; `jti` is the id of the client assertion
    /// with `private_key_jwt`, which must be fresh for each request (a nil
    /// one is refused), and unused otherwise.
    pub fn token_request_at(
        &self,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<Request<Vec<u8>>, AuthError> {
        self.token_request_for(now, jti, None)
    }

    /// Whether the caller gave the scope ([`with_scope`](Self::with_scope));
    /// otherwise each fetch asks for what its call needs.
    pub(crate) fn has_scope(&self) -> bool {
        self.scope.is_some()
    }

    /// The token request, asking for the given scope or, when the caller
    /// gave none, `scope` (what the call needs).
    pub(crate) fn token_request_for(
        &self,
        now: SystemTime,
        jti: Uuid,
        scope: Option<&Scope>,
    ) -> Result<Request<Vec<u8>>, AuthError> {
        if let Some(method) = self.refused_method {
            return Err(AuthError::Config(format!(
                "these credentials cannot authenticate with {method} (it needs {}); \
                 build them with ClientCredentials::from_client_auth",
                match method {
                    ClientAuthMethod::PrivateKeyJwt => "a private key",
                    _ => "a client secret",
                }
            )));
        }
        let mut form = FormRequest::new(self.token_url.clone());
        form.pair("grant_type", "client_credentials");
        match (&self.scope, scope) {
            (Some(given), _) => {
                form.pair("scope", given);
            }
            (None, Some(needed)) => {
                form.pair("scope", needed.as_str());
            }
            (None, None) => {}
        }
        self.auth.apply(&mut form, now, jti)?;
        form.finish()
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
    parse_endpoint_url(text, "token URL")
}

/// Parses an absolute https URL of an authorization server endpoint (or
/// http to loopback), with no user credentials and a port in range. The
/// error calls it `what` and quotes it with any user credentials hidden.
pub(crate) fn parse_endpoint_url(text: &str, what: &str) -> Result<Uri, AuthError> {
    let uri: Uri = text
        .parse()
        .map_err(|e| AuthError::Config(format!("{what} {:?}: {e}", without_userinfo(text))))?;
    check_endpoint_uri(&uri, what)?;
    Ok(uri)
}

/// Checks a parsed endpoint URI by [`parse_endpoint_url`]'s rule.
pub(crate) fn check_endpoint_uri(uri: &Uri, what: &str) -> Result<(), AuthError> {
    let text = uri.to_string();
    if let Some(authority) = uri.authority() {
        check_authority(authority.as_str()).map_err(|rule| {
            AuthError::Config(format!("{what} {:?}: {rule}", without_userinfo(&text)))
        })?;
    }
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(()),
        Some("http") if is_loopback_host(host) => Ok(()),
        _ => Err(AuthError::Config(format!(
            "{what} {:?} must be an absolute https URL (plain http only to loopback)",
            without_userinfo(&text)
        ))),
    }
}

/// `url` with any `user:password@` of its authority written `[redacted]@`,
/// to quote it in an error.
fn without_userinfo(url: &str) -> Cow<'_, str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Cow::Borrowed(url);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => Cow::Owned(format!("{scheme}://[redacted]{}", &rest[at..])),
        None => Cow::Borrowed(url),
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
    parse_token_grant(response, now, require_bearer).map(TokenGrant::into_access_token)
}

/// An RFC 6749 §5.2 error answer as [`AuthError::OAuth`], or, when the body
/// is not one, [`AuthError::TokenEndpoint`]. `request` names what was
/// refused in the message ("token request").
pub(crate) fn error_response(
    status: StatusCode,
    body: Vec<u8>,
    request: &'static str,
) -> AuthError {
    match serde_json::from_slice::<ErrorResponse>(&body) {
        Ok(error) => AuthError::OAuth(Box::new(OAuthError {
            status,
            code: OAuthErrorCode::from(error.error),
            description: error.error_description,
            uri: error.error_uri,
            request,
        })),
        Err(_) => AuthError::TokenEndpoint {
            status,
            body: body.into(),
        },
    }
}

/// [`parse_token_response`] with what came beside the access token: the
/// refresh token and the granted scope.
pub(crate) fn parse_token_grant(
    response: Response<Vec<u8>>,
    now: SystemTime,
    require_bearer: bool,
) -> Result<TokenGrant, AuthError> {
    let (parts, body) = response.into_parts();
    if !parts.status.is_success() {
        return Err(error_response(parts.status, body, "token request"));
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
    Ok(token.into_grant(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn user_credentials_in_a_url_are_not_quoted() {
        for url in [
            "https://user:canary-pw@auth.example.com/token",
            "http://canary-pw@127.0.0.1:8080/token?a=b@c",
            "https://user:canary-pw@auth.example.com",
        ] {
            let error = parse_token_url(url).unwrap_err().to_string();
            assert!(!error.contains("canary"), "{error}");
            assert!(error.contains("[redacted]@"), "{error}");
            assert!(error.contains("credentials"), "{error}");
        }
        assert_eq!(
            without_userinfo("https://h.example/p?q=a@b"),
            "https://h.example/p?q=a@b"
        );
        let error = parse_endpoint_url("ftp://h.example/x", "discovery URL").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid credentials: discovery URL")
        );
    }

    #[test]
    fn a_method_without_its_material_fails_every_request() {
        let credentials = ClientCredentials::new("https://as.example.com/token", "id", "s")
            .unwrap()
            .with_auth_method(ClientAuthMethod::PrivateKeyJwt);
        let error = credentials.token_request().unwrap_err().to_string();
        assert!(
            error.contains("private_key_jwt") && error.contains("from_client_auth"),
            "{error}"
        );
        // Switching back to a secret method cures it.
        let fixed = credentials.with_auth_method(ClientAuthMethod::Post);
        let request = fixed.token_request().unwrap();
        assert_eq!(
            request.body(),
            b"grant_type=client_credentials&client_id=id&client_secret=s"
        );
        assert_eq!(fixed.client_auth().method(), ClientAuthMethod::Post);
    }

    #[test]
    fn token_request_at_is_token_request_for_secrets() {
        let credentials = ClientCredentials::new("https://as.example.com/token", "id", "s")
            .unwrap()
            .with_scope("a b");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let at = credentials
            .token_request_at(now, Uuid::from_u128(9))
            .unwrap();
        let plain = credentials.token_request().unwrap();
        assert_eq!(at.body(), plain.body());
        assert_eq!(at.headers(), plain.headers());
        assert_eq!(at.body(), b"grant_type=client_credentials&scope=a+b");
    }

    #[cfg(feature = "jwt")]
    #[test]
    fn client_credentials_with_private_key_jwt() {
        use crate::auth::assertion::tests::{p256_key, verify};
        let key = p256_key();
        let auth = ClientAuth::private_key_jwt("my-app", key.clone()).unwrap();
        let credentials =
            ClientCredentials::from_client_auth("https://as.example.com/oauth/token", auth)
                .unwrap()
                .with_scope("qos-profiles:read");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let request = credentials
            .token_request_at(now, Uuid::from_u128(3))
            .unwrap();
        let fields: Vec<(String, String)> = form_urlencoded::parse(request.body())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            fields[0],
            ("grant_type".into(), "client_credentials".into())
        );
        assert_eq!(fields[1], ("scope".into(), "qos-profiles:read".into()));
        assert_eq!(fields[2], ("client_id".into(), "my-app".into()));
        let (_, claims) = verify(&fields[4].1, &key);
        assert_eq!(claims["aud"], "https://as.example.com/oauth/token");
        assert!(credentials.token_request().is_err());
        assert!(!format!("{credentials:?}").contains(&fields[4].1[..20]));
    }
}
