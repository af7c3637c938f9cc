//! The seam between the core and whatever sends bytes.

use std::fmt;
use std::future::Future;

use http::{Request, Response};

/// How far a failed request got, which decides whether it may be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Delivery {
    /// The request provably did not leave (connection refused, DNS failure,
    /// TLS handshake failure): any request may be replayed.
    NotSent,
    /// The request may have reached the server (timeout or reset after
    /// sending began): only idempotent requests may be replayed.
    MaybeSent,
    /// Trying again cannot help (bad URL, body over the size limit, bad TLS
    /// configuration).
    Fatal,
}

/// A transport failure, with how far the request got.
#[derive(Debug)]
pub struct TransportError {
    delivery: Delivery,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A failure with a message.
    pub fn new(delivery: Delivery, message: impl Into<String>) -> Self {
        TransportError {
            delivery,
            message: message.into(),
            source: None,
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
        }
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
        let how = match self.delivery {
            Delivery::NotSent => "request not sent",
            Delivery::MaybeSent => "request may have been sent",
            Delivery::Fatal => "request cannot succeed",
        };
        write!(f, "{how}: {}", self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
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
/// runtime needs no adapter:
///
/// ```
/// use qod_core::{AsyncTransport, TransportError};
/// let transport = |_request: http::Request<Vec<u8>>| async {
///     Ok::<_, TransportError>(http::Response::builder().status(204).body(Vec::new()).unwrap())
/// };
/// let _response = transport.send(http::Request::new(Vec::new()));
/// ```
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
