use http::{Method, Request, Response};
use qod_models::{SessionId, XCorrelator};

use crate::auth::scopes;
use crate::operations::{Operation, session_uri};
use crate::{Endpoint, Error, request, response};

/// `DELETE /sessions/{sessionId}`: releases a session (answers 204).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteSessionOp {
    /// The session.
    pub session_id: SessionId,
}

impl DeleteSessionOp {
    /// The operation for `session_id`.
    pub fn new(session_id: SessionId) -> Self {
        DeleteSessionOp { session_id }
    }
}

impl Operation for DeleteSessionOp {
    type Output = ();
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "deleteSession";
    const SCOPE: &'static str = scopes::SESSIONS_DELETE;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let uri = session_uri(endpoint, self.session_id, "")?;
        request::build::<()>(Method::DELETE, uri, None, correlator)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<(), Error> {
        response::parse_empty(response)
    }
}
