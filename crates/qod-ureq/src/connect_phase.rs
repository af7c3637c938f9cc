//! Marks every failure that happens while a connection is being made.
//!
//! ureq reports a refused certificate or a peer that does not speak TLS as
//! an I/O error, the same kind as a reset in the middle of an exchange.
//! What tells them apart is when they happen: a failure while connecting
//! (resolving the proxy, TCP, the TLS handshake) comes before any byte of
//! the request is written. This connector wraps the real one and tags its
//! errors, so that the error mapping knows the request was not sent.

use std::fmt;

use ureq::Error;
use ureq::unversioned::transport::{ConnectionDetails, Connector};

/// A connector whose failures come out as [`ConnectFailed`].
#[derive(Debug)]
pub(crate) struct ConnectPhase<C>(pub(crate) C);

impl<C: Connector> Connector for ConnectPhase<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, Error> {
        self.0
            .connect(details, chained)
            .map_err(|error| Error::Other(Box::new(ConnectFailed(error))))
    }
}

/// A failure while connecting: nothing of the request was written.
#[derive(Debug)]
pub(crate) struct ConnectFailed(pub(crate) Error);

impl fmt::Display for ConnectFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for ConnectFailed {}
