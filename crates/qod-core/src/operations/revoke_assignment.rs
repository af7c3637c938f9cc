use http::{Method, Request, Response, StatusCode};
use qod_models::{AssignmentId, AssignmentInfo, XCorrelator};

use crate::auth::scopes;
use crate::operations::{Operation, assignment_uri};
use crate::{Endpoint, Error, request, response};

/// What a revoke achieved: at once, or accepted to finish later.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revocation {
    /// 204: the assignment is revoked.
    Revoked,
    /// 202: the revoke is accepted and runs asynchronously. The assignment
    /// as it stands comes with it: still `AVAILABLE`, with `statusInfo`
    /// `DELETE_REQUESTED`; it becomes `UNAVAILABLE` when the revoke is done.
    Accepted(Box<AssignmentInfo>),
}

/// `DELETE /qos-assignments/{assignmentId}` (QoS Provisioning): revokes an
/// assignment. Answers 204 when done, or 202 with the assignment when the
/// revoke runs asynchronously ([`Revocation`]).
///
/// ```
/// use qod_core::{Operation, operations::{Revocation, RevokeAssignmentOp}};
/// let op = RevokeAssignmentOp::new("3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?);
/// let done = http::Response::builder().status(204).body(Vec::new())?;
/// assert_eq!(op.parse(done)?, Revocation::Revoked);
/// let accepted = http::Response::builder().status(202).body(br#"{
///     "assignmentId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "qosProfile": "QOS_L",
///     "status": "AVAILABLE", "statusInfo": "DELETE_REQUESTED"}"#.to_vec())?;
/// assert!(matches!(op.parse(accepted)?, Revocation::Accepted(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevokeAssignmentOp {
    /// The assignment.
    pub assignment_id: AssignmentId,
}

impl RevokeAssignmentOp {
    /// The operation for `assignment_id`.
    pub fn new(assignment_id: AssignmentId) -> Self {
        RevokeAssignmentOp { assignment_id }
    }
}

impl Operation for RevokeAssignmentOp {
    type Output = Revocation;
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "revokeQosAssignment";
    const SCOPE: &'static str = scopes::QOS_ASSIGNMENTS_DELETE;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let uri = assignment_uri(endpoint, self.assignment_id, Self::NAME)?;
        request::build::<()>(Method::DELETE, uri, None, correlator)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<Revocation, Error> {
        // The spec gives a body to 202 only; any other success carries nothing.
        if response.status() == StatusCode::ACCEPTED {
            response::parse_json(response).map(|info| Revocation::Accepted(Box::new(info)))
        } else {
            response::parse_empty(response).map(|()| Revocation::Revoked)
        }
    }
}
