//! The blocking client in a few lines: presets for T-Mobile and for any
//! CAMARA 1.x operator, over the ureq transport.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use qod_core::auth::{AuthError, Authenticator, Credentials};
use qod_core::{Endpoint, EndpointError, RetryPolicy, TransportError};
use qod_ureq::{UreqTransport, UreqTransportBuilder};

use crate::StdClock;

/// The blocking QoD client over ureq.
pub type Client = qod_core::Client<UreqTransport>;

/// Why a client could not be set up. Nothing was sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The base URL is unusable.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The credentials are unusable (e.g. a malformed key).
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The private key file cannot be read, or is larger than
    /// [`MAX_PRIVATE_KEY_FILE`].
    #[error("cannot read the private key file {}", path.display())]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The transport cannot be built (e.g. a bad root certificate).
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// The largest private key file read: 64 KiB, far above any PEM key
/// (an RSA-4096 key is about 3 KiB), so that a wrong path such as a device
/// or a huge file fails at once instead of filling memory.
pub const MAX_PRIVATE_KEY_FILE: u64 = 64 * 1024;

/// Reads a PEM private key file, refusing one larger than
/// [`MAX_PRIVATE_KEY_FILE`].
///
/// ```
/// let error = qod::read_private_key_file("/dev/zero").unwrap_err();
/// assert!(std::error::Error::source(&error).unwrap().to_string().contains("64 KiB"));
/// ```
pub fn read_private_key_file(path: impl AsRef<Path>) -> Result<Vec<u8>, SetupError> {
    let path = path.as_ref();
    let failed = |source| SetupError::KeyFile {
        path: path.to_owned(),
        source,
    };
    let mut pem = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_PRIVATE_KEY_FILE + 1).read_to_end(&mut pem))
        .map_err(failed)?;
    if pem.len() as u64 > MAX_PRIVATE_KEY_FILE {
        return Err(failed(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {} KiB: not a PEM private key",
                MAX_PRIVATE_KEY_FILE / 1024
            ),
        )));
    }
    Ok(pem)
}

/// A T-Mobile environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TMobileEnvironment {
    /// `https://naas.t-mobile.com/qod/v0`.
    Production,
    /// `https://naas-sandbox.t-mobile.com/qod/v0`.
    Sandbox,
}

/// Builds a blocking [`Client`].
///
/// ```no_run
/// // T-Mobile: client id, secret and the PKCS#8 PEM key that signs PoP tokens.
/// let tmobile = qod::ClientBuilder::tmobile_key_file(
///     qod::TMobileEnvironment::Sandbox, "my-client-id", "my-secret", "private-key.pem",
/// )?.build()?;
///
/// // Any CAMARA 1.x operator with OAuth 2.0 client credentials.
/// let oauth = qod::auth::ClientCredentials::new("https://api.example.com/oauth/token", "id", "secret")?;
/// let camara = qod::ClientBuilder::new("https://api.example.com/quality-on-demand/v1")?
///     .credentials(qod::Credentials::ClientCredentials(oauth))
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    endpoint: Endpoint,
    authenticator: Authenticator,
    retry: RetryPolicy,
    transport: UreqTransportBuilder,
}

impl ClientBuilder {
    /// A client of the API at `base_url` (version inferred from `/v0` or `/v1`;
    /// plain http only to loopback), with no credentials yet.
    pub fn new(base_url: &str) -> Result<Self, SetupError> {
        Ok(Self::with_endpoint(Endpoint::new(base_url)?))
    }

    /// A client of `endpoint`.
    pub fn with_endpoint(endpoint: Endpoint) -> Self {
        ClientBuilder {
            endpoint,
            authenticator: Authenticator::new(Credentials::None),
            retry: RetryPolicy::default(),
            transport: UreqTransport::builder(),
        }
    }

    /// T-Mobile with TAAP, the key given as PKCS#8 PEM bytes.
    #[cfg(feature = "tmobile")]
    pub fn tmobile(
        environment: TMobileEnvironment,
        client_id: &str,
        client_secret: &str,
        private_key_pem: &[u8],
    ) -> Result<Self, SetupError> {
        let endpoint = match environment {
            TMobileEnvironment::Production => Endpoint::tmobile_production(),
            TMobileEnvironment::Sandbox => Endpoint::tmobile_sandbox(),
        };
        let taap =
            qod_core::auth::TaapCredentials::from_pem(client_id, client_secret, private_key_pem)?;
        Ok(Self::with_endpoint(endpoint).credentials(Credentials::TMobile(taap)))
    }

    /// T-Mobile with TAAP, the key read from a PKCS#8 PEM file.
    #[cfg(feature = "tmobile")]
    pub fn tmobile_key_file(
        environment: TMobileEnvironment,
        client_id: &str,
        client_secret: &str,
        private_key_file: impl AsRef<Path>,
    ) -> Result<Self, SetupError> {
        let pem = read_private_key_file(private_key_file)?;
        Self::tmobile(environment, client_id, client_secret, &pem)
    }

    /// Sets the credentials.
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.authenticator = Authenticator::new(credentials);
        self
    }

    /// Sets the authenticator, e.g. one with another refresh margin.
    #[must_use]
    pub fn authenticator(mut self, authenticator: Authenticator) -> Self {
        self.authenticator = authenticator;
        self
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the overall timeout of one HTTP exchange (default 30 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.timeout(timeout);
        self
    }

    /// Changes the transport settings (connect timeout, body limit, proxy, TLS).
    #[must_use]
    pub fn transport(
        mut self,
        configure: impl FnOnce(UreqTransportBuilder) -> UreqTransportBuilder,
    ) -> Self {
        self.transport = configure(self.transport);
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, SetupError> {
        let transport = self.transport.build()?;
        Ok(
            qod_core::Client::builder(transport, self.endpoint, Arc::new(StdClock))
                .authenticator(self.authenticator)
                .retry_policy(self.retry)
                .build(),
        )
    }
}
