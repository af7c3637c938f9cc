use http::{Method, Request, Response, StatusCode};
use qod_models::{CreateSession, SessionInfo, XCorrelator};

use crate::auth::scopes;
use crate::operations::{DeviceField, Operation};
use crate::{CreatedResource, Endpoint, Error, request, response, validate};

/// `POST /sessions`: creates a QoS session. Never replayed once it may have
/// reached the server.
///
/// A 2xx whose body cannot be decoded still made a session: the error then
/// carries its id when the body names one ([`Error::created`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateSessionOp {
    /// The request body.
    pub body: CreateSession,
}

impl CreateSessionOp {
    /// The operation for `body`.
    pub fn new(body: CreateSession) -> Self {
        CreateSessionOp { body }
    }
}

impl Operation for CreateSessionOp {
    type Output = SessionInfo;
    const IDEMPOTENT: bool = false;
    const NAME: &'static str = "createSession";
    const SCOPE: &'static str = scopes::SESSIONS_CREATE;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        validate::create_session(&self.body, endpoint)?;
        let uri = endpoint.sessions().join("/sessions")?;
        request::build(Method::POST, uri, Some(&self.body), correlator)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<SessionInfo, Error> {
        response::parse_json(response)
            .map_err(|error| error.naming_from(CreatedResource::session_made))
    }

    fn created_resource(&self, status: StatusCode, body: &[u8]) -> Option<CreatedResource> {
        status
            .is_success()
            .then(|| CreatedResource::session_made(body))
    }

    fn device_field(&self) -> DeviceField {
        DeviceField::Subject {
            given: self.body.device.is_some(),
        }
    }
}
