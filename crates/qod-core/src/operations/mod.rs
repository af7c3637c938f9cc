//! One plain-data struct per QoD operation: it builds its request and parses
//! its response, and knows whether replaying it is safe.

mod create_session;
mod delete_session;
mod extend_session;
mod get_qos_profile;
mod get_session;
mod list_qos_profiles;
mod retrieve_sessions;

pub use create_session::CreateSessionOp;
pub use delete_session::DeleteSessionOp;
pub use extend_session::ExtendSessionOp;
pub use get_qos_profile::GetQosProfileOp;
pub use get_session::GetSessionOp;
pub use list_qos_profiles::ListQosProfilesOp;
pub use retrieve_sessions::RetrieveSessionsOp;

use http::{Request, Response, StatusCode, Uri};
use qod_models::{SessionId, XCorrelator};

use crate::{Endpoint, Error};

/// The URI of one session, with `suffix` (e.g. `/extend`) after its id.
pub(crate) fn session_uri(endpoint: &Endpoint, id: SessionId, suffix: &str) -> Result<Uri, Error> {
    // A hyphenated UUID is [0-9a-f-]: it needs no percent-encoding.
    let mut buffer = uuid::Uuid::encode_buffer();
    let id = id.uuid().hyphenated().encode_lower(&mut buffer);
    Ok(endpoint.sessions().join_all(&["/sessions/", id, suffix])?)
}

/// A QoD operation as pure data: `to_request` and `parse` do no I/O, so any
/// runtime can send what they build.
///
/// ```
/// use qod_core::{Endpoint, Operation, operations::GetSessionOp};
/// let op = GetSessionOp::new("123e4567-e89b-12d3-a456-426614174000".parse().unwrap());
/// let request = op.to_request(&Endpoint::tmobile_production(), None).unwrap();
/// assert_eq!(request.method(), "GET");
/// assert_eq!(
///     request.uri(),
///     "https://naas.t-mobile.com/qod/v0/sessions/123e4567-e89b-12d3-a456-426614174000"
/// );
/// assert!(GetSessionOp::IDEMPOTENT);
/// ```
pub trait Operation {
    /// What a successful call returns.
    type Output;

    /// Whether the operation may be replayed after it may have reached the
    /// server. Creating and extending sessions may not: a replay can create a
    /// second session or extend twice.
    const IDEMPOTENT: bool;

    /// A short name for logs and errors, e.g. `createSession`.
    const NAME: &'static str;

    /// Checks the input against the endpoint's rules and builds the request.
    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error>;

    /// Turns the response into the output or a typed error.
    fn parse(&self, response: Response<Vec<u8>>) -> Result<Self::Output, Error>;

    /// The session this operation made on the server, as far as `body`, the
    /// part of a `status` answer that arrived before its transport failed,
    /// shows it. Only a create makes one, so the default is `None`.
    fn created_session(&self, status: StatusCode, body: &[u8]) -> Option<SessionId> {
        let _ = (status, body);
        None
    }
}
