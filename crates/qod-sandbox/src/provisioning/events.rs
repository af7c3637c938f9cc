//! The CloudEvents an assignment's status changes produce.

use std::time::SystemTime;

use qod_models::{
    AssignmentEventType, AssignmentId, AssignmentStatusChangedData, AssignmentStatusInfo,
    QosStatus, Timestamp,
};

use crate::life::{EndReason, Status, Transition};
use crate::notifier::{Event, Notification};
use crate::provisioning::BASE_PATH;
use crate::provisioning::lifecycle::Assignment;

fn status(status: Status) -> QosStatus {
    match status {
        Status::Requested => QosStatus::Requested,
        Status::Available => QosStatus::Available,
        Status::Unavailable => QosStatus::Unavailable,
    }
}

fn reason(reason: EndReason) -> Option<AssignmentStatusInfo> {
    match reason {
        EndReason::NetworkTerminated => Some(AssignmentStatusInfo::NetworkTerminated),
        EndReason::DeleteRequested => Some(AssignmentStatusInfo::DeleteRequested),
        EndReason::DurationExpired => None,
    }
}

/// The notification of `change`, when the assignment asked for notifications.
pub(crate) fn notification(
    base_url: &str,
    assignment: &Assignment,
    change: Transition,
    now: SystemTime,
) -> Option<Notification> {
    let target = assignment.notify.as_ref()?;
    Some(Notification {
        url: target.url.clone(),
        token: target.token.clone(),
        event: Event::Assignment(qod_models::AssignmentStatusChangedEvent {
            id: uuid::Uuid::new_v4().to_string(),
            source: format!("{base_url}{BASE_PATH}/qos-assignments/{}", assignment.id),
            specversion: "1.0".to_owned(),
            event_type: AssignmentEventType::StatusChanged,
            time: Timestamp::from_datetime(now.into()),
            datacontenttype: Some("application/json".to_owned()),
            data: AssignmentStatusChangedData {
                assignment_id: AssignmentId::new(assignment.id),
                status: status(change.status),
                status_info: change.reason.and_then(reason),
            },
        }),
    })
}
