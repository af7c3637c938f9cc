//! QoS assignments (QoS Provisioning 0.3.0): a QoS profile given to a device
//! with no duration, until revoked. What is sent to make and find them, and
//! what comes back.

use serde::{Deserialize, Serialize};

use crate::open_enum;
use crate::{
    AssignmentId, Device, DeviceInfo, Echoed, QosProfileName, QosStatus, SinkCredential, SinkUrl,
    Timestamp,
};

open_enum! {
    /// Why a QoS assignment is `UNAVAILABLE`, or is about to be while an
    /// asynchronous revoke runs.
    pub enum AssignmentStatusInfo {
        /// The network ended the assignment.
        NetworkTerminated = "NETWORK_TERMINATED",
        /// The assignment was revoked on request.
        DeleteRequested = "DELETE_REQUESTED",
    }
}

/// The body of `POST /qos-assignments`.
///
/// With a two-legged token the device must be given; with a three-legged
/// token it must not be ([`CreateAssignment::for_token_subject`]): the token
/// names it. The core checks the device, sink and credential before
/// anything is sent.
///
/// ```
/// use qod_models::{CreateAssignment, Device, PhoneNumber, QosProfileName};
/// let body = CreateAssignment::new(
///     Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
///     QosProfileName::parse("QOS_L").unwrap(),
/// );
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"device": {"phoneNumber": "+14250000000"}, "qosProfile": "QOS_L"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAssignment {
    /// The device; leave it out with a three-legged token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Device>,
    /// The QoS profile to assign.
    pub qos_profile: QosProfileName,
    /// Where the server sends `status-changed` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink: Option<SinkUrl>,
    /// The credential the server presents to the sink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink_credential: Option<SinkCredential>,
}

impl CreateAssignment {
    /// A request assigning `qos_profile` to `device`; no sink.
    pub fn new(device: Device, qos_profile: QosProfileName) -> Self {
        CreateAssignment {
            device: Some(device),
            ..Self::for_token_subject(qos_profile)
        }
    }

    /// A request assigning `qos_profile` to the device a three-legged token
    /// names, with no device in the body; no sink.
    pub fn for_token_subject(qos_profile: QosProfileName) -> Self {
        CreateAssignment {
            device: None,
            qos_profile,
            sink: None,
            sink_credential: None,
        }
    }

    /// Sets the sink and, optionally, its credential.
    #[must_use]
    pub fn with_sink(mut self, sink: SinkUrl, credential: Option<SinkCredential>) -> Self {
        self.sink = Some(sink);
        self.sink_credential = credential;
        self
    }
}

/// A QoS assignment record as a server describes it (`AssignmentInfo`).
///
/// Parsing follows the response schema and is never stricter: unknown
/// fields are ignored and unknown enum values kept. The fields that echo
/// the request (`device`, `sink`, `sinkCredential`) are [`Echoed`]: kept as
/// received, typed when they parse, and never a reason to refuse the
/// assignment. Only its own fields (id, status, profile, time) must parse.
///
/// ```
/// use qod_models::{AssignmentInfo, AssignmentStatusInfo, QosStatus};
/// let info: AssignmentInfo = serde_json::from_str(r#"{
///     "assignmentId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "qosProfile": "QOS_L",
///     "device": {"phoneNumber": "+123456789"}, "sink": "https://application-server.com/callback",
///     "startedAt": "2024-05-12T17:32:01Z", "status": "UNAVAILABLE", "statusInfo": "NETWORK_TERMINATED"
/// }"#).unwrap();
/// assert_eq!(info.status, QosStatus::Unavailable);
/// assert_eq!(info.status_info, Some(AssignmentStatusInfo::NetworkTerminated));
/// let device = info.device.as_ref().and_then(|d| d.parsed()).unwrap();
/// assert_eq!(device.phone_number.as_ref().unwrap().as_str(), "+123456789");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentInfo {
    /// The assignment id.
    pub assignment_id: AssignmentId,
    /// The device, only when given at creation, with at most one identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Echoed<DeviceInfo>>,
    /// The assigned QoS profile.
    pub qos_profile: QosProfileName,
    /// The sink, as the server wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink: Option<Echoed<String>>,
    /// The sink credential. Its tokens are secrets: `Debug` hides them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink_credential: Option<Echoed<SinkCredential>>,
    /// When the assignment became `AVAILABLE` (absent while `REQUESTED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// The status.
    pub status: QosStatus,
    /// Why it is (or is becoming) `UNAVAILABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_info: Option<AssignmentStatusInfo>,
}

/// The body of `POST /retrieve-qos-assignment`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetrieveAssignmentByDevice {
    /// The device (leave it out with a three-legged token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Device>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PhoneNumber;

    const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

    #[test]
    fn three_legged_requests_carry_no_device() {
        let profile = QosProfileName::parse("QOS_L").unwrap();
        let body = CreateAssignment::for_token_subject(profile.clone())
            .with_sink(SinkUrl::parse("https://app.example.com/cb").unwrap(), None);
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"qosProfile": "QOS_L", "sink": "https://app.example.com/cb"})
        );
        let device = Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap());
        assert_eq!(
            CreateAssignment::new(device.clone(), profile).device,
            Some(device)
        );
        assert_eq!(
            serde_json::to_value(RetrieveAssignmentByDevice::default()).unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn keeps_unknown_values_and_echoes_that_do_not_parse() {
        let body = format!(
            r#"{{"assignmentId":"{ID}","qosProfile":"QOS_M","status":"SUSPENDED",
            "statusInfo":"QUOTA_ENDED","device":{{"phoneNumber":123}},
            "sink":{{"not":"a string"}},
            "sinkCredential":{{"credentialType":"ACCESSTOKEN","accessToken":"CANARY-token-1",
            "accessTokenExpiresUtc":"soon"}},"vendor":[1]}}"#
        );
        let info: AssignmentInfo = serde_json::from_str(&body).unwrap();
        assert_eq!(info.assignment_id.to_string(), ID);
        assert_eq!(info.status, QosStatus::Unknown("SUSPENDED".into()));
        assert_eq!(
            info.status_info,
            Some(AssignmentStatusInfo::Unknown("QUOTA_ENDED".into()))
        );
        for (name, unparsed) in [
            ("device", info.device.as_ref().map(Echoed::parse_error)),
            ("sink", info.sink.as_ref().map(Echoed::parse_error)),
            (
                "sinkCredential",
                info.sink_credential.as_ref().map(Echoed::parse_error),
            ),
        ] {
            assert!(matches!(unparsed, Some(Some(_))), "{name} should not parse");
        }
        assert!(!format!("{info:?}").contains("CANARY"));
        let mut sent: serde_json::Value = serde_json::from_str(&body).unwrap();
        sent.as_object_mut().unwrap().remove("vendor");
        assert_eq!(serde_json::to_value(&info).unwrap(), sent);
    }

    #[test]
    fn its_own_fields_must_parse() {
        for (body, field) in [
            (
                r#"{"qosProfile":"QOS_M","status":"AVAILABLE"}"#,
                "assignmentId",
            ),
            (
                r#"{"assignmentId":"nope","qosProfile":"QOS_M","status":"AVAILABLE"}"#,
                "UUID",
            ),
            (
                &format!(r#"{{"assignmentId":"{ID}","qosProfile":"QOS_M"}}"#),
                "status",
            ),
            (
                &format!(r#"{{"assignmentId":"{ID}","status":"AVAILABLE"}}"#),
                "qosProfile",
            ),
        ] {
            let error = serde_json::from_str::<AssignmentInfo>(body).unwrap_err();
            assert!(error.to_string().contains(field), "{body}: {error}");
        }
    }
}
