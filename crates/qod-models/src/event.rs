//! The QoS session status-changed notification, a CloudEvents 1.0 event.

use serde::{Deserialize, Serialize};

use crate::open_enum;
use crate::{CloudEvent, QosStatus, SessionId, StatusInfo};

open_enum! {
    /// The CloudEvent `type` of a status change, per API version.
    pub enum EventType {
        /// QoD 0.10.
        QodV0StatusChanged = "org.camaraproject.qod.v0.qos-status-changed",
        /// QoD 0.11.
        QualityOnDemandV0StatusChanged = "org.camaraproject.quality-on-demand.v0.qos-status-changed",
        /// QoD 1.x.
        QualityOnDemandV1StatusChanged = "org.camaraproject.quality-on-demand.v1.qos-status-changed",
    }
}

/// The event's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QosStatusChangedData {
    /// The session that changed.
    pub session_id: SessionId,
    /// Its new status (`AVAILABLE` or `UNAVAILABLE`).
    pub qos_status: QosStatus,
    /// Why, when `UNAVAILABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_info: Option<StatusInfo>,
}

/// A QoS session status-changed notification as a server POSTs it to your
/// webhook or sink.
///
/// ```
/// use qod_models::{EventType, QosStatusChangedEvent, StatusInfo};
/// let event: QosStatusChangedEvent = serde_json::from_str(r#"{
///   "id": "83a0d986-0866-4f38-b8c0-fc65bfcda452",
///   "source": "https://api.example.com/qod/v0/sessions/123e4567-e89b-12d3-a456-426614174000",
///   "specversion": "1.0",
///   "type": "org.camaraproject.qod.v0.qos-status-changed",
///   "time": "2021-12-12T00:00:00Z",
///   "data": {"sessionId": "123e4567-e89b-12d3-a456-426614174000",
///            "qosStatus": "UNAVAILABLE", "statusInfo": "DURATION_EXPIRED"}
/// }"#).unwrap();
/// assert_eq!(event.event_type, EventType::QodV0StatusChanged);
/// assert_eq!(event.data.status_info, Some(StatusInfo::DurationExpired));
/// ```
pub type QosStatusChangedEvent = CloudEvent<EventType, QosStatusChangedData>;
