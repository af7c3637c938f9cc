//! The settings every transport applies: one type, its defaults and its checks.

use std::time::Duration;

use super::{Delivery, TransportError};

/// The longest a connection (TCP and TLS handshake) may take, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a whole exchange may take, body included, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read, by default: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// How many idle connections per host a blocking transport keeps, by default.
pub const DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST: usize = 8;
/// How many idle connections per host an async transport keeps, by default:
/// an async client often has many calls under way at once, and opening a
/// connection per call costs far more than keeping one idle.
pub const DEFAULT_ASYNC_MAX_IDLE_CONNECTIONS_PER_HOST: usize = 64;
/// The `user-agent` every transport sends: `qod/<version>`.
pub const USER_AGENT: &str = concat!("qod/", env!("CARGO_PKG_VERSION"));

/// The longest timeout a transport accepts: a day. Longer ones are refused,
/// as HTTP clients overflow their clocks computing a deadline that far away.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// Checks a transport's `timeout` (called `name` in the message): more than
/// zero and at most [`MAX_TIMEOUT`]. Both of qod's transports apply it.
///
/// ```
/// use std::time::Duration;
/// assert!(qod_core::check_timeout("timeout", Duration::from_secs(30)).is_ok());
/// assert!(qod_core::check_timeout("timeout", Duration::ZERO).is_err());
/// assert!(qod_core::check_timeout("timeout", Duration::MAX).is_err());
/// ```
pub fn check_timeout(name: &str, timeout: Duration) -> Result<(), TransportError> {
    if timeout.is_zero() || timeout > MAX_TIMEOUT {
        return Err(TransportError::new(
            Delivery::Fatal,
            format!(
                "the {name} must be more than zero and at most {} s, got {timeout:?}",
                MAX_TIMEOUT.as_secs()
            ),
        ));
    }
    Ok(())
}

/// What a transport is set up with, the same for qod-ureq and qod-reqwest.
///
/// A [`TransportBuilder`](super::TransportBuilder) holds one, and each
/// transport translates it into its library's configuration;
/// [`check`](Self::check) is the validation applied when one is built. The
/// TLS trust is held as DER bytes so that the core needs no TLS library.
///
/// ```
/// use std::time::Duration;
/// use qod_core::transport::{DEFAULT_BODY_LIMIT, TransportSettings};
/// let mut settings = TransportSettings::default();
/// assert_eq!(settings.body_limit, DEFAULT_BODY_LIMIT);
/// settings.timeout = Duration::from_secs(10);
/// assert!(settings.check().is_ok());
/// settings.connect_timeout = Duration::ZERO;
/// assert!(settings.check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportSettings {
    /// The longest a connection (TCP and TLS handshake) may take.
    pub connect_timeout: Duration,
    /// The longest a whole exchange may take, reading the body included.
    pub timeout: Duration,
    /// The largest response body accepted, in bytes.
    pub body_limit: usize,
    /// Whether to use the proxy named by `ALL_PROXY`, `HTTPS_PROXY` or
    /// `HTTP_PROXY` (honouring `NO_PROXY`).
    pub proxy_from_env: bool,
    /// The only roots trusted (DER-encoded certificates), or none for the
    /// Mozilla roots.
    pub root_certificates_der: Vec<Vec<u8>>,
    /// Whether to use the platform's TLS instead of rustls.
    pub native_tls: bool,
    /// How many idle connections per host stay open for reuse.
    pub max_idle_connections_per_host: usize,
}

impl Default for TransportSettings {
    /// The defaults of a blocking transport: [`DEFAULT_CONNECT_TIMEOUT`],
    /// [`DEFAULT_TIMEOUT`], [`DEFAULT_BODY_LIMIT`], no proxy, the Mozilla
    /// roots over rustls, [`DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST`].
    fn default() -> Self {
        TransportSettings {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            body_limit: DEFAULT_BODY_LIMIT,
            proxy_from_env: false,
            root_certificates_der: Vec::new(),
            native_tls: false,
            max_idle_connections_per_host: DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST,
        }
    }
}

impl TransportSettings {
    /// The defaults of an async transport: those of [`Default`] but
    /// [`DEFAULT_ASYNC_MAX_IDLE_CONNECTIONS_PER_HOST`] idle connections.
    ///
    /// ```
    /// use qod_core::transport::TransportSettings;
    /// assert_eq!(TransportSettings::async_default().max_idle_connections_per_host, 64);
    /// ```
    pub fn async_default() -> Self {
        TransportSettings {
            max_idle_connections_per_host: DEFAULT_ASYNC_MAX_IDLE_CONNECTIONS_PER_HOST,
            ..TransportSettings::default()
        }
    }

    /// Refuses settings no transport can work with: a timeout or a connect
    /// timeout that is zero or over [`MAX_TIMEOUT`] (see [`check_timeout`]).
    pub fn check(&self) -> Result<(), TransportError> {
        check_timeout("timeout", self.timeout)?;
        check_timeout("connect timeout", self.connect_timeout)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_defaults_pass_their_own_check() {
        TransportSettings::default().check().unwrap();
        TransportSettings::async_default().check().unwrap();
        assert_eq!(
            TransportSettings::default().max_idle_connections_per_host,
            DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST
        );
        assert!(USER_AGENT.starts_with("qod/"));
    }

    #[test]
    fn both_timeouts_are_checked_the_overall_one_first() {
        let mut settings = TransportSettings {
            timeout: Duration::ZERO,
            connect_timeout: MAX_TIMEOUT + Duration::from_secs(1),
            ..TransportSettings::default()
        };
        let error = settings.check().unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert!(error.to_string().starts_with("the timeout "), "{error}");
        settings.timeout = MAX_TIMEOUT;
        let error = settings.check().unwrap_err();
        assert!(
            error.to_string().starts_with("the connect timeout "),
            "{error}"
        );
        settings.connect_timeout = Duration::from_millis(1);
        settings.check().unwrap();
    }
}
