//! A stored assignment as QoS Provisioning's `AssignmentInfo` describes it.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::provisioning::lifecycle::Assignment;
use crate::reply::json::rfc3339;

/// `AssignmentInfo`; the device and the sink as they were sent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssignmentInfo<'a> {
    assignment_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    device: Option<&'a Value>,
    qos_profile: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sink: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<String>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_info: Option<&'static str>,
}

/// The assignment's `AssignmentInfo`.
pub(crate) fn assignment_info(assignment: &Assignment) -> AssignmentInfo<'_> {
    let life = &assignment.life;
    AssignmentInfo {
        assignment_id: assignment.id,
        device: assignment.device_echo.as_ref(),
        qos_profile: &assignment.profile,
        sink: assignment.sink.as_deref(),
        started_at: life.started_at.map(rfc3339),
        status: life.status.as_str(),
        status_info: life.reason.map(|reason| reason.as_str()),
    }
}
