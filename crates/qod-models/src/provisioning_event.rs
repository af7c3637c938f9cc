//! The QoS assignment status-changed notification (QoS Provisioning), a
//! CloudEvents 1.0 event.

use serde::{Deserialize, Serialize};

use crate::open_enum;
use crate::{AssignmentId, AssignmentStatusInfo, CloudEvent, QosStatus};

open_enum! {
    /// The CloudEvent `type` of a QoS Provisioning notification.
    pub enum AssignmentEventType {
        /// QoS Provisioning 0.x: an assignment's status changed.
        StatusChanged = "org.camaraproject.qos-provisioning.v0.status-changed",
    }
}

/// The payload of an assignment's status-changed event.
///
/// The spec names the status `status` among the properties but lists
/// `qosStatus` as required: either is read (`status` first), and it is
/// written back as `status`, the name of the spec's own example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "AssignmentStatusChangedDataWire")]
pub struct AssignmentStatusChangedData {
    /// The assignment that changed.
    pub assignment_id: AssignmentId,
    /// Its new status (`AVAILABLE` or `UNAVAILABLE`).
    pub status: QosStatus,
    /// Why, when `UNAVAILABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_info: Option<AssignmentStatusInfo>,
}

/// What is read off the wire before the status is chosen between its two names.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentStatusChangedDataWire {
    assignment_id: AssignmentId,
    #[serde(default)]
    status: Option<QosStatus>,
    #[serde(default)]
    qos_status: Option<QosStatus>,
    #[serde(default)]
    status_info: Option<AssignmentStatusInfo>,
}

impl TryFrom<AssignmentStatusChangedDataWire> for AssignmentStatusChangedData {
    type Error = &'static str;

    fn try_from(wire: AssignmentStatusChangedDataWire) -> Result<Self, Self::Error> {
        Ok(AssignmentStatusChangedData {
            assignment_id: wire.assignment_id,
            status: wire
                .status
                .or(wire.qos_status)
                .ok_or("missing field `status` (or `qosStatus`)")?,
            status_info: wire.status_info,
        })
    }
}

/// A QoS assignment status-changed notification as a server POSTs it to
/// your sink.
///
/// ```
/// use qod_models::{AssignmentEventType, AssignmentStatusChangedEvent, AssignmentStatusInfo, QosStatus};
/// let event: AssignmentStatusChangedEvent = serde_json::from_str(r#"{
///   "id": "83a0d986-0866-4f38-b8c0-fc65bfcda452",
///   "source": "https://api.example.com/qos-provisioning/v0.3/qos-assignments/123e4567-e89b-12d3-a456-426614174000",
///   "specversion": "1.0",
///   "type": "org.camaraproject.qos-provisioning.v0.status-changed",
///   "time": "2021-12-12T00:00:00Z",
///   "data": {"assignmentId": "123e4567-e89b-12d3-a456-426614174000",
///            "status": "UNAVAILABLE", "statusInfo": "NETWORK_TERMINATED"}
/// }"#).unwrap();
/// assert_eq!(event.event_type, AssignmentEventType::StatusChanged);
/// assert_eq!(event.data.status, QosStatus::Unavailable);
/// assert_eq!(event.data.status_info, Some(AssignmentStatusInfo::NetworkTerminated));
/// ```
pub type AssignmentStatusChangedEvent =
    CloudEvent<AssignmentEventType, AssignmentStatusChangedData>;

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "123e4567-e89b-12d3-a456-426614174000";

    fn data(json: &str) -> Result<AssignmentStatusChangedData, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn reads_the_status_under_either_name() {
        let named = data(&format!(
            r#"{{"assignmentId":"{ID}","status":"AVAILABLE"}}"#
        ))
        .unwrap();
        assert_eq!(named.status, QosStatus::Available);
        let required = data(&format!(
            r#"{{"assignmentId":"{ID}","qosStatus":"UNAVAILABLE"}}"#
        ))
        .unwrap();
        assert_eq!(required.status, QosStatus::Unavailable);
        let both = data(&format!(
            r#"{{"assignmentId":"{ID}","status":"AVAILABLE","qosStatus":"UNAVAILABLE"}}"#
        ))
        .unwrap();
        assert_eq!(both.status, QosStatus::Available);
        assert_eq!(
            serde_json::to_value(&required).unwrap(),
            serde_json::json!({"assignmentId": ID, "status": "UNAVAILABLE"})
        );
        let neither = data(&format!(r#"{{"assignmentId":"{ID}"}}"#)).unwrap_err();
        assert!(neither.to_string().contains("status"), "{neither}");
    }
}
