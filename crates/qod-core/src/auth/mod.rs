//! Authentication as pure state machines: the core builds token requests and
//! reads token responses; whatever transport the caller has sends them.
//!
//! The credentials ([`Credentials`]): none, a static bearer token, an API
//! key, OAuth 2.0 client credentials, and T-Mobile TAAP (access token plus a
//! proof-of-possession token per call).
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

mod api_key;
#[cfg(feature = "jwt")]
mod assertion;
mod cache;
pub mod ciba;
pub(crate) mod client_auth;
mod discovery;
mod error;
mod flow;
#[cfg(feature = "jwt")]
pub mod jwt_bearer;
pub(crate) mod oauth2;
#[cfg(feature = "jwt")]
pub mod pkce;
#[cfg(feature = "tmobile")]
mod pop;
pub mod refresh;
mod scope;
mod server;
mod subject;
#[cfg(feature = "tmobile")]
mod taap;
mod three_legged;
mod token;

pub use api_key::ApiKeyCredentials;
#[cfg(feature = "jwt")]
pub use assertion::{
    AssertionKey, DEFAULT_ASSERTION_LIFETIME, DEFAULT_ASSERTION_TYPE, JwsAlgorithm,
    MAX_ASSERTION_LIFETIME,
};
pub(crate) use cache::{CacheLookup, FetchId, TokenCache};
pub use cache::{DEFAULT_MAX_SUBJECTS, TokenWait};
pub use ciba::{CibaPending, CibaPoll};
pub use client_auth::{CLIENT_ASSERTION_TYPE_JWT_BEARER, ClientAuth, ClientAuthMethod};
pub use discovery::{Discovery, IssuerCheck, ProviderMetadata, WELL_KNOWN_OPENID_CONFIGURATION};
pub use error::{AuthError, Flow, FlowEnd, FlowError, OAuthError};
pub(crate) use flow::{FlowStep, TokenFlow};
pub use oauth2::{ClientCredentials, OAuthErrorCode};
#[cfg(feature = "jwt")]
pub use pkce::{
    AuthorizationCode, AuthorizationCodeFlow, AuthorizationPending, AuthorizationRandom,
};
#[cfg(feature = "tmobile")]
pub use pop::{POP_LIFETIME_SECONDS, PopSigner, X_AUTHORIZATION};
pub use scope::{DEFAULT_PURPOSE, OFFLINE_ACCESS, OPENID, Purpose, Scope, scopes};
pub use server::AuthorizationServer;
pub use subject::{Subject, SubjectKind};
#[cfg(feature = "tmobile")]
pub use taap::{TAAP_TOKEN_PATH, TaapCredentials};
pub use three_legged::{UserCredentials, UserGrant};
pub use token::{AccessToken, RefreshToken, TokenGrant};

pub(crate) use token::{TokenResponse, check_token_characters};

use std::time::{Duration, SystemTime};

use http::header::AUTHORIZATION;
use http::{HeaderValue, Request};
use uuid::Uuid;

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
    /// An API key (or several) in headers, no OAuth: gateways such as
    /// Nokia Network as Code behind RapidAPI.
    ApiKey(ApiKeyCredentials),
    /// Tokens that each act for one user (three-legged): CIBA, JWT Bearer
    /// or the authorization code flow.
    User(UserCredentials),
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

impl From<UserCredentials> for Credentials {
    fn from(credentials: UserCredentials) -> Self {
        Credentials::User(credentials)
    }
}

impl From<ApiKeyCredentials> for Credentials {
    fn from(credentials: ApiKeyCredentials) -> Self {
        Credentials::ApiKey(credentials)
    }
}

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

/// Whose tokens credentials get, for QoD 1.x's device rule
/// ([`crate::operations::DeviceField`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenLegs {
    /// Not known: a token the caller brings, or none. The rule is not
    /// applied; the server judges.
    Unknown,
    /// Two-legged: the token names the application only (client
    /// credentials, TAAP), so requests name the device.
    Two,
    /// Three-legged: the token names one user's device (CIBA, JWT Bearer,
    /// authorization code), so requests must not.
    Three,
}

/// A subject's fetch permit, with the flow it goes on with.
pub(crate) type FetchPermit = cache::FetchPermit<TokenFlow>;

/// Whose token a call needs: no one's for a two-legged client, one
/// subject's for a three-legged one.
pub(crate) type TokenKey = Option<Subject>;

/// What to do before a call can be authorized.
#[derive(Debug)]
pub(crate) enum TokenStep {
    /// Authorize the call with this token (`None`: no authentication).
    Ready(Option<AccessToken>),
    /// Drive `flow` to a token ([`TokenFlow::request`], then
    /// [`TokenFlow::receive`] with each answer) and end the fetch with the
    /// permit: complete, fail or hand over.
    Fetch {
        /// The permit to store the token.
        permit: FetchPermit,
        /// Where the fetch stands: at its start, or where a call that ran
        /// out of time left it.
        flow: TokenFlow,
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
    cache: TokenCache<TokenKey, TokenFlow>,
    refresh_margin: Duration,
}

impl Authenticator {
    /// An authenticator with an empty cache of its own.
    pub fn new(credentials: Credentials) -> Self {
        Authenticator {
            credentials,
            cache: TokenCache::new(DEFAULT_MAX_SUBJECTS),
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

    /// Whose tokens these credentials get.
    pub fn legs(&self) -> TokenLegs {
        match self.credentials {
            Credentials::None | Credentials::Bearer(_) => TokenLegs::Unknown,
            // A gateway's key names the application, as client credentials do.
            Credentials::ClientCredentials(_) | Credentials::ApiKey(_) => TokenLegs::Two,
            #[cfg(feature = "tmobile")]
            Credentials::TMobile(_) => TokenLegs::Two,
            Credentials::User(_) => TokenLegs::Three,
        }
    }

    /// Whose token a call for `subject` (from its options) uses: the
    /// subject, or the credentials' default, for three-legged credentials
    /// (an error names what is missing); no one's otherwise.
    pub(crate) fn token_key(&self, subject: Option<&Subject>) -> Result<TokenKey, AuthError> {
        match &self.credentials {
            Credentials::User(user) => subject
                .or(user.subject.as_ref())
                .cloned()
                .map(Some)
                .ok_or_else(|| {
                    AuthError::Config(
                        "three-legged credentials act for one user at a time: name the call's \
                         subject (CallOptions::with_subject) or a default one \
                         (UserCredentials::with_default_subject)"
                            .to_owned(),
                    )
                }),
            _ => Ok(None),
        }
    }

    /// Stores `grant`, a token the application got for `subject` (by the
    /// authorization code flow, say), as that subject's: calls for it use
    /// it, and its refresh token renews it. Refused for credentials that
    /// are not three-legged.
    pub fn store_user_token(&self, subject: Subject, grant: TokenGrant) -> Result<(), AuthError> {
        if self.legs() != TokenLegs::Three {
            return Err(AuthError::Config(
                "only three-legged credentials hold users' tokens".to_owned(),
            ));
        }
        self.cache.store(&Some(subject), grant);
        Ok(())
    }

    /// How many subjects' tokens the cache holds.
    pub fn cached_subjects(&self) -> usize {
        self.cache.len()
    }

    /// Whether fetching a new token can cure a 401.
    pub fn can_refresh(&self) -> bool {
        !matches!(
            self.credentials,
            Credentials::None | Credentials::Bearer(_) | Credentials::ApiKey(_)
        )
    }

    /// The token of `key` for a call of an operation whose scope is
    /// `operation_scope` on an API of `version` at `now`, the flow that
    /// fetches one, or the wait for another caller's fetch. Never blocks.
    /// `waited` is the fetch this call waited for last, if any: when that
    /// fetch failed, its error is this call's too.
    pub(crate) fn token(
        &self,
        key: &TokenKey,
        operation_scope: &'static str,
        version: crate::ApiVersion,
        now: SystemTime,
        waited: Option<FetchId>,
    ) -> Result<TokenStep, AuthError> {
        if let Credentials::None = self.credentials {
            return Ok(TokenStep::Ready(None));
        }
        if let Credentials::Bearer(token) = &self.credentials {
            return Ok(TokenStep::Ready(Some(token.clone())));
        }
        if let Credentials::ApiKey(_) = self.credentials {
            return Ok(TokenStep::Ready(None));
        }
        // What the call needs its token to cover, and what a fetch asks for.
        let per_call = match &self.credentials {
            Credentials::User(user) => Some(&user.scope),
            // Two-legged: the scope the caller gave, else each API's (1.x only:
            // 0.10's client credentials name none).
            Credentials::ClientCredentials(credentials)
                if !credentials.has_scope() && version == crate::ApiVersion::V1 =>
            {
                Some(&three_legged::TWO_LEGGED)
            }
            _ => None,
        };
        let needed = per_call.and_then(|choice| choice.needed(operation_scope));
        match self
            .cache
            .lookup(key, now, self.refresh_margin, waited, needed)
        {
            CacheLookup::Fresh(token) => Ok(TokenStep::Ready(Some(token))),
            CacheLookup::Wait(wait) => Ok(TokenStep::Wait(wait)),
            CacheLookup::Failed(error) => Err(error),
            CacheLookup::Fetch(start) => {
                let flow = match start.handed_over {
                    Some(flow) => flow,
                    None => {
                        let previous = start.previous_scope.as_ref();
                        let scope = match per_call {
                            Some(choice) => Some(choice.to_request(operation_scope, previous)?),
                            None => None,
                        };
                        TokenFlow::start(key.clone(), scope, start.refresh)
                    }
                };
                Ok(TokenStep::Fetch {
                    permit: start.permit,
                    flow,
                })
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
        if let Credentials::ApiKey(credentials) = &self.credentials {
            credentials.authorize(request);
        }
        #[cfg(feature = "tmobile")]
        if let Credentials::TMobile(credentials) = &self.credentials {
            credentials.add_pop(request, now, jti)?;
        }
        #[cfg(not(feature = "tmobile"))]
        let _ = (now, jti);
        Ok(())
    }

    /// Forgets `token` of `key` after a 401, so the next call fetches a new one.
    pub(crate) fn invalidate(&self, key: &TokenKey, token: &AccessToken) {
        self.cache.invalidate(key, token);
    }
}
