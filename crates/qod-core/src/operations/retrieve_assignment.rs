use http::{Method, Request, Response};
use qod_models::{AssignmentInfo, Device, RetrieveAssignmentByDevice, XCorrelator};

use crate::auth::scopes;
use crate::operations::{DeviceField, Operation, provisioning};
use crate::{Endpoint, Error, request, response, validate};

/// `POST /retrieve-qos-assignment` (QoS Provisioning): the assignment of a
/// device (404 `NOT_FOUND` when it has none). Read-only, so it is retried
/// like a read although it is a POST.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetrieveAssignmentOp {
    /// The device; leave it out with a three-legged token.
    pub device: Option<Device>,
}

impl RetrieveAssignmentOp {
    /// The operation for `device`.
    pub fn new(device: Option<Device>) -> Self {
        RetrieveAssignmentOp { device }
    }
}

impl Operation for RetrieveAssignmentOp {
    type Output = AssignmentInfo;
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "getQosAssignmentByDevice";
    const SCOPE: &'static str = scopes::QOS_ASSIGNMENTS_READ_BY_DEVICE;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let base = provisioning(endpoint, Self::NAME)?;
        validate::assignment_device(self.device.as_ref())?;
        let uri = base.join("/retrieve-qos-assignment")?;
        let body = RetrieveAssignmentByDevice {
            device: self.device.clone(),
        };
        request::build(Method::POST, uri, Some(&body), correlator).map(request::read_only)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<AssignmentInfo, Error> {
        response::parse_json(response)
    }

    fn device_field(&self) -> DeviceField {
        DeviceField::Subject {
            given: self.device.is_some(),
        }
    }
}
