use http::{Method, Request, Response, StatusCode};
use qod_models::{AssignmentInfo, CreateAssignment, XCorrelator};

use crate::auth::scopes;
use crate::operations::{DeviceField, Operation, provisioning};
use crate::{CreatedResource, Endpoint, Error, request, response, validate};

/// `POST /qos-assignments` (QoS Provisioning): assigns a QoS profile to a
/// device until revoked. Never replayed once it may have reached the
/// server: the second would meet the first (409 `CONFLICT`).
///
/// A 2xx whose body cannot be decoded still made an assignment: the error
/// then carries its id when the body names one
/// ([`Error::created`]).
///
/// ```
/// use qod_core::{Endpoint, ErrorKind, Operation, operations::CreateAssignmentOp};
/// use qod_models::{CreateAssignment, Device, PhoneNumber, QosProfileName};
/// let op = CreateAssignmentOp::new(CreateAssignment::new(
///     Device::with_phone_number(PhoneNumber::parse("+14250000000")?),
///     QosProfileName::parse("QOS_L")?,
/// ));
/// let camara = Endpoint::from_api_root("https://api.example.com")?;
/// let request = op.to_request(&camara, None)?;
/// assert_eq!(request.uri(), "https://api.example.com/qos-provisioning/v0.3/qos-assignments");
/// // T-Mobile offers no QoS Provisioning: refused before anything is sent.
/// let refused = op.to_request(&Endpoint::tmobile_production(), None).unwrap_err();
/// assert!(matches!(refused.kind(), ErrorKind::Unsupported { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAssignmentOp {
    /// The request body.
    pub body: CreateAssignment,
}

impl CreateAssignmentOp {
    /// The operation for `body`.
    pub fn new(body: CreateAssignment) -> Self {
        CreateAssignmentOp { body }
    }
}

impl Operation for CreateAssignmentOp {
    type Output = AssignmentInfo;
    const IDEMPOTENT: bool = false;
    const NAME: &'static str = "createQosAssignment";
    const SCOPE: &'static str = scopes::QOS_ASSIGNMENTS_CREATE;

    fn to_request(
        &self,
        endpoint: &Endpoint,
        correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let base = provisioning(endpoint, Self::NAME)?;
        validate::create_assignment(&self.body)?;
        let uri = base.join("/qos-assignments")?;
        request::build(Method::POST, uri, Some(&self.body), correlator)
    }

    fn parse(&self, response: Response<Vec<u8>>) -> Result<AssignmentInfo, Error> {
        response::parse_json(response)
            .map_err(|error| error.naming_from(CreatedResource::assignment_made))
    }

    fn created_resource(&self, status: StatusCode, body: &[u8]) -> Option<CreatedResource> {
        status
            .is_success()
            .then(|| CreatedResource::assignment_made(body))
    }

    fn device_field(&self) -> DeviceField {
        DeviceField::Subject {
            given: self.body.device.is_some(),
        }
    }
}
