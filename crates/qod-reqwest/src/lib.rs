//! The async transport for qod over [reqwest], and [`TokioClock`], the
//! clock of the tokio runtime reqwest runs on.
//!
//! The same guarantees as the blocking `qod-ureq` transport: every status
//! comes back as a response; redirects are not followed; a connect timeout of
//! 5 s (TCP and TLS handshake) and an overall timeout of 30 s, body included;
//! response bodies read while streaming up to 1 MiB, never buffering more; no
//! automatic decompression; no proxy unless asked; a `qod/<version>` user
//! agent; no `content-length` on a GET or DELETE without a body; rustls with
//! ring and the Mozilla roots, or only the roots you give; a request that must
//! not be replayed (a create, an extend, a token request) on a connection of
//! its own, never on an idle pooled one a server may be closing.
//!
//! HTTP/1.1 only: QoD calls are small JSON exchanges, which a pool of
//! keep-alive connections serves well, and leaving HTTP/2 out keeps `h2` out
//! of the build.
//!
//! # How a failure is classified
//!
//! Every failure is a [`TransportError`](qod_core::TransportError) whose
//! [`Delivery`](qod_core::Delivery) tells the core whether the request may be
//! replayed. This crate only reads reqwest's error and its causes into
//! [`Symptoms`](qod_core::transport::Symptoms); the table is the core's, the
//! same for qod-ureq. The rules, checked in this order:
//!
//! | failure | delivery | why |
//! |---|---|---|
//! | response body over the limit (read up to the limit, whatever `content-length` says, and its start kept as the error's [`PartialResponse`](qod_core::PartialResponse), where a create's session id may be found) | `Fatal` | the same request gets the same body |
//! | unusable request: bad URL or scheme, bad header, `https` without a TLS feature | `Fatal` | it cannot be sent as it is |
//! | the server's certificate was refused (untrusted issuer, expired, wrong name, revoked, none presented) | `Fatal` | never retried: retrying cannot fix trust, and should not hide an attack |
//! | any other failure while connecting: DNS, refused, unreachable, connect timeout, proxy tunnel, TLS handshake | `NotSent` | no request byte left: even a create may be replayed |
//! | anything after the connection was up: overall timeout, reset, closed early, broken body (what arrived of it kept as above) | `MaybeSent` | the server may have acted: only idempotent calls are replayed |
//!
//! With rustls, a refused certificate is recognised by its type, from the
//! core's list
//! ([`RUSTLS_CERTIFICATE_REFUSALS`](qod_core::transport::RUSTLS_CERTIFICATE_REFUSALS)).
//! With native TLS the platform reports it only as text, so a handshake error
//! whose message mentions a certificate counts as refused (OpenSSL's
//! "certificate verify failed", Security.framework's "certificate was not
//! trusted"); any other native TLS handshake error is `NotSent`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use qod_core::AsyncTransport;
//! use qod_reqwest::ReqwestTransport;
//! let transport = ReqwestTransport::builder()
//!     .timeout(std::time::Duration::from_secs(10))
//!     .body_limit(256 * 1024)
//!     .build()?;
//! let request = http::Request::get("https://example.com/").body(Vec::new())?;
//! let response = transport.send(request).await?;
//! println!("{}", response.status());
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
// docs.rs: mark what a feature adds.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body_limit;
mod clock;
mod error_mapping;
#[cfg(feature = "rustls")]
mod tls;
mod transport;

pub use clock::TokioClock;
pub use reqwest;
pub use transport::{
    DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ReqwestTransport,
    ReqwestTransportBuilder, USER_AGENT,
};
