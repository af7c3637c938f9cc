use http::{Method, Request, Response};
use qod_models::{Device, RetrieveSessionsInput, SessionInfo, XCorrelator};

use crate::auth::scopes;
use crate::operations::{DeviceField, Operation};
use crate::{Endpoint, Error, request, response, validate};

/// `POST /retrieve-sessions` (1.x only): the sessions of a device. Read-only,
/// so it may be replayed although it is a POST.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetrieveSessionsOp {
    /// The device; leave it out with a three-legged token.
    pub device: Option<Device>,
}

impl RetrieveSessionsOp {
    /// The operation for `device`.
    pub fn new(device: Option<Device>) -> Self {
        RetrieveSessionsOp { device }
    }
}

impl Operation for RetrieveSessionsOp {
    type Output = Vec<SessionInfo>;
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "retrieveSessionsByDevice";
    const SCOPE: &'static str = scopes::SESSIONS_RETRIEVE_BY_DEVICE;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        validate::retrieve_sessions(self.device.as_ref(), endpoint)?;
        let uri = endpoint.sessions().join("/retrieve-sessions")?;
        let body = RetrieveSessionsInput {
            device: self.device.clone(),
        };
        request::build(Method::POST, uri, Some(&body), correlator).map(request::read_only)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<Vec<SessionInfo>, Error> {
        response::parse_json(response)
    }

    fn device_field(&self) -> DeviceField {
        DeviceField::Subject {
            given: self.device.is_some(),
        }
    }
}
