use http::{Method, Request, Response};
use qod_models::{SessionId, SessionInfo, XCorrelator};

use crate::auth::scopes;
use crate::operations::{Operation, session_uri};
use crate::{Endpoint, Error, request, response};

/// `GET /sessions/{sessionId}`: reads a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetSessionOp {
    /// The session.
    pub session_id: SessionId,
}

impl GetSessionOp {
    /// The operation for `session_id`.
    pub fn new(session_id: SessionId) -> Self {
        GetSessionOp { session_id }
    }
}

impl Operation for GetSessionOp {
    type Output = SessionInfo;
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "getSession";
    const SCOPE: &'static str = scopes::SESSIONS_READ;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let uri = session_uri(endpoint, self.session_id, "")?;
        request::build::<()>(Method::GET, uri, None, correlator)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<SessionInfo, Error> {
        response::parse_json(response)
    }
}
