//! One plain-data struct per operation of the QoD family (sessions, QoS
//! profiles, QoS assignments): it builds its request and parses its
//! response, and knows whether replaying it is safe.

mod create_assignment;
mod create_session;
mod delete_session;
pub(crate) mod device_rule;
mod extend_session;
mod get_assignment;
mod get_qos_profile;
mod get_session;
mod list_qos_profiles;
mod retrieve_assignment;
mod retrieve_sessions;
mod revoke_assignment;

pub use create_assignment::CreateAssignmentOp;
pub use create_session::CreateSessionOp;
pub use delete_session::DeleteSessionOp;
pub use device_rule::DeviceField;
pub use extend_session::ExtendSessionOp;
pub use get_assignment::GetAssignmentOp;
pub use get_qos_profile::GetQosProfileOp;
pub use get_session::GetSessionOp;
pub use list_qos_profiles::ListQosProfilesOp;
pub use retrieve_assignment::RetrieveAssignmentOp;
pub use retrieve_sessions::RetrieveSessionsOp;
pub use revoke_assignment::{Revocation, RevokeAssignmentOp};

use http::{Request, Response, StatusCode, Uri};
use qod_models::{AssignmentId, SessionId, XCorrelator};
use uuid::Uuid;

use crate::endpoint::BaseUrl;
use crate::{Api, CreatedResource, Endpoint, Error, ErrorKind};

/// The URI of one session, with `suffix` (e.g. `/extend`) after its id.
pub(crate) fn session_uri(endpoint: &Endpoint, id: SessionId, suffix: &str) -> Result<Uri, Error> {
    resource_uri(endpoint.sessions(), "/sessions/", id.uuid(), suffix)
}

/// The QoS Provisioning base URL; an operation on an endpoint with none
/// (T-Mobile) is unsupported, and nothing is sent.
pub(crate) fn provisioning<'a>(
    endpoint: &'a Endpoint,
    operation: &'static str,
) -> Result<&'a BaseUrl, Error> {
    endpoint.provisioning().ok_or_else(|| {
        ErrorKind::Unsupported {
            operation,
            api: Api::QosProvisioning,
            version: endpoint.api_version(),
        }
        .into()
    })
}

/// The URI of one QoS assignment.
pub(crate) fn assignment_uri(
    endpoint: &Endpoint,
    id: AssignmentId,
    operation: &'static str,
) -> Result<Uri, Error> {
    resource_uri(
        provisioning(endpoint, operation)?,
        "/qos-assignments/",
        id.uuid(),
        "",
    )
}

/// `base` + `collection` + `id` + `suffix`.
fn resource_uri(base: &BaseUrl, collection: &str, id: Uuid, suffix: &str) -> Result<Uri, Error> {
    // A hyphenated UUID is [0-9a-f-]: it needs no percent-encoding.
    let mut buffer = Uuid::encode_buffer();
    let id = id.hyphenated().encode_lower(&mut buffer);
    Ok(base.join_all(&[collection, id, suffix])?)
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
    /// server. Creating and extending sessions and creating QoS assignments
    /// may not: a replay can create a second one or extend twice.
    const IDEMPOTENT: bool;

    /// A short name for logs and errors, e.g. `createSession`.
    const NAME: &'static str;

    /// The OAuth scope the QoD 1.x family's specs give the operation, e.g.
    /// `quality-on-demand:sessions:create` ([`crate::auth::scopes`]).
    const SCOPE: &'static str;

    /// Checks the input against the endpoint's rules and builds the request.
    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error>;

    /// Turns the response into the output or a typed error.
    fn parse(&self, response: Response<Vec<u8>>) -> Result<Self::Output, Error>;

    /// What this operation made on the server although its answer could not
    /// be read whole: `status` and `body` are what arrived before the
    /// transport failed. Only a create makes something, so the default is
    /// `None`; a create answers for any 2xx, naming what `body` shows.
    fn created_resource(&self, status: StatusCode, body: &[u8]) -> Option<CreatedResource> {
        let _ = (status, body);
        None
    }

    /// How the request names the device, for QoD 1.x's device rule (see
    /// [`DeviceField`]), checked before anything is sent. The default is
    /// [`DeviceField::None`]: not about a device.
    fn device_field(&self) -> DeviceField {
        DeviceField::None
    }
}
