//! Authentication as pure state machines: the core builds token requests and
//! reads token responses; whatever transport the caller has sends them.
//!
//! Three modes: a static bearer token, OAuth 2.0 client credentials, and
//! T-Mobile TAAP (access token plus a proof-of-possession token per call).
//!
//! And the pieces of CAMARA's three-legged flows (ICM Security and
//! Interoperability Profile), each a pure request builder and answer
//! reader that takes the time and ids as arguments:
//!
//! - [`ClientAuth`]: `client_secret_basic`, `client_secret_post` and
//!   `private_key_jwt` (feature `jwt`, with an `AssertionKey`) on any
//!   request to the authorization server;
//! - [`Scope`], [`Purpose`] and each operation's scope in [`scopes`];
//! - [`Subject`]: the `login_hint` / `sub` forms `tel:`, `ipport:`,
//!   `operatortoken:`;
//! - [`ciba`]: CIBA poll mode ([`CibaPending`]);
//! - `jwt_bearer` (feature `jwt`): the JWT Bearer grant;
//! - [`refresh`]: the refresh token grant, with rotation;
//! - `pkce` (feature `jwt`): the authorization code flow with PKCE;
//! - [`Discovery`]: OpenID Provider metadata.
//!
//! A flow that ends in a way an application may act on (denied, expired,
//! unknown user, invalid grant) is [`AuthError::Flow`].

#[cfg(feature = "jwt")]
mod assertion;
mod cache;
pub mod ciba;
pub(crate) mod client_auth;
mod discovery;
mod error;
#[cfg(feature = "jwt")]
pub mod jwt_bearer;
pub(crate) mod oauth2;
#[cfg(feature = "jwt")]
pub mod pkce;
#[cfg(feature = "tmobile")]
mod pop;
pub mod refresh;
mod scope;
mod subject;
#[cfg(feature = "tmobile")]
mod taap;
mod token;

#[cfg(feature = "jwt")]
pub use assertion::{
    AssertionKey, DEFAULT_ASSERTION_LIFETIME, DEFAULT_ASSERTION_TYPE, JwsAlgorithm,
    MAX_ASSERTION_LIFETIME,
};
pub use cache::TokenWait;
pub(crate) use cache::{CacheLookup, FetchId, FetchPermit, TokenCache};
pub use ciba::{CibaPending, CibaPoll};
pub use client_auth::{CLIENT_ASSERTION_TYPE_JWT_BEARER, ClientAuth, ClientAuthMethod};
pub use discovery::{Discovery, IssuerCheck, ProviderMetadata, WELL_KNOWN_OPENID_CONFIGURATION};
pub use error::{AuthError, Flow, FlowEnd, FlowError, OAuthError};
pub use oauth2::{ClientCredentials, OAuthErrorCode};
#[cfg(feature = "jwt")]
pub use pkce::{
    AuthorizationCode, AuthorizationCodeFlow, AuthorizationPending, AuthorizationRandom,
};
#[cfg(feature = "tmobile")]
pub use pop::{POP_LIFETIME_SECONDS, PopSigner, X_AUTHORIZATION};
pub use scope::{DEFAULT_PURPOSE, OFFLINE_ACCESS, OPENID, Purpose, Scope, scopes};
pub use subject::{Subject, SubjectKind};
#[cfg(feature = "tmobile")]
pub use taap::{TAAP_TOKEN_PATH, TaapCredentials};
pub use token::{AccessToken, RefreshToken, TokenGrant};

pub(crate) use token::{TokenResponse, check_token_characters};

use std::time::{Duration, SystemTime};

use http::header::AUTHORIZATION;
use http::{HeaderValue, Request, Response};
use uuid::Uuid;

use crate::Endpoint;

/// How long before expiry a token is refreshed, by default.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How a client authenticates.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// No authentication (a local sandbox).
    None,
    /// A bearer token the caller already has. It is used until the caller
    /// replaces the client; a 401 is returned as an error.
    Bearer(AccessToken),
    /// OAuth 2.0 client credentials (RFC 6749 §4.4).
    ClientCredentials(ClientCredentials),
    /// T-Mobile TAAP: access token plus a PoP token on every call.
    #[cfg(feature = "tmobile")]
    TMobile(TaapCredentials),
}

impl Credentials {
    /// A static bearer token. Refused when it cannot be sent in an
    /// `Authorization` header: empty, with anything but visible ASCII
    /// (RFC 6750's `b64token` is a subset of that), or longer than
    /// [`MAX_BEARER_TOKEN_BYTES`]. The error never quotes the token.
    ///
    /// ```
    /// use qod_core::Credentials;
    /// assert!(Credentials::bearer("eyJhbGciOi.abc-123_~+/=").is_ok());
    /// assert!(Credentials::bearer("").is_err());
    /// assert!(Credentials::bearer("tök").is_err());
    /// assert!(Credentials::bearer("two words").is_err());
    /// ```
    pub fn bearer(
        token: impl Into<qod_models::SecretString>,
    ) -> Result<Self, qod_models::ValidationError> {
        let token = token.into();
        let refused = |rule| qod_models::ValidationError::new("bearer token", rule);
        check_token_characters(token.expose()).map_err(refused)?;
        if token.expose().len() > MAX_BEARER_TOKEN_BYTES {
            return Err(refused("it is longer than 16 KiB"));
        }
        Ok(Credentials::Bearer(AccessToken::new(token)))
    }
}

/// The longest bearer token a caller may hand in: 16 KiB, above any real
/// token and twice the header line many servers accept. Tokens a token
/// endpoint issues are not held to it: what the server made, it can read.
pub const MAX_BEARER_TOKEN_BYTES: usize = 16 * 1024;

impl From<ClientCredentials> for Credentials {
    fn from(credentials: ClientCredentials) -> Self {
        Credentials::ClientCredentials(credentials)
    }
}

#[cfg(feature = "tmobile")]
impl From<TaapCredentials> for Credentials {
    fn from(credentials: TaapCredentials) -> Self {
        Credentials::TMobile(credentials)
    }
}

/// What to do before a call can be authorized.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // short-lived, moved once: boxing would only add an allocation
pub(crate) enum TokenStep {
    /// Authorize the call with this token (`None`: no authentication).
    Ready(Option<AccessToken>),
    /// Send `request` to the token endpoint and hand its response, with the
    /// permit, to [`Authenticator::finish_fetch`].
    Fetch {
        /// The token request.
        request: Request<Vec<u8>>,
        /// The permit to store the token.
        permit: FetchPermit,
    },
    /// Another caller of this client is fetching: wait for it, then ask again.
    Wait(TokenWait),
}

/// Credentials with their per-client token cache. The calls of a client
/// share it: a burst makes one token request, and a failed fetch is the
/// error of every call that waited for it. How a call gets its token is the
/// call's business ([`crate::Call`]); this type only holds what they share.
///
/// ```
/// use std::time::Duration;
/// use qod_core::auth::{Authenticator, Credentials};
/// let auth = Authenticator::new(Credentials::bearer("abc123")?)
///     .with_refresh_margin(Duration::from_secs(30));
/// // A static token cannot be fetched again after a 401.
/// assert!(!auth.can_refresh());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Authenticator {
    credentials: Credentials,
    cache: TokenCache,
    refresh_margin: Duration,
}

impl Authenticator {
    /// An authenticator with an empty cache of its own.
    pub fn new(credentials: Credentials) -> Self {
        Authenticator {
            credentials,
            cache: TokenCache::new(),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
        }
    }

    /// Refreshes tokens `margin` before they expire (default 60 s; at most
    /// half a token's lifetime).
    #[must_use]
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Whether calls carry a per-request signature (TAAP PoP tokens), which
    /// needs a fresh `jti` each time.
    pub fn signs_requests(&self) -> bool {
        #[cfg(feature = "tmobile")]
        if let Credentials::TMobile(_) = self.credentials {
            return true;
        }
        false
    }

    /// Whether fetching a new token can cure a 401.
    pub fn can_refresh(&self) -> bool {
        !matches!(self.credentials, Credentials::None | Credentials::Bearer(_))
    }

    /// The token for a call at `now`, the request that fetches one, or the
    /// wait for another caller's fetch. Never blocks. `waited` is the fetch
    /// this call waited for last, if any: when that fetch failed, its error
    /// is this call's too. `jti` makes the id of a TAAP token request's PoP
    /// token; it is called only when that request is built, so a call with
    /// a fresh token spends no random draw on it.
    pub(crate) fn token(
        &self,
        endpoint: &Endpoint,
        now: SystemTime,
        waited: Option<FetchId>,
        jti: impl FnOnce() -> Uuid,
    ) -> Result<TokenStep, AuthError> {
        if let Credentials::None = self.credentials {
            return Ok(TokenStep::Ready(None));
        }
        if let Credentials::Bearer(token) = &self.credentials {
            return Ok(TokenStep::Ready(Some(token.clone())));
        }
        match self.cache.lookup(now, self.refresh_margin, waited) {
            CacheLookup::Fresh(token) => Ok(TokenStep::Ready(Some(token))),
            CacheLookup::Wait(wait) => Ok(TokenStep::Wait(wait)),
            CacheLookup::Failed(error) => Err(error),
            CacheLookup::Fetch(permit) => Ok(TokenStep::Fetch {
                request: self.token_request(endpoint, now, jti())?,
                permit,
            }),
        }
    }

    /// A request to the token endpoint, e.g. to try a failed fetch again
    /// while holding its [`FetchPermit`].
    #[cfg_attr(not(feature = "tmobile"), allow(unused_variables))]
    pub(crate) fn token_request(
        &self,
        endpoint: &Endpoint,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<Request<Vec<u8>>, AuthError> {
        match &self.credentials {
            Credentials::ClientCredentials(credentials) => credentials.token_request_at(now, jti),
            #[cfg(feature = "tmobile")]
            Credentials::TMobile(credentials) => credentials.token_request(endpoint, now, jti),
            Credentials::None | Credentials::Bearer(_) => Err(AuthError::Config(
                "these credentials fetch no token".to_owned(),
            )),
        }
    }

    /// Reads the token endpoint's response and, on success, caches the token.
    /// On failure the fetch ends with the error, which the callers that
    /// waited for it get too; the next caller fetches again.
    pub(crate) fn finish_fetch(
        &self,
        permit: FetchPermit,
        response: Response<Vec<u8>>,
        now: SystemTime,
    ) -> Result<AccessToken, AuthError> {
        let parsed = match &self.credentials {
            Credentials::ClientCredentials(credentials) => {
                credentials.parse_token_response(response, now)
            }
            #[cfg(feature = "tmobile")]
            Credentials::TMobile(credentials) => credentials.parse_token_response(response, now),
            Credentials::None | Credentials::Bearer(_) => Err(AuthError::Config(
                "these credentials fetch no token".to_owned(),
            )),
        };
        match parsed {
            Ok(token) => {
                permit.complete(token.clone());
                Ok(token)
            }
            Err(error) => {
                permit.fail(error.clone());
                Err(error)
            }
        }
    }

    /// Sets `Authorization: Bearer` and, for TAAP, a fresh PoP token over the
    /// final request. Call it last, once per attempt.
    pub(crate) fn authorize(
        &self,
        request: &mut Request<Vec<u8>>,
        token: Option<&AccessToken>,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<(), AuthError> {
        if let Some(token) = token {
            // Checked when the token was made; checked again, as a header
            // carrying anything else fails in one transport and goes out in another.
            check_token_characters(token.secret()).map_err(AuthError::UnusableToken)?;
            let mut value = HeaderValue::try_from(format!("Bearer {}", token.secret()))
                .map_err(|_| AuthError::UnusableToken("it is not a valid header value"))?;
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        #[cfg(feature = "tmobile")]
        if let Credentials::TMobile(credentials) = &self.credentials {
            credentials.add_pop(request, now, jti)?;
        }
        #[cfg(not(feature = "tmobile"))]
        let _ = (now, jti);
        Ok(())
    }

    /// Forgets `token` after a 401, so the next call fetches a new one.
    pub(crate) fn invalidate(&self, token: &AccessToken) {
        self.cache.invalidate(token);
    }
}
