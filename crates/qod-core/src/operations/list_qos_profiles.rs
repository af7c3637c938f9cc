use http::{Method, Request, Response};
use qod_models::{QosProfile, QosProfileFilter, XCorrelator};

use crate::auth::scopes;
use crate::operations::{DeviceField, Operation};
use crate::{ApiVersion, Endpoint, Error, request, response, validate};

/// Lists QoS profiles: `GET /qos-profiles?name=&status=` in 0.10,
/// `POST /retrieve-qos-profiles` in 1.x. Read-only either way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQosProfilesOp {
    /// What to filter on; the device filter needs 1.x.
    pub filter: QosProfileFilter,
}

impl ListQosProfilesOp {
    /// The operation with `filter`.
    pub fn new(filter: QosProfileFilter) -> Self {
        ListQosProfilesOp { filter }
    }
}

impl Operation for ListQosProfilesOp {
    type Output = Vec<QosProfile>;
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "listQosProfiles";
    const SCOPE: &'static str = scopes::QOS_PROFILES_READ;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        validate::qos_profile_filter(&self.filter, endpoint)?;
        match endpoint.api_version() {
            ApiVersion::V0_10 => {
                let mut query = Vec::new();
                if let Some(name) = &self.filter.name {
                    query.push(format!("name={}", request::query_value(name.as_str())));
                }
                if let Some(status) = &self.filter.status {
                    query.push(format!("status={}", request::query_value(status.as_str())));
                }
                let path = if query.is_empty() {
                    "/qos-profiles".to_owned()
                } else {
                    format!("/qos-profiles?{}", query.join("&"))
                };
                let uri = endpoint.profiles().join(&path)?;
                request::build::<()>(Method::GET, uri, None, correlator)
            }
            _ => {
                let uri = endpoint.profiles().join("/retrieve-qos-profiles")?;
                request::build(Method::POST, uri, Some(&self.filter), correlator)
                    .map(request::read_only)
            }
        }
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<Vec<QosProfile>, Error> {
        response::parse_json(response)
    }

    fn device_field(&self) -> DeviceField {
        DeviceField::Filter {
            given: self.filter.device.is_some(),
        }
    }
}
