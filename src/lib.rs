//! qod: a Rust SDK for the CAMARA Quality-on-Demand (QoD) API.
//!
//! Ask a mobile network for stable latency or prioritised throughput for one
//! device's traffic, for a while: create a QoS session, watch its status,
//! extend it, delete it. Or, where the operator offers QoS Provisioning,
//! assign a QoS profile to a device until you revoke it. One client serves
//! T-Mobile (QoD 0.10.1 with TAAP proof-of-possession auth) and every
//! operator serving CAMARA QoD 1.x.
//!
//! - [`models`]: the wire types, with validated newtypes.
//! - [`core`]: the sans-IO protocol core, for other runtimes and tests.
//! - [`Client`](type.Client.html) / [`ClientBuilder`](type.ClientBuilder.html)
//!   (feature `ureq`, on by default): the blocking client.
//! - [`AsyncClient`](type.AsyncClient.html) /
//!   [`AsyncClientBuilder`](type.AsyncClientBuilder.html) (feature
//!   `reqwest`): the same client for tokio, by the same names, its calls
//!   awaited.
//! - [`CallOptions`] with `execute`: per-call options (your own
//!   correlator, a time limit) for any operation of [`operations`].
//! - [`notification::verify`]: checks a status notification your webhook or
//!   sink received.
//!
//! ```no_run
//! use qod::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};
//!
//! let client = qod::ClientBuilder::new("https://api.example.com/quality-on-demand/v1")?
//!     .credentials(qod::Credentials::bearer("my-access-token")?)
//!     .build()?;
//! let session = client.create_session(
//!     &CreateSession::new(
//!         Device::with_phone_number(PhoneNumber::parse("+14255550100")?),
//!         QosProfileName::parse("QOS_E")?,
//!     )
//!     .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
//!     .with_duration(600),
//! )?;
//! client.delete_session(session.session_id)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Examples
//!
//! The repository's `examples/` run offline against the embedded sandbox
//! (`cargo run --example NAME`): `quickstart` (a session's whole life),
//! `bearer_token`, `oauth2_client_credentials`, `tmobile_taap` (a key file
//! made on the spot), `camara_ciba` (CIBA with `private_key_jwt`, found by
//! discovery), `camara_jwt_bearer` (the JWT Bearer grant for two users),
//! `notifications` (a webhook that receives, verifies and prints status
//! events) and `async_tokio` (`--features reqwest`).
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `ureq` | yes | the blocking `Client` and `ClientBuilder` over ureq |
//! | `tmobile` | yes | T-Mobile TAAP auth: RS256 proof-of-possession tokens (ring); implies `jwt` |
//! | `jwt` | yes | signed JWTs (ring): `private_key_jwt` client authentication, the JWT Bearer grant, PKCE |
//! | `rustls` | yes | TLS by rustls with ring and the Mozilla roots |
//! | `reqwest` | no | the async `AsyncClient` and `AsyncClientBuilder` over reqwest, for tokio |
//! | `native-tls` | no | the platform's TLS (OpenSSL, Security.framework, SChannel) |
//!
//! Without default features, name a transport and a TLS: e.g.
//! `default-features = false, features = ["ureq", "native-tls"]` builds
//! neither rustls nor ring. With both TLS features, rustls is used unless a
//! client asks for native TLS (`.transport(|t| t.native_tls(true))`); a
//! transport with neither speaks plain http only. Without `ureq` or
//! `reqwest`, qod is the sans-IO core for a transport of your own.
//!
//! # Logging
//!
//! qod logs through the [`log`](https://docs.rs/log) crate, so a logger such
//! as `env_logger` shows it as `RUST_LOG` says. `RUST_LOG=qod_core=debug`
//! gives one line per HTTP exchange: method, path, status, `x-correlator`,
//! attempt and time taken; never a header or a body. Below `INFO`, ureq
//! also dumps every byte it sends and receives, tokens included (targets
//! `ureq_transport::RAW_TRAFFIC_LOG_TARGETS`): wrap your logger in
//! `ureq_transport::WithoutRawTraffic` to keep those out whatever the
//! filter says.
//!
//! ```
//! # #[cfg(feature = "ureq")] {
//! let logger = env_logger::Builder::from_default_env().build();
//! let max_level = logger.filter();
//! let logger = qod::ureq_transport::WithoutRawTraffic::new(logger);
//! if log::set_boxed_logger(Box::new(logger)).is_ok() {
//!     log::set_max_level(max_level);
//! }
//! # }
//! ```

#![forbid(unsafe_code)]
// docs.rs: mark what a feature adds.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "reqwest")]
mod async_front_door;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
mod builder;
#[cfg(feature = "ureq")]
mod front_door;
mod kept_session;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
mod setup;
mod std_clock;

#[cfg(feature = "reqwest")]
pub use async_front_door::{AsyncClient, AsyncClientBuilder};
#[cfg(any(feature = "ureq", feature = "reqwest"))]
pub use builder::Builder;
#[cfg(feature = "ureq")]
pub use front_door::{Client, ClientBuilder};
// The application's vocabulary; the driver author's (`Call`, `Machine`,
// `Step`, `ClientCore`, `StatusWait`, clocks, transports) is under `core`.
pub use kept_session::{DROP_WAIT, KeptSession};
pub use qod_core::{
    Api, ApiError, ApiVersion, CallOptions, CreatedResource, Credentials, Delivery, Endpoint,
    EndpointError, Error, ErrorKind, FetchedToken, Flavor, Reading, RetryPolicy, Revocation,
    TransportError, UnexpectedResponse, auth, keeper, notification, operations,
};
pub use qod_models as models;
#[cfg(feature = "reqwest")]
pub use qod_reqwest::TokioClock;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
pub use setup::{MAX_KEY_FILE, SetupError, TMobileEnvironment, read_key_file};
pub use std_clock::StdClock;

/// The sans-IO core, for callers that bring their own transport.
pub use qod_core as core;
/// The reqwest transport.
#[cfg(feature = "reqwest")]
pub use qod_reqwest as reqwest_transport;
/// The ureq transport.
#[cfg(feature = "ureq")]
pub use qod_ureq as ureq_transport;

/// README.md's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
