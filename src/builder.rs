//! One builder for both front doors: the same constructors and setters, by
//! the same names, whichever transport it builds a client over.

use qod_core::auth::Authenticator;
use qod_core::transport::{BuildTransport, TransportBuilder};
use qod_core::{ClientCore, Credentials, Endpoint, RetryPolicy};

use crate::SetupError;

/// Builds a client over the transport `T`: [`ClientBuilder`](crate::ClientBuilder)
/// (ureq, blocking) and [`AsyncClientBuilder`](crate::AsyncClientBuilder)
/// (reqwest, async) are this type, each with its own `build`.
///
/// ```
/// # #[cfg(feature = "ureq")] {
/// use std::time::Duration;
/// let builder = qod::ClientBuilder::new("http://127.0.0.1:9/quality-on-demand/v1")?
///     .timeout(Duration::from_secs(10))
///     .transport(|t| t.connect_timeout(Duration::from_secs(2)));
/// let client = builder.build()?;
/// # let _ = client;
/// # }
/// # Ok::<(), qod::SetupError>(())
/// ```
#[derive(Debug)]
pub struct Builder<T> {
    core: ClientCore,
    transport: TransportBuilder<T>,
}

impl<T: BuildTransport> Builder<T> {
    /// A client of the API at `base_url` (version inferred from `/v0` or
    /// `/v1`; plain http only to loopback), with no credentials yet.
    pub fn new(base_url: &str) -> Result<Self, SetupError> {
        Ok(Self::with_endpoint(Endpoint::new(base_url)?))
    }

    /// A client of a CAMARA operator from its API root (e.g.
    /// `https://api.example.com`): QoD sessions at
    /// `{root}/quality-on-demand/v1`, QoS profiles at `{root}/qos-profiles/v1`
    /// and QoS Provisioning at `{root}/qos-provisioning/v0.3`; with no
    /// credentials yet.
    pub fn from_api_root(api_root: &str) -> Result<Self, SetupError> {
        Ok(Self::with_endpoint(Endpoint::from_api_root(api_root)?))
    }

    /// A client of `endpoint`, with the transport's default settings.
    pub fn with_endpoint(endpoint: Endpoint) -> Self {
        Builder {
            core: ClientCore::new(endpoint),
            transport: TransportBuilder::default(),
        }
    }

    /// T-Mobile with TAAP, the key given as PKCS#8 PEM bytes.
    #[cfg(feature = "tmobile")]
    pub fn tmobile(
        environment: crate::TMobileEnvironment,
        client_id: &str,
        client_secret: &str,
        private_key_pem: &[u8],
    ) -> Result<Self, SetupError> {
        let (endpoint, credentials) =
            crate::setup::tmobile(environment, client_id, client_secret, private_key_pem)?;
        Ok(Self::with_endpoint(endpoint).credentials(credentials))
    }

    /// T-Mobile with TAAP, the key read from a PKCS#8 PEM file.
    #[cfg(feature = "tmobile")]
    pub fn tmobile_key_file(
        environment: crate::TMobileEnvironment,
        client_id: &str,
        client_secret: &str,
        private_key_file: impl AsRef<std::path::Path>,
    ) -> Result<Self, SetupError> {
        let pem = crate::setup::read_key_file(private_key_file)?;
        Self::tmobile(environment, client_id, client_secret, &pem)
    }
}

impl<T> Builder<T> {
    /// Sets the credentials: a [`Credentials`], or an
    /// `auth::ClientCredentials` or `auth::TaapCredentials` as they are.
    #[must_use]
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.core = self.core.with_credentials(credentials);
        self
    }

    /// Sets the authenticator, e.g. one with another refresh margin.
    #[must_use]
    pub fn authenticator(mut self, authenticator: Authenticator) -> Self {
        self.core = self.core.with_authenticator(authenticator);
        self
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.core = self.core.with_retry_policy(retry);
        self
    }

    /// Sets the overall timeout of one HTTP exchange (default 30 s).
    #[must_use]
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.transport = self.transport.timeout(timeout);
        self
    }

    /// Changes the transport settings (connect timeout, body limit, proxy,
    /// TLS) with the setters of core's [`TransportBuilder`].
    #[must_use]
    pub fn transport(
        mut self,
        configure: impl FnOnce(TransportBuilder<T>) -> TransportBuilder<T>,
    ) -> Self {
        self.transport = configure(self.transport);
        self
    }

    /// What the client is built from, for the front doors' `build`.
    pub(crate) fn into_parts(self) -> (ClientCore, TransportBuilder<T>) {
        (self.core, self.transport)
    }
}
