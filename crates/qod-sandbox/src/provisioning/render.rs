//! A stored assignment as QoS Provisioning's `AssignmentInfo` describes it.

use crate::http::json::{Object, rfc3339};
use crate::provisioning::lifecycle::Assignment;

/// The assignment's `AssignmentInfo`, as JSON.
pub(crate) fn assignment_info(assignment: &Assignment) -> String {
    let mut out = Object::new();
    out.string("assignmentId", &assignment.id.to_string());
    out.raw("device", assignment.device_echo.as_deref());
    out.string("qosProfile", &assignment.profile);
    out.raw("sink", assignment.sink_echo.as_deref());
    if let Some(started) = assignment.life.started_at {
        out.string("startedAt", &rfc3339(started));
    }
    out.string("status", assignment.life.status.as_str());
    if let Some(reason) = assignment.life.reason {
        out.string("statusInfo", reason.as_str());
    }
    out.finish()
}
