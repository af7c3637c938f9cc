//! The CloudEvents a session's status changes produce.

use std::time::SystemTime;

use qod_models::{
    EventType, QosStatus, QosStatusChangedData, QosStatusChangedEvent, SessionId, StatusInfo,
    Timestamp,
};

use crate::life::{EndReason, Status, Transition};
use crate::notifier::{Event, Notification};
use crate::sessions::lifecycle::Session;
use crate::wire::Wire;

fn status(status: Status) -> QosStatus {
    match status {
        Status::Requested => QosStatus::Requested,
        Status::Available => QosStatus::Available,
        Status::Unavailable => QosStatus::Unavailable,
    }
}

fn reason(reason: EndReason) -> StatusInfo {
    match reason {
        EndReason::DurationExpired => StatusInfo::DurationExpired,
        EndReason::NetworkTerminated => StatusInfo::NetworkTerminated,
        EndReason::DeleteRequested => StatusInfo::DeleteRequested,
    }
}

/// The notification of `change`, when the session asked for notifications.
pub(crate) fn notification(
    base_url: &str,
    session: &Session,
    change: Transition,
    now: SystemTime,
) -> Option<Notification> {
    let target = session.notify.as_ref()?;
    let event_type = match session.wire {
        Wire::V0 => EventType::QodV0StatusChanged,
        Wire::V1 => EventType::QualityOnDemandV1StatusChanged,
    };
    Some(Notification {
        url: target.url.clone(),
        token: target.token.clone(),
        event: Event::Session(QosStatusChangedEvent {
            id: uuid::Uuid::new_v4().to_string(),
            source: format!(
                "{base_url}{}/sessions/{}",
                session.wire.base_path(),
                session.id
            ),
            specversion: "1.0".to_owned(),
            event_type,
            time: Timestamp::from_datetime(now.into()),
            datacontenttype: Some("application/json".to_owned()),
            data: QosStatusChangedData {
                session_id: SessionId::new(session.id),
                qos_status: status(change.status),
                status_info: change.reason.map(reason),
            },
        }),
    })
}
