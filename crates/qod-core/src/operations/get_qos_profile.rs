use http::{Method, Request, Response};
use qod_models::{QosProfile, QosProfileName, XCorrelator};

use crate::auth::scopes;
use crate::operations::Operation;
use crate::{Endpoint, Error, request, response};

/// `GET /qos-profiles/{name}`: one QoS profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetQosProfileOp {
    /// The profile's name.
    pub name: QosProfileName,
}

impl GetQosProfileOp {
    /// The operation for `name`.
    pub fn new(name: QosProfileName) -> Self {
        GetQosProfileOp { name }
    }
}

impl Operation for GetQosProfileOp {
    type Output = QosProfile;
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "getQosProfile";
    const SCOPE: &'static str = scopes::QOS_PROFILES_READ;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let path = format!("/qos-profiles/{}", request::segment(self.name.as_str()));
        let uri = endpoint.profiles().join(&path)?;
        request::build::<()>(Method::GET, uri, None, correlator)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<QosProfile, Error> {
        response::parse_json(response)
    }
}
