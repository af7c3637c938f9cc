//! The sans-IO protocol core of qod, a client for the CAMARA Quality-on-Demand API.
//!
//! It builds `http::Request<Vec<u8>>` values and parses `http::Response<Vec<u8>>`
//! values; authentication and retries are pure state machines; the
//! [`Client`] orchestrates them over any [`Transport`]. It opens no socket,
//! reads no file or environment variable and never sleeps except through an
//! injected [`Clock`], so the same core serves blocking programs, async
//! runtimes and tests with a closure for a transport.
//!
//! ```
//! use qod_core::{Endpoint, Operation, operations::CreateSessionOp};
//! use qod_models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};
//!
//! let body = CreateSession::new(
//!     Device::with_phone_number(PhoneNumber::parse("+14250000000")?),
//!     QosProfileName::parse("QOS_VC")?,
//! )
//! .with_application_server(ApplicationServer::ipv4("198.51.100.0/24".parse()?))
//! .with_duration(600);
//! let request = CreateSessionOp::new(body).to_request(&Endpoint::tmobile_production(), None)?;
//! assert_eq!(request.uri(), "https://naas.t-mobile.com/qod/v0/sessions");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod auth;
mod client;
mod clock;
mod endpoint;
mod error;
pub mod notification;
pub mod operations;
mod printable;
mod request;
mod response;
pub mod retry;
mod transport;
pub mod validate;

pub use auth::Credentials;
pub use client::{CallOptions, Client, ClientBuilder};
pub use clock::{Clock, IdSource, RandomIds};
pub use endpoint::{ApiVersion, Endpoint, EndpointBuilder, EndpointError, Flavor};
pub use error::{ApiError, Error, UnexpectedResponse};
pub use operations::Operation;
pub use printable::printable;
pub use response::error_body;
pub use retry::RetryPolicy;
pub use transport::{Delivery, Idempotent, Transport, TransportError, may_use_pooled_connection};

pub use http;
pub use qod_models as models;
