//! One list of builder methods for both front doors, so that the blocking and
//! the async builder offer the same constructors and setters by the same names.

/// Defines the constructors and setters of a front-door builder: a struct
/// with the fields `core: ClientCore` and `transport: $settings`, whose
/// defaults `$default_settings` gives.
macro_rules! builder_methods {
    ($settings:ty, $default_settings:expr) => {
        /// A client of the API at `base_url` (version inferred from `/v0` or
        /// `/v1`; plain http only to loopback), with no credentials yet.
        pub fn new(base_url: &str) -> Result<Self, $crate::SetupError> {
            Ok(Self::with_endpoint(qod_core::Endpoint::new(base_url)?))
        }

        /// A client of a CAMARA operator from its API root (e.g.
        /// `https://api.example.com`): QoD sessions at
        /// `{root}/quality-on-demand/v1`, QoS profiles at
        /// `{root}/qos-profiles/v1` and QoS Provisioning at
        /// `{root}/qos-provisioning/v0.3`; with no credentials yet.
        pub fn from_api_root(api_root: &str) -> Result<Self, $crate::SetupError> {
            Ok(Self::with_endpoint(qod_core::Endpoint::from_api_root(
                api_root,
            )?))
        }

        /// A client of `endpoint`.
        pub fn with_endpoint(endpoint: qod_core::Endpoint) -> Self {
            Self {
                core: qod_core::ClientCore::new(endpoint),
                transport: $default_settings,
            }
        }

        /// T-Mobile with TAAP, the key given as PKCS#8 PEM bytes.
        #[cfg(feature = "tmobile")]
        pub fn tmobile(
            environment: $crate::TMobileEnvironment,
            client_id: &str,
            client_secret: &str,
            private_key_pem: &[u8],
        ) -> Result<Self, $crate::SetupError> {
            let (endpoint, credentials) =
                $crate::setup::tmobile(environment, client_id, client_secret, private_key_pem)?;
            Ok(Self::with_endpoint(endpoint).credentials(credentials))
        }

        /// T-Mobile with TAAP, the key read from a PKCS#8 PEM file.
        #[cfg(feature = "tmobile")]
        pub fn tmobile_key_file(
            environment: $crate::TMobileEnvironment,
            client_id: &str,
            client_secret: &str,
            private_key_file: impl AsRef<std::path::Path>,
        ) -> Result<Self, $crate::SetupError> {
            let pem = $crate::setup::read_key_file(private_key_file)?;
            Self::tmobile(environment, client_id, client_secret, &pem)
        }

        /// Sets the credentials: a [`Credentials`](qod_core::Credentials), or
        /// an `auth::ClientCredentials` or `auth::TaapCredentials` as they are.
        #[must_use]
        pub fn credentials(mut self, credentials: impl Into<qod_core::Credentials>) -> Self {
            self.core = self.core.with_credentials(credentials);
            self
        }

        /// Sets the authenticator, e.g. one with another refresh margin.
        #[must_use]
        pub fn authenticator(mut self, authenticator: qod_core::auth::Authenticator) -> Self {
            self.core = self.core.with_authenticator(authenticator);
            self
        }

        /// Sets the retry policy.
        #[must_use]
        pub fn retry_policy(mut self, retry: qod_core::RetryPolicy) -> Self {
            self.core = self.core.with_retry_policy(retry);
            self
        }

        /// Sets the overall timeout of one HTTP exchange (default 30 s).
        #[must_use]
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport = self.transport.timeout(timeout);
            self
        }

        /// Changes the transport settings (connect timeout, body limit, proxy, TLS).
        #[must_use]
        pub fn transport(mut self, configure: impl FnOnce($settings) -> $settings) -> Self {
            self.transport = configure(self.transport);
            self
        }
    };
}

pub(crate) use builder_methods;
