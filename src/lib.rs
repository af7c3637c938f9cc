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
//! - `Client` / `ClientBuilder` (feature `ureq`, on by default): the blocking client.
//! - `AsyncClient` / `AsyncClientBuilder` (feature `reqwest`): the same client
//!   for tokio, by the same names, its calls awaited.
//!
//! ```no_run
//! use qod::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};
//!
//! let client = qod::ClientBuilder::new("https://api.example.com/quality-on-demand/v1")?
//!     .credentials(qod::Credentials::bearer("my-access-token"))
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

#![forbid(unsafe_code)]

#[cfg(feature = "reqwest")]
mod async_front_door;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
mod builder_methods;
#[cfg(feature = "ureq")]
mod front_door;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
mod setup;
mod std_clock;

#[cfg(feature = "reqwest")]
pub use async_front_door::{AsyncClient, AsyncClientBuilder};
#[cfg(feature = "ureq")]
pub use front_door::{Client, ClientBuilder};
pub use qod_core::{
    ApiError, ApiVersion, AsyncClock, AsyncTransport, Call, CallOptions, ClientCore, Clock,
    CreatedResource, Credentials, Delivery, Endpoint, EndpointError, Error, Flavor, IdSource,
    Operation, Pollable, RetryPolicy, Revocation, SessionWait, StatusWait, Step, Transport,
    TransportError, UnexpectedResponse, WaitStep, auth, notification, operations,
};
pub use qod_models as models;
#[cfg(feature = "reqwest")]
pub use qod_reqwest::TokioClock;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
pub use setup::{MAX_PRIVATE_KEY_FILE, SetupError, TMobileEnvironment, read_private_key_file};
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
