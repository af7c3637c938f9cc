//! The seam between the core and whatever sends bytes, and the policy
//! every transport applies: one [`TransportSettings`] and one
//! classification table ([`Symptoms::delivery`]).
//!
//! A transport translates the settings into its library's configuration and
//! its library's errors into [`Symptoms`]; what they mean is decided here.

mod builder;
mod classify;
mod settings;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use http::{Request, Response};

use crate::RawBody;

pub use builder::{BuildTransport, TransportBuilder};
pub use classify::{
    RUSTLS_CERTIFICATE_REFUSALS, Symptoms, causes, is_native_tls_certificate_refusal,
    is_rustls_certificate_refusal,
};
pub use settings::{
    DEFAULT_ASYNC_MAX_IDLE_CONNECTIONS_PER_HOST, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST, DEFAULT_TIMEOUT, MAX_TIMEOUT, TransportSettings,
    USER_AGENT, check_timeout,
};

/// How far a failed request got, which decides whether it may be replayed.
///
/// # How every transport classifies a failure
///
/// These rules are the contract of [`Transport`] and [`AsyncTransport`];
/// [`Symptoms::delivery`] implements them, and each transport reads its
/// errors into [`Symptoms`], so that the retry rules mean the same over any
/// of them:
///
/// - [`NotSent`](Delivery::NotSent): the failure happened before any byte
///   of the request could reach the server. Name resolution; the TCP
///   connect (refused, unreachable, timed out); a proxy's `CONNECT`; the TLS
///   handshake (a peer that does not speak TLS, a handshake the peer
///   aborts, a handshake timeout). A TLS handshake sends no byte of the
///   HTTP request, so a failed one means "not sent" whatever the error
///   type says; a transport tells it by where the failure happened (while
///   connecting), not by the kind of I/O error.
/// - [`Fatal`](Delivery::Fatal): trying again cannot help. The server's
///   certificate was refused (untrusted, expired, wrong name: it will not
///   heal in seconds, so it is never retried, and nothing was sent); a URL
///   the transport cannot use; a response body over the size limit (the
///   request was sent and answered); a TLS configuration that cannot work.
/// - [`MaybeSent`](Delivery::MaybeSent): anything that failed once
///   the request may have started to leave: a reset, an end of stream or a
///   timeout while sending or waiting for the answer, an invalid response.
///   When in doubt, this.
///
/// A transport also never writes a request that must not be replayed (by
/// its method, see [`Idempotent`]) on an idle pooled connection: a server
/// may close such a connection just as the request goes out, and the
/// request then fails as [`MaybeSent`](Delivery::MaybeSent) although it
/// never arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Delivery {
    /// The request provably did not leave (name resolution, connect, TLS
    /// handshake): any request may be replayed.
    NotSent,
    /// The request may have reached the server (timeout or reset after
    /// sending began): only idempotent requests may be replayed.
    MaybeSent,
    /// Trying again cannot help (certificate refused, bad URL, body over the
    /// size limit, bad TLS configuration).
    Fatal,
}

impl Delivery {
    /// What this says about the request, for messages: `request not sent`,
    /// `request may have been sent` or `request cannot succeed`.
    pub fn describe(self) -> &'static str {
        match self {
            Delivery::NotSent => "request not sent",
            Delivery::MaybeSent => "request may have been sent",
            Delivery::Fatal => "request cannot succeed",
        }
    }
}

/// Marks, in a request's extensions, a request that may be sent again
/// after it may have reached the server although its method does not say
/// so: a read-only `POST` such as `retrieve-qos-profiles`.
///
/// Transports send a request whose method is not idempotent (`POST`,
/// `PATCH`) over a connection of its own unless it carries this mark; a
/// marked request, like a `GET`, may use an idle pooled connection. The
/// core marks the read-only operations it builds; creating or extending a
/// session is never marked.
///
/// ```
/// use qod_core::{Endpoint, Idempotent, Operation, operations::ListQosProfilesOp};
/// let endpoint = Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap();
/// let request = ListQosProfilesOp::default().to_request(&endpoint, None).unwrap();
/// assert_eq!(request.method(), "POST");
/// assert!(request.extensions().get::<Idempotent>().is_some());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Idempotent;

/// Whether `request` may go over an idle pooled connection: its method is
/// idempotent, or it carries [`Idempotent`].
pub fn may_use_pooled_connection<B>(request: &Request<B>) -> bool {
    use http::Method;
    matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    ) || request.extensions().get::<Idempotent>().is_some()
}

/// Set by the core in a request's extensions: the most this request may
/// take, which is what is left of its call's time limit
/// ([`crate::CallOptions::with_time_limit`], [`crate::RetryPolicy::max_elapsed`]).
/// A transport ends the request after the shorter of this and its own
/// timeout, so that a call never outlives its limit waiting for an answer.
///
/// ```
/// use std::time::Duration;
/// use qod_core::RequestTimeout;
/// let mut request = http::Request::get("https://api.example.com/").body(Vec::<u8>::new())?;
/// request.extensions_mut().insert(RequestTimeout(Duration::from_secs(3)));
/// assert_eq!(RequestTimeout::of(&request, Duration::from_secs(30)), Duration::from_secs(3));
/// # Ok::<(), http::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestTimeout(pub Duration);

impl RequestTimeout {
    /// The timeout for `request` under a transport whose own is `own`: the
    /// shorter of the two, and never zero (a zero timeout means "none" to
    /// some HTTP clients).
    pub fn of<B>(request: &Request<B>, own: Duration) -> Duration {
        let limit = request
            .extensions()
            .get::<RequestTimeout>()
            .map_or(own, |RequestTimeout(left)| own.min(*left));
        limit.max(Duration::from_millis(1))
    }
}

/// A transport failure, with how far the request got.
///
/// Its message says what failed at the transport's level; the underlying
/// error, when there is one, is its [`source`](std::error::Error::source)
/// and is not repeated in the message.
///
/// ```
/// use qod_core::{Delivery, TransportError};
/// let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
/// let error = TransportError::with_source(Delivery::NotSent, "cannot connect", io);
/// assert_eq!(error.to_string(), "cannot connect");
/// assert!(std::error::Error::source(&error).is_some());
/// ```
#[derive(Debug)]
pub struct TransportError {
    delivery: Delivery,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    partial: Option<Box<PartialResponse>>,
}

/// What had arrived of a response when its transport failed: the status and
/// the start of the body (a body over the limit, or cut short).
///
/// A 2xx to a create means the server made the session even though the
/// answer could not be read whole; the core looks for its id here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialResponse {
    /// The status the server sent.
    pub status: http::StatusCode,
    /// The body bytes read before the failure, at most the body limit.
    pub body: RawBody,
}

impl TransportError {
    /// A failure with a message.
    pub fn new(delivery: Delivery, message: impl Into<String>) -> Self {
        TransportError {
            delivery,
            message: message.into(),
            source: None,
            partial: None,
        }
    }

    /// A failure caused by `source`.
    pub fn with_source(
        delivery: Delivery,
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            delivery,
            message: message.into(),
            source: Some(source.into()),
            partial: None,
        }
    }

    /// The same failure, noting that the response's status had arrived with
    /// the start of its body. Transports call it when reading a body fails.
    #[must_use]
    pub fn with_partial_response(mut self, status: http::StatusCode, body: Vec<u8>) -> Self {
        self.partial = Some(Box::new(PartialResponse {
            status,
            body: body.into(),
        }));
        self
    }

    /// What had arrived of the response, when its status had.
    pub fn partial_response(&self) -> Option<&PartialResponse> {
        self.partial.as_deref()
    }

    /// How far the request got.
    pub fn delivery(&self) -> Delivery {
        self.delivery
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Sends one request and returns its response, whatever the status.
///
/// Implemented for closures, so a test or another runtime needs no adapter:
///
/// ```
/// use qod_core::{Transport, TransportError};
/// let transport = |_request: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, TransportError> {
///     Ok(http::Response::builder().status(204).body(Vec::new()).unwrap())
/// };
/// let response = transport.send(http::Request::new(Vec::new())).unwrap();
/// assert_eq!(response.status(), 204);
/// ```
pub trait Transport: Send + Sync {
    /// Sends `request`. Every status is a response, not an error; redirects
    /// are not followed; the body is read in full (up to a limit).
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError>;
}

impl<F> Transport for F
where
    F: Fn(Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> + Send + Sync,
{
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        self(request)
    }
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        (**self).send(request)
    }
}

/// Sends one request and returns its response, whatever the status, without
/// blocking: the async twin of [`Transport`], with the same contract.
///
/// Implemented for closures that return a future, so a test or another
/// runtime needs no adapter; state the closure holds is cloned into each
/// future:
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use qod_core::{AsyncTransport, TransportError};
///
/// let sent = Arc::new(AtomicUsize::new(0));
/// let transport = move |_request: http::Request<Vec<u8>>| {
///     let sent = sent.clone();
///     async move {
///         sent.fetch_add(1, Ordering::SeqCst);
///         Ok::<_, TransportError>(http::Response::builder().status(204).body(Vec::new()).unwrap())
///     }
/// };
/// let _response = transport.send(http::Request::new(Vec::new()));
/// ```
///
/// Rust's `async |request| { .. }` closures qualify when they capture
/// nothing; one that captures state implements `AsyncFn` but not `Fn`, and a
/// bound on `AsyncFn` cannot yet require its future to be `Send`, which every
/// future of [`crate::AsyncClient`] is. Write it as above.
pub trait AsyncTransport: Send + Sync {
    /// Sends `request`. Every status is a response, not an error; redirects
    /// are not followed; the body is read in full (up to a limit).
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send;
}

impl<F, Fut> AsyncTransport for F
where
    F: Fn(Request<Vec<u8>>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send,
{
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send {
        self(request)
    }
}

impl<T: AsyncTransport> AsyncTransport for std::sync::Arc<T> {
    fn send(
        &self,
        request: Request<Vec<u8>>,
    ) -> impl Future<Output = Result<Response<Vec<u8>>, TransportError>> + Send {
        (**self).send(request)
    }
}
