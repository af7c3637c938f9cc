//! One builder for every transport: the shared settings, set by the same
//! names whatever library sends the bytes.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::{Delivery, TransportError, TransportSettings};

/// A transport made from [`TransportSettings`]: what a [`TransportBuilder`]
/// builds. qod-ureq's and qod-reqwest's transports implement it; so can a
/// transport of your own.
pub trait BuildTransport: Sized {
    /// The settings a new builder starts from.
    fn default_settings() -> TransportSettings;

    /// The transport, from `settings` that passed [`TransportSettings::check`].
    fn from_settings(settings: &TransportSettings) -> Result<Self, TransportError>;
}

/// Builds a transport `T` from [`TransportSettings`], with a setter for each.
/// `qod_ureq::UreqTransportBuilder` and `qod_reqwest::ReqwestTransportBuilder`
/// are this type.
///
/// ```
/// use std::time::Duration;
/// use qod_core::TransportError;
/// use qod_core::transport::{BuildTransport, TransportBuilder, TransportSettings};
///
/// /// A transport that only remembers its settings.
/// struct Recorder(TransportSettings);
/// impl BuildTransport for Recorder {
///     fn default_settings() -> TransportSettings {
///         TransportSettings::default()
///     }
///     fn from_settings(settings: &TransportSettings) -> Result<Self, TransportError> {
///         Ok(Recorder(settings.clone()))
///     }
/// }
///
/// let built = TransportBuilder::<Recorder>::default()
///     .body_limit(10)
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(built.0.body_limit, 10);
/// // Checked when built: a zero timeout is refused.
/// assert!(TransportBuilder::<Recorder>::default().timeout(Duration::ZERO).build().is_err());
/// # Ok::<(), TransportError>(())
/// ```
pub struct TransportBuilder<T> {
    settings: TransportSettings,
    builds: PhantomData<fn() -> T>,
}

impl<T: BuildTransport> Default for TransportBuilder<T> {
    fn default() -> Self {
        T::default_settings().into()
    }
}

impl<T> From<TransportSettings> for TransportBuilder<T> {
    fn from(settings: TransportSettings) -> Self {
        TransportBuilder {
            settings,
            builds: PhantomData,
        }
    }
}

impl<T> Clone for TransportBuilder<T> {
    fn clone(&self) -> Self {
        self.settings.clone().into()
    }
}

impl<T> fmt::Debug for TransportBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("settings", &self.settings)
            .finish()
    }
}

impl<T: BuildTransport> TransportBuilder<T> {
    /// The transport; refused when a timeout is zero or over
    /// [`MAX_TIMEOUT`](super::MAX_TIMEOUT) ([`TransportSettings::check`]),
    /// or when the settings ask for what the transport was built without
    /// (native TLS without its feature, say).
    pub fn build(self) -> Result<T, TransportError> {
        self.settings.check()?;
        T::from_settings(&self.settings)
    }
}

impl<T> TransportBuilder<T> {
    /// The settings so far.
    pub fn settings(&self) -> &TransportSettings {
        &self.settings
    }

    /// The longest a connection (TCP and TLS handshake) may take: more than
    /// zero and at most [`MAX_TIMEOUT`](super::MAX_TIMEOUT), checked when the
    /// transport is built. Default 5 s.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// The longest a whole call may take, reading the body included: more
    /// than zero and at most [`MAX_TIMEOUT`](super::MAX_TIMEOUT), checked
    /// when the transport is built. Default 30 s.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default 1 MiB).
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.settings.body_limit = bytes;
        self
    }

    /// Uses the proxy named by `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY`
    /// (honouring `NO_PROXY`). Off by default.
    #[must_use]
    pub fn proxy_from_env(mut self, enabled: bool) -> Self {
        self.settings.proxy_from_env = enabled;
        self
    }

    /// Uses the platform's TLS (native-tls) instead of rustls. Needs the
    /// transport's `native-tls` feature; a build with `native-tls` but not
    /// `rustls` uses it either way, and a build with neither speaks plain
    /// http only (an `https` request is refused as `Fatal`).
    #[must_use]
    pub fn native_tls(mut self, enabled: bool) -> Self {
        self.settings.native_tls = enabled;
        self
    }

    /// How many idle connections per host stay open for reuse (default 8
    /// for a blocking transport, 64 for an async one: [`TransportSettings`]).
    #[must_use]
    pub fn max_idle_connections_per_host(mut self, count: usize) -> Self {
        self.settings.max_idle_connections_per_host = count;
        self
    }

    /// Trusts only the certificates in `pem` (one or more `CERTIFICATE`
    /// blocks; other blocks are passed over) instead of the Mozilla roots,
    /// e.g. for a private CA. Refused when `pem` holds no certificate or an
    /// unreadable one. Needs a TLS feature of the transport, checked when it
    /// is built.
    ///
    /// ```
    /// use qod_core::transport::{TransportBuilder, TransportSettings};
    /// # struct Recorder;
    /// # impl qod_core::transport::BuildTransport for Recorder {
    /// #     fn default_settings() -> TransportSettings { TransportSettings::default() }
    /// #     fn from_settings(_: &TransportSettings) -> Result<Self, qod_core::TransportError> { Ok(Recorder) }
    /// # }
    /// let not_a_certificate = b"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n";
    /// let builder = TransportBuilder::<Recorder>::default();
    /// assert!(builder.root_certificates_pem(not_a_certificate).is_err());
    /// ```
    pub fn root_certificates_pem(mut self, pem: &[u8]) -> Result<Self, TransportError> {
        let certificates = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| {
                TransportError::with_source(Delivery::Fatal, "unreadable root certificate", error)
            })?;
        if certificates.is_empty() {
            return Err(TransportError::new(
                Delivery::Fatal,
                "no CERTIFICATE found in the PEM",
            ));
        }
        let roots = &mut self.settings.root_certificates_der;
        roots.extend(certificates.iter().map(|der| der.to_vec()));
        Ok(self)
    }
}
