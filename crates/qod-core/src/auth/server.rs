//! Where an authorization server's endpoints come from: given, or read once
//! from its OpenID Provider metadata (discovery) by the first fetch.

use std::sync::{Arc, OnceLock};

use http::Uri;

use crate::auth::oauth2::parse_endpoint_url;
use crate::auth::{AuthError, Discovery, Flow, ProviderMetadata};

/// The token, backchannel and authorization endpoints of an authorization
/// server: given explicitly, or discovered from its
/// `/.well-known/openid-configuration` by the first token fetch and kept for
/// the client's life (a discovery is a read: retried like one).
///
/// ```
/// use qod_core::auth::{AuthorizationServer, Discovery};
/// let given = AuthorizationServer::new("https://auth.example.com/token")?
///     .with_backchannel_url("https://auth.example.com/bc-authorize")?;
/// assert!(given.discovery().is_none());
/// let discovered = AuthorizationServer::discover(Discovery::new(
///     "https://auth.example.com/.well-known/openid-configuration",
/// )?);
/// assert!(discovered.discovery().is_some());
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct AuthorizationServer {
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    Given(Endpoints),
    Discovered {
        discovery: Discovery,
        /// Shared by the clones of the credentials: one discovery per client.
        metadata: Arc<OnceLock<Arc<ProviderMetadata>>>,
    },
}

/// The endpoints a flow sends to.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    pub(crate) token: Uri,
    pub(crate) backchannel: Option<Uri>,
    pub(crate) authorization: Option<Uri>,
}

impl AuthorizationServer {
    /// A server whose token endpoint is `token_url` (https, or http to a
    /// loopback host).
    pub fn new(token_url: &str) -> Result<Self, AuthError> {
        Ok(AuthorizationServer {
            source: Source::Given(Endpoints {
                token: parse_endpoint_url(token_url, "token URL")?,
                backchannel: None,
                authorization: None,
            }),
        })
    }

    /// A server read from its metadata, as `discovery` says where and how.
    pub fn discover(discovery: Discovery) -> Self {
        AuthorizationServer {
            source: Source::Discovered {
                discovery,
                metadata: Arc::default(),
            },
        }
    }

    /// Sets the backchannel authentication endpoint (CIBA's `bc-authorize`)
    /// of a server given explicitly; a discovered one reads it from its
    /// metadata, and this is refused.
    pub fn with_backchannel_url(mut self, url: &str) -> Result<Self, AuthError> {
        let uri = parse_endpoint_url(url, "backchannel authentication URL")?;
        match &mut self.source {
            Source::Given(endpoints) => endpoints.backchannel = Some(uri),
            Source::Discovered { .. } => return Err(given_and_discovered()),
        }
        Ok(self)
    }

    /// Sets the authorization endpoint of a server given explicitly.
    pub fn with_authorization_url(mut self, url: &str) -> Result<Self, AuthError> {
        let uri = parse_endpoint_url(url, "authorization URL")?;
        match &mut self.source {
            Source::Given(endpoints) => endpoints.authorization = Some(uri),
            Source::Discovered { .. } => return Err(given_and_discovered()),
        }
        Ok(self)
    }

    /// How the metadata is discovered, when it is.
    pub fn discovery(&self) -> Option<&Discovery> {
        match &self.source {
            Source::Given(_) => None,
            Source::Discovered { discovery, .. } => Some(discovery),
        }
    }

    /// The metadata, once discovered.
    pub fn metadata(&self) -> Option<&ProviderMetadata> {
        match &self.source {
            Source::Given(_) => None,
            Source::Discovered { metadata, .. } => metadata.get().map(|m| &**m),
        }
    }

    /// The token endpoint: the one given, or the discovered one once the
    /// metadata is read (`None` before).
    ///
    /// ```
    /// use qod_core::auth::{AuthorizationServer, Discovery};
    /// let given = AuthorizationServer::new("https://auth.example.com/token")?
    ///     .with_backchannel_url("https://auth.example.com/bc-authorize")?;
    /// assert_eq!(given.token_url().map(|u| u.to_string()).as_deref(), Some("https://auth.example.com/token"));
    /// assert_eq!(
    ///     given.backchannel_url().map(|u| u.to_string()).as_deref(),
    ///     Some("https://auth.example.com/bc-authorize")
    /// );
    /// let discovered = AuthorizationServer::discover(Discovery::new(
    ///     "https://auth.example.com/.well-known/openid-configuration",
    /// )?);
    /// assert!(discovered.token_url().is_none(), "not read yet");
    /// # Ok::<(), qod_core::auth::AuthError>(())
    /// ```
    pub fn token_url(&self) -> Option<&Uri> {
        match &self.source {
            Source::Given(endpoints) => Some(&endpoints.token),
            Source::Discovered { .. } => self.metadata().map(ProviderMetadata::token_endpoint),
        }
    }

    /// The backchannel authentication endpoint (CIBA's `bc-authorize`):
    /// the one given, or the discovered one once the metadata is read.
    pub fn backchannel_url(&self) -> Option<&Uri> {
        match &self.source {
            Source::Given(endpoints) => endpoints.backchannel.as_ref(),
            Source::Discovered { .. } => self
                .metadata()
                .and_then(ProviderMetadata::backchannel_authentication_endpoint),
        }
    }

    /// The endpoints for `flow`: `Ok(None)` when they are still to be
    /// discovered; an error when the server lacks what the flow needs.
    pub(crate) fn endpoints(&self, flow: Flow) -> Result<Option<Endpoints>, AuthError> {
        let endpoints = match &self.source {
            Source::Given(endpoints) => endpoints.clone(),
            Source::Discovered { metadata, .. } => {
                let Some(metadata) = metadata.get() else {
                    return Ok(None);
                };
                metadata.check_flow(flow)?;
                Endpoints {
                    token: metadata.token_endpoint().clone(),
                    backchannel: metadata.backchannel_authentication_endpoint().cloned(),
                    authorization: metadata.authorization_endpoint().cloned(),
                }
            }
        };
        let missing = |what: &str| {
            AuthError::Config(format!(
                "{flow} needs the {what} URL, and the credentials name none"
            ))
        };
        match flow {
            Flow::Ciba if endpoints.backchannel.is_none() => {
                Err(missing("backchannel authentication"))
            }
            Flow::AuthorizationCode if endpoints.authorization.is_none() => {
                Err(missing("authorization"))
            }
            _ => Ok(Some(endpoints)),
        }
    }

    /// Keeps the metadata a discovery read (the first of concurrent
    /// discoveries wins; they read the same document).
    pub(crate) fn store(&self, found: ProviderMetadata) {
        if let Source::Discovered { metadata, .. } = &self.source {
            let _ = metadata.set(Arc::new(found));
        }
    }
}

fn given_and_discovered() -> AuthError {
    AuthError::Config(
        "a discovered authorization server reads its endpoints from its metadata".to_owned(),
    )
}
