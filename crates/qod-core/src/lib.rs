//! The sans-IO protocol core of qod, a client for the CAMARA Quality-on-Demand API
//! family: QoS sessions, QoS profiles and QoS Provisioning's assignments.
//!
//! It builds `http::Request<Vec<u8>>` values and parses `http::Response<Vec<u8>>`
//! values. The whole life of one call (validation, token, authorization and
//! signing, attempts, 401 replay, retries and backoff, correlator) is one pure
//! state machine, [`Call`], started from a [`ClientCore`]: it is handed the
//! time and each response and answers with a [`Step`]: send this, sleep this
//! long, wait for the token another call is fetching, or here is the result.
//! A status wait ([`StatusWait`]) is a machine of the same kind, made of
//! calls: every [`Machine`] yields the same steps. The core opens no socket,
//! reads no file or environment variable, never sleeps and never blocks.
//! Two thin drivers run machines, each with one loop: the blocking
//! [`Client`] over a [`Transport`] and the [`AsyncClient`] over an
//! [`AsyncTransport`]; any other runtime can drive them the same way in a
//! dozen lines.
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
// docs.rs: mark what a feature adds.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod async_client;
pub mod auth;
mod call;
mod client;
mod client_core;
mod clock;
mod created_resource;
mod endpoint;
mod error;
mod headers;
mod held;
pub mod keeper;
mod machine;
pub mod notification;
mod operation_methods;
pub mod operations;
mod printable;
mod raw_body;
mod request;
mod response;
pub mod retry;
mod shared_call;
mod status_wait;
mod token_fetch;
pub mod transport;
pub mod validate;

pub use async_client::AsyncClient;
pub use auth::Credentials;
pub use call::Call;
pub use client::Client;
pub use client_core::{CallOptions, ClientCore};
pub use clock::{AsyncClock, Clock, IdSource, RandomIds};
pub use created_resource::CreatedResource;
pub use endpoint::{Api, ApiVersion, Endpoint, EndpointBuilder, EndpointError, Flavor};
pub use error::{ApiError, Error, ErrorKind, Reading, UnexpectedResponse};
pub use machine::{Machine, Step};
pub use operations::{Operation, Revocation};
pub use printable::printable;
pub use raw_body::RawBody;
pub use retry::RetryPolicy;
pub use status_wait::{Pollable, StatusWait};
pub use token_fetch::{FetchedToken, TokenFetch};
pub use transport::{
    AsyncTransport, Delivery, Idempotent, MAX_TIMEOUT, PartialResponse, RequestTimeout, Transport,
    TransportError, check_timeout, may_use_pooled_connection,
};

pub use http;
pub use qod_models as models;
