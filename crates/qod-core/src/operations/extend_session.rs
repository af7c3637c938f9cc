use http::{Method, Request, Response};
use qod_models::{ExtendSessionDuration, SessionId, SessionInfo, XCorrelator};

use crate::auth::scopes;
use crate::operations::{Operation, session_uri};
use crate::{Endpoint, Error, request, response, validate};

/// `POST /sessions/{sessionId}/extend`: adds time to an `AVAILABLE` session.
/// Never replayed once it may have reached the server: it would extend twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtendSessionOp {
    /// The session.
    pub session_id: SessionId,
    /// Seconds to add.
    pub additional_seconds: u32,
}

impl ExtendSessionOp {
    /// The operation adding `additional_seconds` to `session_id`.
    pub fn new(session_id: SessionId, additional_seconds: u32) -> Self {
        ExtendSessionOp {
            session_id,
            additional_seconds,
        }
    }
}

impl Operation for ExtendSessionOp {
    type Output = SessionInfo;
    const IDEMPOTENT: bool = false;
    const NAME: &'static str = "extendQosSessionDuration";
    const SCOPE: &'static str = scopes::SESSIONS_UPDATE;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        validate::extend_session(self.additional_seconds, endpoint)?;
        let uri = session_uri(endpoint, self.session_id, "/extend")?;
        let body = ExtendSessionDuration {
            requested_additional_duration: self.additional_seconds,
        };
        request::build(Method::POST, uri, Some(&body), correlator)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<SessionInfo, Error> {
        response::parse_json(response)
    }
}
