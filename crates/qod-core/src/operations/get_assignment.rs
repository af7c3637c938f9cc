use http::{Method, Request, Response};
use qod_models::{AssignmentId, AssignmentInfo, XCorrelator};

use crate::auth::scopes;
use crate::operations::{Operation, assignment_uri};
use crate::{Endpoint, Error, request, response};

/// `GET /qos-assignments/{assignmentId}` (QoS Provisioning): reads an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetAssignmentOp {
    /// The assignment.
    pub assignment_id: AssignmentId,
}

impl GetAssignmentOp {
    /// The operation for `assignment_id`.
    pub fn new(assignment_id: AssignmentId) -> Self {
        GetAssignmentOp { assignment_id }
    }
}

impl Operation for GetAssignmentOp {
    type Output = AssignmentInfo;
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "getQosAssignmentById";
    const SCOPE: &'static str = scopes::QOS_ASSIGNMENTS_READ;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let uri = assignment_uri(endpoint, self.assignment_id, Self::NAME)?;
        request::build::<()>(Method::GET, uri, None, correlator)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<AssignmentInfo, Error> {
        response::parse_json(response)
    }
}
