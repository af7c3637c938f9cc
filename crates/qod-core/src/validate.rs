//! The spec's rules that depend on the endpoint's version and flavor,
//! checked before a request exists.

use qod_models::{
    ApplicationServer, CreateAssignment, CreateSession, Device, PortsSpec, QosProfileFilter,
    SinkCredential, SinkUrl, ValidationError,
};

use crate::{Api, ApiVersion, Endpoint, Error, ErrorKind, Flavor};

/// The longest session 0.10.1 allows, and its default.
pub const MAX_DURATION_V0: u32 = 86_400;
/// The longest extension 0.10.1 allows.
pub const MAX_EXTENSION_V0: u32 = 86_399;
/// The shortest session T-Mobile allows.
pub const MIN_DURATION_TMOBILE: u32 = 60;
/// The largest `int32` the 1.x spec allows for durations.
const MAX_INT32: u32 = i32::MAX as u32;

fn device(device: &Device, version: ApiVersion) -> Result<(), ValidationError> {
    if version == ApiVersion::V1 {
        strict_device(device, "QoD 1.x")
    } else {
        device.validate()
    }
}

/// The device rules of the APIs whose phone numbers must be strict E.164
/// (`api` names the one checked, for the message).
fn strict_device(device: &Device, api: &str) -> Result<(), ValidationError> {
    device.validate()?;
    if let Some(phone) = &device.phone_number
        && !phone.is_strict_e164()
    {
        return Err(ValidationError::new(
            "phoneNumber",
            format!("must match ^\\+[1-9][0-9]{{4,14}}$ in {api} (E.164 with a leading '+')"),
        ));
    }
    Ok(())
}

/// A sink must be one qod may send, and a credential needs a sink and must
/// be of the one kind the specs allow.
fn sink(
    sink: Option<&SinkUrl>,
    credential: Option<&SinkCredential>,
) -> Result<(), ValidationError> {
    if let Some(sink) = sink {
        sink.validate()?;
    }
    if let Some(credential) = credential {
        if sink.is_none() {
            return Err(ValidationError::new(
                "sinkCredential",
                "is only meaningful with a sink",
            ));
        }
        credential
            .validate()
            .map_err(|e| e.under("sinkCredential"))?;
    }
    Ok(())
}

fn ports(spec: Option<&PortsSpec>, field: &str) -> Result<(), ValidationError> {
    match spec {
        Some(spec) => spec.validate().map_err(|e| e.under(field)),
        None => Ok(()),
    }
}

fn application_server(
    server: Option<&ApplicationServer>,
    flavor: Flavor,
) -> Result<(), ValidationError> {
    match server {
        Some(server) => server.validate().map_err(|e| e.under("applicationServer")),
        None if flavor == Flavor::TMobile => Ok(()),
        None => Err(ValidationError::new("applicationServer", "is required")),
    }
}

fn duration(duration: Option<u32>, endpoint: &Endpoint) -> Result<(), ValidationError> {
    let (min, max) = match (endpoint.api_version(), endpoint.flavor()) {
        (ApiVersion::V0_10, Flavor::TMobile) => (MIN_DURATION_TMOBILE, MAX_DURATION_V0),
        (ApiVersion::V0_10, _) => (1, MAX_DURATION_V0),
        (_, Flavor::TMobile) => (MIN_DURATION_TMOBILE, MAX_INT32),
        _ => (1, MAX_INT32),
    };
    match duration {
        None if endpoint.api_version() == ApiVersion::V1 => {
            Err(ValidationError::new("duration", "is required in QoD 1.x"))
        }
        None => Ok(()),
        Some(seconds) if seconds < min || seconds > max => Err(ValidationError::new(
            "duration",
            format!("must be {min}..={max} seconds, got {seconds}"),
        )),
        Some(_) => Ok(()),
    }
}

/// Checks a `CreateSession` against the endpoint's version and flavor.
///
/// ```
/// use qod_core::{Endpoint, validate};
/// use qod_models::{CreateSession, Device, PhoneNumber, QosProfileName};
/// let body = CreateSession::new(
///     Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
///     QosProfileName::parse("QOS_VC").unwrap(),
/// ).with_duration(30);
/// let err = validate::create_session(&body, &Endpoint::tmobile_production()).unwrap_err();
/// assert_eq!(err.field(), "duration");
/// ```
pub fn create_session(body: &CreateSession, endpoint: &Endpoint) -> Result<(), ValidationError> {
    let version = endpoint.api_version();
    match &body.device {
        Some(d) => device(d, version).map_err(|e| e.under("device"))?,
        None if version == ApiVersion::V0_10 => {
            return Err(ValidationError::new("device", "is required in QoD 0.10"));
        }
        None => {}
    }
    application_server(body.application_server.as_ref(), endpoint.flavor())?;
    ports(body.device_ports.as_ref(), "devicePorts")?;
    ports(
        body.application_server_ports.as_ref(),
        "applicationServerPorts",
    )?;
    duration(body.duration, endpoint)?;
    match version {
        ApiVersion::V0_10 => {
            if let Some(webhook) = &body.webhook {
                webhook
                    .notification_url
                    .validate()
                    .map_err(|e| e.under("webhook"))?;
            }
            if body.sink.is_some() {
                return Err(ValidationError::new(
                    "sink",
                    "is not part of QoD 0.10; use webhook",
                ));
            }
            if body.sink_credential.is_some() {
                return Err(ValidationError::new(
                    "sinkCredential",
                    "is not part of QoD 0.10; use webhook.notificationAuthToken",
                ));
            }
        }
        ApiVersion::V1 => {
            if body.webhook.is_some() {
                return Err(ValidationError::new(
                    "webhook",
                    "is not part of QoD 1.x; use sink and sinkCredential",
                ));
            }
            sink(body.sink.as_ref(), body.sink_credential.as_ref())?;
        }
    }
    Ok(())
}

/// Checks an extension's additional seconds against the endpoint's version.
pub fn extend_session(additional: u32, endpoint: &Endpoint) -> Result<(), ValidationError> {
    let max = match endpoint.api_version() {
        ApiVersion::V0_10 => MAX_EXTENSION_V0,
        _ => MAX_INT32,
    };
    if additional < 1 || additional > max {
        return Err(ValidationError::new(
            "requestedAdditionalDuration",
            format!("must be 1..={max} seconds, got {additional}"),
        ));
    }
    Ok(())
}

/// Checks the device of a retrieve-sessions request.
pub fn retrieve_sessions(device_filter: Option<&Device>, endpoint: &Endpoint) -> Result<(), Error> {
    if endpoint.api_version() == ApiVersion::V0_10 {
        return Err(ErrorKind::Unsupported {
            operation: "retrieveSessionsByDevice",
            api: Api::QualityOnDemand,
            version: endpoint.api_version(),
        }
        .into());
    }
    if let Some(d) = device_filter {
        device(d, endpoint.api_version()).map_err(|e| e.under("device"))?;
    }
    Ok(())
}

/// Checks a QoS-profile filter against the endpoint's version.
pub fn qos_profile_filter(
    filter: &QosProfileFilter,
    endpoint: &Endpoint,
) -> Result<(), ValidationError> {
    match (&filter.device, endpoint.api_version()) {
        (Some(_), ApiVersion::V0_10) => Err(ValidationError::new(
            "device",
            "filtering QoS profiles by device needs QoD 1.x",
        )),
        (Some(d), version) => device(d, version).map_err(|e| e.under("device")),
        (None, _) => Ok(()),
    }
}

/// The name QoS Provisioning's rules go by in messages.
const PROVISIONING: &str = "QoS Provisioning";

/// Checks a `CreateAssignment` by QoS Provisioning 0.3.0's rules: the
/// device, when given (a three-legged token names it instead), has at least
/// one identifier, a complete IPv4 identity and a strict E.164 phone number;
/// a sink is one qod may send; a credential comes with a sink and is an
/// `ACCESSTOKEN` of type `bearer`.
///
/// ```
/// use qod_core::validate;
/// use qod_models::{CreateAssignment, Device, PhoneNumber, QosProfileName};
/// let body = CreateAssignment::new(
///     Device::with_phone_number(PhoneNumber::parse("14250000000").unwrap()),
///     QosProfileName::parse("QOS_L").unwrap(),
/// );
/// let err = validate::create_assignment(&body).unwrap_err();
/// assert_eq!(err.field(), "device.phoneNumber");
/// ```
pub fn create_assignment(body: &CreateAssignment) -> Result<(), ValidationError> {
    assignment_device(body.device.as_ref())?;
    sink(body.sink.as_ref(), body.sink_credential.as_ref())
}

/// Checks the device of a QoS Provisioning request, when given, as
/// [`create_assignment`] does.
pub fn assignment_device(device: Option<&Device>) -> Result<(), ValidationError> {
    match device {
        Some(d) => strict_device(d, PROVISIONING).map_err(|e| e.under("device")),
        None => Ok(()),
    }
}
