//! The blocking transport for qod over [ureq] 3.
//!
//! Safe defaults: every status comes back as a response, redirects are not
//! followed, a connect timeout of 5 s and an overall timeout of 30 s,
//! response bodies read to the end (so connections are reused) up to 1 MiB,
//! no proxy unless asked, rustls with the Mozilla roots. A request that
//! must not be replayed never goes over an idle pooled connection, and
//! failures are classified by the rules of [`qod_core::Delivery`]: this
//! crate reads ureq's errors into [`Symptoms`](qod_core::transport::Symptoms)
//! and the core's table decides, the same as for qod-reqwest. The settings
//! are the core's [`TransportSettings`](qod_core::transport::TransportSettings).
//!
//! Features: `rustls` (default) for rustls with ring and the Mozilla roots;
//! `native-tls` for the platform's TLS, the default when `rustls` is off
//! and chosen with [`UreqTransportBuilder::native_tls`] when both are on;
//! with neither, plain http only (an `https` request fails as `Fatal`).
//!
//! ureq logs every byte it sends and receives, secrets included, under
//! [`RAW_TRAFFIC_LOG_TARGETS`] at `DEBUG` and `TRACE`; wrap the program's
//! logger in [`WithoutRawTraffic`] to keep them out whatever `RUST_LOG` says.
//!
//! ```no_run
//! use qod_core::Transport;
//! use qod_ureq::UreqTransport;
//! let transport = UreqTransport::builder()
//!     .timeout(std::time::Duration::from_secs(10))
//!     .body_limit(256 * 1024)
//!     .build()?;
//! let response = transport.send(http::Request::get("https://example.com/").body(Vec::new())?)?;
//! println!("{}", response.status());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
// docs.rs: mark what a feature adds.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod coarse_timeouts;
mod connect_phase;
mod error_mapping;
mod raw_traffic_log;
mod resolver;
mod transport;

pub use raw_traffic_log::{RAW_TRAFFIC_LOG_TARGETS, WithoutRawTraffic};
pub use transport::{
    DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, MAX_TIMEOUT, USER_AGENT,
    UreqTransport, UreqTransportBuilder,
};
pub use ureq;
