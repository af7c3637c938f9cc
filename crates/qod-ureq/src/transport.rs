//! The ureq-backed [`Transport`].

use std::io::Read;
use std::time::Duration;

use http::{Method, Request, Response};
use qod_core::transport::{BuildTransport, TransportBuilder, TransportSettings};
use qod_core::{RequestTimeout, Transport, TransportError, may_use_pooled_connection};
use ureq::Agent;
use ureq::config::Config;
#[cfg(any(feature = "rustls", feature = "native-tls"))]
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::transport::DefaultConnector;

use crate::coarse_timeouts::CoarseTimeoutsConnector;
use crate::connect_phase::ConnectPhase;
use crate::error_mapping::transport_error;
use crate::resolver::CachingResolver;

pub use qod_core::transport::{
    DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, MAX_TIMEOUT, USER_AGENT,
};

/// A blocking transport over ureq. Cheap to clone: clones share the
/// connection pool.
///
/// Requests safe to replay (`GET`, `DELETE`, the read-only `POST`s marked
/// [`qod_core::Idempotent`]) reuse idle keep-alive connections. A request
/// that must not be replayed (creating or extending a session, a token
/// request) goes over a connection of its own, closed after the answer: a
/// server or proxy may drop an idle connection just as such a request is
/// written on it, and the request would then fail as "may have been sent"
/// although it never arrived. Its cost is one connection set-up per
/// create or extend.
#[derive(Debug, Clone)]
pub struct UreqTransport {
    /// For requests that may be replayed: pooled connections.
    pooled: Agent,
    /// For requests that must not be: a fresh connection each, never pooled.
    fresh: Agent,
    body_limit: usize,
    timeout: Duration,
}

/// Builds an [`UreqTransport`]: core's [`TransportBuilder`], a
/// [`TransportSettings`] with a setter for each, by the same names as
/// qod-reqwest's, starting from the blocking defaults
/// ([`TransportSettings::default`]).
///
/// ```
/// use std::time::Duration;
/// use qod_core::transport::TransportSettings;
/// use qod_ureq::{UreqTransport, UreqTransportBuilder};
/// let mut settings = TransportSettings::default();
/// settings.body_limit = 64 * 1024;
/// let transport = UreqTransportBuilder::from(settings)
///     .connect_timeout(Duration::from_secs(2))
///     .build()?;
/// assert_eq!(transport.body_limit(), 64 * 1024);
/// assert_eq!(UreqTransport::builder().settings(), &TransportSettings::default());
/// # Ok::<(), qod_core::TransportError>(())
/// ```
pub type UreqTransportBuilder = TransportBuilder<UreqTransport>;

impl BuildTransport for UreqTransport {
    /// The blocking defaults ([`TransportSettings::default`]).
    fn default_settings() -> TransportSettings {
        TransportSettings::default()
    }

    fn from_settings(settings: &TransportSettings) -> Result<Self, TransportError> {
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        let tls = tls(settings)?;
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        if settings.native_tls {
            return Err(TransportError::new(
                qod_core::Delivery::Fatal,
                "native TLS needs qod-ureq's `native-tls` feature",
            ));
        }
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        if !settings.root_certificates_der.is_empty() {
            return Err(TransportError::new(
                qod_core::Delivery::Fatal,
                "root certificates need qod-ureq's `rustls` or `native-tls` feature",
            ));
        }
        let parts = |idle_per_host: usize| {
            let config = Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_connect(Some(settings.connect_timeout))
                .timeout_global(Some(settings.timeout))
                .user_agent(USER_AGENT)
                .proxy(if settings.proxy_from_env {
                    ureq::Proxy::try_from_env()
                } else {
                    None
                })
                .max_idle_connections(idle_per_host.saturating_mul(4))
                .max_idle_connections_per_host(idle_per_host);
            #[cfg(any(feature = "rustls", feature = "native-tls"))]
            let config = config.tls_config(tls.clone());
            let config: Config = config.build();
            let connector = ConnectPhase(DefaultConnector::default());
            (config, CoarseTimeoutsConnector(connector))
        };
        let resolver = CachingResolver::default();
        let (config, connector) = parts(settings.max_idle_connections_per_host);
        let pooled = Agent::with_parts(config, connector, resolver.clone());
        let (config, connector) = parts(0);
        let fresh = Agent::with_parts(config, connector, resolver);
        Ok(UreqTransport {
            pooled,
            fresh,
            body_limit: settings.body_limit,
            timeout: settings.timeout,
        })
    }
}

/// Chooses the TLS: rustls unless native TLS is asked for or rustls is not
/// compiled in.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn tls(settings: &TransportSettings) -> Result<TlsConfig, TransportError> {
    let mut tls = TlsConfig::builder();
    if settings.native_tls || !cfg!(feature = "rustls") {
        #[cfg(not(feature = "native-tls"))]
        return Err(TransportError::new(
            qod_core::Delivery::Fatal,
            "native TLS needs qod-ureq's `native-tls` feature",
        ));
        #[cfg(feature = "native-tls")]
        {
            tls = tls.provider(ureq::tls::TlsProvider::NativeTls);
        }
    }
    let roots = &settings.root_certificates_der;
    if !roots.is_empty() {
        let roots = roots
            .iter()
            .map(|der| Certificate::from_der(der).to_owned());
        tls = tls.root_certs(RootCerts::from(roots));
    }
    Ok(tls.build())
}

impl UreqTransport {
    /// A transport with the defaults.
    pub fn new() -> Result<Self, TransportError> {
        UreqTransportBuilder::default().build()
    }

    /// A builder to change the defaults.
    pub fn builder() -> UreqTransportBuilder {
        UreqTransportBuilder::default()
    }

    /// The body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }
}

impl Transport for UreqTransport {
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        let limit = u64::try_from(self.body_limit).unwrap_or(u64::MAX);
        let carries_body = matches!(
            *request.method(),
            Method::POST | Method::PUT | Method::PATCH
        );
        let agent = if may_use_pooled_connection(&request) {
            &self.pooled
        } else {
            &self.fresh
        };
        // The call's time left, when shorter than the transport's own.
        let timeout = RequestTimeout::of(&request, self.timeout);
        let result = if request.body().is_empty() && !carries_body {
            // A `()` body sends no content-length: a GET or DELETE has none.
            run(agent, request.map(|_| ()), timeout, self.timeout)
        } else {
            run(agent, request, timeout, self.timeout)
        };
        let response = result.map_err(|e| transport_error(e, limit))?;
        let (parts, body) = response.into_parts();
        // ureq refuses a body of exactly its limit, so give it one byte more.
        let mut reader = body
            .into_with_config()
            .limit(limit.saturating_add(1))
            .reader();
        let mut bytes = Vec::new();
        if let Err(error) = reader.read_to_end(&mut bytes) {
            // What arrived is kept: after a create it may name the session made.
            bytes.truncate(self.body_limit);
            return Err(transport_error(ureq::Error::from(error), limit)
                .with_partial_response(parts.status, bytes));
        }
        Ok(Response::from_parts(parts, bytes))
    }
}

/// Runs `request` on `agent`, with `timeout` overall when it is shorter
/// than the agent's own (`agent_timeout`). Only then is the request given a
/// configuration of its own, a copy this keeps off the usual path.
fn run<S: ureq::AsSendBody>(
    agent: &Agent,
    request: Request<S>,
    timeout: Duration,
    agent_timeout: Duration,
) -> Result<Response<ureq::Body>, ureq::Error> {
    if timeout < agent_timeout {
        let request = agent
            .configure_request(request)
            .timeout_global(Some(timeout))
            .build();
        agent.run(request)
    } else {
        agent.run(request)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use qod_core::Delivery;

    use super::*;

    const HAS_TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

    #[test]
    fn native_tls_is_refused_only_without_its_feature() {
        let built = UreqTransport::builder().native_tls(true).build();
        assert_eq!(built.is_ok(), cfg!(feature = "native-tls"));
        if let Err(error) = built {
            assert_eq!(error.delivery(), Delivery::Fatal);
            assert!(
                error.to_string().contains("`native-tls` feature"),
                "{error}"
            );
        }
        // The default builds in every feature set, with TLS or without.
        UreqTransport::new().unwrap();
    }

    #[test]
    fn https_is_refused_as_fatal_only_without_a_tls_feature() {
        // A listener that accepts and says nothing: with TLS the handshake
        // times out (not sent); without TLS the request cannot go at all.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}/qod/v0/sessions", listener.local_addr().unwrap());
        let transport = UreqTransport::builder()
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let error = transport
            .send(Request::get(url).body(Vec::new()).unwrap())
            .unwrap_err();
        let expected = if HAS_TLS {
            Delivery::NotSent
        } else {
            Delivery::Fatal
        };
        assert_eq!(error.delivery(), expected, "{error}");
    }
}
