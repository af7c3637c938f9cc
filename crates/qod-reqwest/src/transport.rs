//! The reqwest-backed [`AsyncTransport`].

use std::time::Duration;

use http::{Method, Request, Response};
use qod_core::transport::{BuildTransport, TransportBuilder, TransportSettings};
use qod_core::{
    AsyncTransport, Delivery, RequestTimeout, TransportError, may_use_pooled_connection,
};

use crate::body_limit::LimitedBody;
use crate::error_mapping::{body_over_limit, transport_error, unusable_request};

pub use qod_core::transport::{
    DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT,
};

/// Whether this build can speak TLS at all.
const HAS_TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// An async transport over a reqwest `Client`, for the tokio runtime. Cheap
/// to clone: clones share the connection pool.
///
/// ```
/// use qod_reqwest::ReqwestTransport;
/// let transport = ReqwestTransport::new()?;
/// assert_eq!(transport.body_limit(), 1024 * 1024);
/// # Ok::<(), qod_core::TransportError>(())
/// ```
///
/// As qod-ureq does, requests safe to replay (`GET`, `DELETE`, the read-only
/// `POST`s marked [`qod_core::Idempotent`]) reuse idle keep-alive
/// connections, and a request that must not be replayed (creating or
/// extending a session, a token request) goes over a connection of its own:
/// a server or proxy may drop an idle connection just as such a request is
/// written on it, and the request would then fail as "may have been sent"
/// although it never arrived.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    /// For requests that may be replayed: pooled connections.
    pooled: reqwest::Client,
    /// For requests that must not be: a fresh connection each, never pooled.
    fresh: reqwest::Client,
    body_limit: usize,
    timeout: Duration,
}

/// Builds a [`ReqwestTransport`]: core's [`TransportBuilder`], a
/// [`TransportSettings`] with a setter for each, by the same names as
/// qod-ureq's, starting from the async defaults
/// ([`TransportSettings::async_default`]).
///
/// ```
/// use std::time::Duration;
/// use qod_core::transport::TransportSettings;
/// use qod_reqwest::{ReqwestTransport, ReqwestTransportBuilder};
/// let transport = ReqwestTransport::builder()
///     .connect_timeout(Duration::from_secs(2))
///     .timeout(Duration::from_secs(10))
///     .body_limit(64 * 1024)
///     .max_idle_connections_per_host(2)
///     .build()?;
/// assert_eq!(transport.body_limit(), 64 * 1024);
/// let builder = ReqwestTransportBuilder::from(TransportSettings::async_default());
/// assert_eq!(builder.settings(), ReqwestTransport::builder().settings());
/// # Ok::<(), qod_core::TransportError>(())
/// ```
pub type ReqwestTransportBuilder = TransportBuilder<ReqwestTransport>;

impl BuildTransport for ReqwestTransport {
    /// The async defaults ([`TransportSettings::async_default`]).
    fn default_settings() -> TransportSettings {
        TransportSettings::async_default()
    }

    fn from_settings(settings: &TransportSettings) -> Result<Self, TransportError> {
        Ok(ReqwestTransport {
            pooled: client(settings, settings.max_idle_connections_per_host)?,
            fresh: client(settings, 0)?,
            body_limit: settings.body_limit,
            timeout: settings.timeout,
        })
    }
}

/// A reqwest client with `settings`, keeping `max_idle` idle connections
/// per host.
fn client(
    settings: &TransportSettings,
    max_idle: usize,
) -> Result<reqwest::Client, TransportError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        // The core decides every retry: reqwest replays nothing.
        .retry(reqwest::retry::never())
        .referer(false)
        .user_agent(USER_AGENT)
        // Explicit, so that another crate turning a feature on cannot
        // make the body limit count compressed bytes.
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .no_zstd()
        .pool_max_idle_per_host(max_idle);
    if !settings.proxy_from_env {
        builder = builder.no_proxy();
    }
    tls(settings, builder)?.build().map_err(|error| {
        TransportError::with_source(Delivery::Fatal, "cannot set up the HTTP client", error)
    })
}

/// Chooses the TLS: rustls unless native TLS is asked for or rustls is not
/// compiled in; none when neither feature is on (plain http only).
fn tls(
    settings: &TransportSettings,
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, TransportError> {
    if settings.native_tls || !cfg!(feature = "rustls") {
        #[cfg(feature = "native-tls")]
        {
            return native(settings, builder);
        }
        #[cfg(not(feature = "native-tls"))]
        if settings.native_tls {
            return Err(TransportError::new(
                Delivery::Fatal,
                "native TLS needs qod-reqwest's `native-tls` feature",
            ));
        }
    }
    #[cfg(feature = "rustls")]
    {
        Ok(builder
            .tls_backend_preconfigured(crate::tls::rustls_config(&settings.root_certificates_der)?))
    }
    #[cfg(not(feature = "rustls"))]
    {
        if !settings.root_certificates_der.is_empty() {
            return Err(TransportError::new(
                Delivery::Fatal,
                "root certificates need qod-reqwest's `rustls` or `native-tls` feature",
            ));
        }
        Ok(builder)
    }
}

/// The platform's TLS, trusting only the given roots when there are some.
#[cfg(feature = "native-tls")]
fn native(
    settings: &TransportSettings,
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, TransportError> {
    let builder = builder.tls_backend_native();
    let roots = &settings.root_certificates_der;
    if roots.is_empty() {
        return Ok(builder);
    }
    let roots = roots
        .iter()
        .map(|der| reqwest::Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| {
            TransportError::with_source(Delivery::Fatal, "unusable root certificate", error)
        })?;
    Ok(builder.tls_certs_only(roots))
}

impl ReqwestTransport {
    /// A transport with the defaults.
    pub fn new() -> Result<Self, TransportError> {
        ReqwestTransportBuilder::default().build()
    }

    /// A builder to change the defaults.
    pub fn builder() -> ReqwestTransportBuilder {
        ReqwestTransportBuilder::default()
    }

    /// The body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// `request` as reqwest's, or why it cannot be sent.
    fn to_reqwest(request: Request<Vec<u8>>) -> Result<reqwest::Request, TransportError> {
        let (parts, body) = request.into_parts();
        if parts.uri.scheme_str() == Some("https") && !HAS_TLS {
            return Err(unusable_request(
                "https needs qod-reqwest's `rustls` or `native-tls` feature",
                None,
            ));
        }
        let url = reqwest::Url::parse(&uri_text(&parts.uri))
            .map_err(|error| unusable_request("unusable request URL", Some(error.into())))?;
        // No body at all, hence no content-length, on a GET or DELETE without one.
        let carries_body = matches!(parts.method, Method::POST | Method::PUT | Method::PATCH);
        let mut converted = reqwest::Request::new(parts.method, url);
        *converted.headers_mut() = parts.headers;
        if carries_body || !body.is_empty() {
            // hyper leaves it out for an empty body; some servers answer 411 without it.
            converted
                .headers_mut()
                .entry(http::header::CONTENT_LENGTH)
                .or_insert_with(|| http::HeaderValue::from(body.len()));
            *converted.body_mut() = Some(body.into());
        }
        Ok(converted)
    }

    /// Reads `response`'s body up to the limit, chunk by chunk.
    async fn read(
        &self,
        mut response: reqwest::Response,
    ) -> Result<Response<Vec<u8>>, TransportError> {
        let limit = self.body_limit;
        let status = response.status();
        let mut body = LimitedBody::new(limit, response.content_length());
        loop {
            // What arrived is kept on failure: after a create it may name the session made.
            let failure = match response.chunk().await {
                Ok(Some(chunk)) => match body.push(&chunk) {
                    Ok(()) => continue,
                    Err(_) => body_over_limit(limit),
                },
                Ok(None) => break,
                Err(error) => transport_error(error),
            };
            return Err(failure.with_partial_response(status, body.into_bytes()));
        }
        let mut read = Response::new(body.into_bytes());
        *read.status_mut() = status;
        *read.version_mut() = response.version();
        *read.headers_mut() = std::mem::take(response.headers_mut());
        Ok(read)
    }
}

/// `uri` as text, the same as its `Display` writes, in one allocation and
/// without the formatting machinery: `to_string` cost 1 000 instructions of
/// a GET's 100 000 (callgrind), a tenth of the request's conversion.
fn uri_text(uri: &http::Uri) -> String {
    let scheme = uri.scheme_str();
    let authority = uri.authority().map(http::uri::Authority::as_str);
    let (path, query) = (uri.path(), uri.query());
    let length = scheme.map_or(0, |s| s.len() + 3)
        + authority.map_or(0, str::len)
        + path.len()
        + query.map_or(0, |q| q.len() + 1);
    let mut text = String::with_capacity(length);
    if let Some(scheme) = scheme {
        text.push_str(scheme);
        text.push_str("://");
    }
    if let Some(authority) = authority {
        text.push_str(authority);
    }
    text.push_str(path);
    if let Some(query) = query {
        text.push('?');
        text.push_str(query);
    }
    text
}

impl AsyncTransport for ReqwestTransport {
    // Not an `async fn`, whose future would hold the request twice (the
    // argument and the body's binding of it); and the converted request is
    // handed to reqwest before the first await, so that the future does not
    // keep its place either: 1 160 bytes became 624.
    #[allow(clippy::manual_async_fn)]
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send {
        async move {
            let pending = {
                let client = if may_use_pooled_connection(&request) {
                    &self.pooled
                } else {
                    &self.fresh
                };
                // The call's time left, when shorter than the transport's own.
                let timeout = RequestTimeout::of(&request, self.timeout);
                let mut request = Self::to_reqwest(request)?;
                if timeout < self.timeout {
                    *request.timeout_mut() = Some(timeout);
                }
                client.execute(request)
            };
            let response = pending.await.map_err(transport_error)?;
            self.read(response).await
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn https_is_refused_as_fatal_only_without_a_tls_feature() {
        let request = Request::get("https://api.example.com/qod/v0/sessions/1")
            .body(Vec::new())
            .unwrap();
        let converted = ReqwestTransport::to_reqwest(request);
        assert_eq!(converted.is_ok(), HAS_TLS);
        if let Err(error) = converted {
            assert_eq!(error.delivery(), Delivery::Fatal);
            assert!(error.to_string().contains("feature"), "{error}");
        }
    }

    #[test]
    fn uri_text_is_what_display_writes() {
        for uri in [
            "http://127.0.0.1:9/qod/v0/sessions/1",
            "https://api.example.com/quality-on-demand/v1/sessions?device=a%20b&x=1",
            "https://[::1]:8443/qos-profiles/v1/qos-profiles/QOS_L",
            "http://example.com",
            "https://example.com?only=query",
            "/relative/path?q",
            "*",
        ] {
            let uri: http::Uri = uri.parse().unwrap();
            assert_eq!(uri_text(&uri), uri.to_string(), "{uri:?}");
        }
    }

    #[test]
    fn only_methods_that_carry_a_body_get_one() {
        for method in [Method::GET, Method::DELETE] {
            let request = Request::builder()
                .method(method.clone())
                .uri("http://127.0.0.1:9/qod/v0/sessions/1")
                .header("x-correlator", "c-1")
                .body(Vec::new())
                .unwrap();
            let converted = ReqwestTransport::to_reqwest(request).unwrap();
            assert!(converted.body().is_none(), "{method}");
            assert!(!converted.headers().contains_key("content-length"));
            assert_eq!(converted.headers()["x-correlator"], "c-1");
        }
        let post = Request::post("http://127.0.0.1:9/qod/v0/sessions")
            .body(Vec::new())
            .unwrap();
        let converted = ReqwestTransport::to_reqwest(post).unwrap();
        assert!(converted.body().is_some());
        assert_eq!(converted.headers()["content-length"], "0");
    }
}
