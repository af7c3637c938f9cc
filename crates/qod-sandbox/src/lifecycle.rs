//! One session's life: REQUESTED, AVAILABLE, then UNAVAILABLE with a reason,
//! driven by the time it is asked about.

use std::time::{Duration, SystemTime};

use qod_models::{CreateSession, QosStatus, SessionId, StatusInfo};

/// The wire version a session was created with; it is rendered the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    V0,
    V1,
}

/// A status change to notify.
#[derive(Debug, Clone)]
pub(crate) struct Transition {
    pub(crate) status: QosStatus,
    pub(crate) info: Option<StatusInfo>,
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) id: SessionId,
    pub(crate) wire: Wire,
    pub(crate) request: CreateSession,
    /// The granted duration in seconds (the overall one once available).
    pub(crate) duration: u64,
    pub(crate) created_at: SystemTime,
    pub(crate) available_at: SystemTime,
    pub(crate) status: QosStatus,
    pub(crate) status_info: Option<StatusInfo>,
    pub(crate) started_at: Option<SystemTime>,
    pub(crate) expires_at: Option<SystemTime>,
    pub(crate) ended_at: Option<SystemTime>,
}

impl Session {
    pub(crate) fn new(
        id: SessionId,
        wire: Wire,
        request: CreateSession,
        duration: u64,
        now: SystemTime,
        delay: Duration,
    ) -> Self {
        Session {
            id,
            wire,
            request,
            duration,
            created_at: now,
            available_at: now + delay,
            status: QosStatus::Requested,
            status_info: None,
            started_at: None,
            expires_at: None,
            ended_at: None,
        }
    }

    /// Whether the session still holds (or waits for) network resources.
    pub(crate) fn is_active(&self) -> bool {
        matches!(self.status, QosStatus::Requested | QosStatus::Available)
    }

    /// Brings the status up to `now`, returning the changes in order.
    pub(crate) fn advance(&mut self, now: SystemTime) -> Vec<Transition> {
        let mut changes = Vec::new();
        if self.status == QosStatus::Requested && now >= self.available_at {
            self.status = QosStatus::Available;
            self.started_at = Some(self.available_at);
            self.expires_at = Some(self.available_at + Duration::from_secs(self.duration));
            changes.push(Transition {
                status: QosStatus::Available,
                info: None,
            });
        }
        if self.status == QosStatus::Available
            && let Some(expires_at) = self.expires_at
            && now >= expires_at
        {
            self.end(expires_at, StatusInfo::DurationExpired);
            changes.push(Transition {
                status: QosStatus::Unavailable,
                info: Some(StatusInfo::DurationExpired),
            });
        }
        changes
    }

    fn end(&mut self, at: SystemTime, reason: StatusInfo) {
        if let Some(started) = self.started_at {
            self.duration = at
                .duration_since(started)
                .unwrap_or_default()
                .as_secs()
                .max(1);
        }
        self.status = QosStatus::Unavailable;
        self.status_info = Some(reason);
        self.expires_at = Some(at);
        self.ended_at = Some(at);
    }

    /// Ends the session on request. Notifies only when it was `AVAILABLE`.
    pub(crate) fn delete(&mut self, now: SystemTime) -> Option<Transition> {
        let was_available = self.status == QosStatus::Available;
        if self.is_active() {
            self.end(now, StatusInfo::DeleteRequested);
        }
        was_available.then_some(Transition {
            status: QosStatus::Unavailable,
            info: Some(StatusInfo::DeleteRequested),
        })
    }

    /// Whether an ended session has been kept long enough.
    pub(crate) fn is_expired(&self, now: SystemTime, retain: Duration) -> bool {
        self.ended_at.is_some_and(|ended| now >= ended + retain)
    }

    /// Extends an `AVAILABLE` session. 0.10.1 caps the remaining time at
    /// 86 400 s; 1.x caps the overall duration at the profile's maximum.
    pub(crate) fn extend(&mut self, now: SystemTime, additional: u64, profile_max: u64) {
        let (Some(started), Some(expires)) = (self.started_at, self.expires_at) else {
            return;
        };
        let new_expiry = match self.wire {
            Wire::V0 => {
                let remaining = expires.duration_since(now).unwrap_or_default();
                now + (remaining + Duration::from_secs(additional)).min(Duration::from_secs(86_400))
            }
            Wire::V1 => {
                started + Duration::from_secs((self.duration + additional).min(profile_max))
            }
        };
        self.expires_at = Some(new_expiry);
        self.duration = new_expiry
            .duration_since(started)
            .unwrap_or_default()
            .as_secs();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qod_models::{Device, PhoneNumber, QosProfileName};

    fn session(wire: Wire) -> (Session, SystemTime) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let request = CreateSession::new(
            Device::with_phone_number(PhoneNumber::parse("+14255550100").unwrap()),
            QosProfileName::parse("QOS_E").unwrap(),
        );
        (
            Session::new(
                SessionId::new(uuid::Uuid::nil()),
                wire,
                request,
                600,
                now,
                Duration::from_secs(2),
            ),
            now,
        )
    }

    #[test]
    fn requested_available_expired() {
        let (mut s, t0) = session(Wire::V1);
        assert!(s.advance(t0 + Duration::from_secs(1)).is_empty());
        let changes = s.advance(t0 + Duration::from_secs(2));
        assert_eq!(changes[0].status, QosStatus::Available);
        let changes = s.advance(t0 + Duration::from_secs(700));
        assert_eq!(changes[0].info, Some(StatusInfo::DurationExpired));
        assert_eq!(s.duration, 600);
        assert!(!s.is_expired(t0 + Duration::from_secs(700), Duration::from_secs(360)));
        assert!(s.is_expired(
            t0 + Duration::from_secs(602 + 360),
            Duration::from_secs(360)
        ));
    }

    #[test]
    fn both_transitions_at_once() {
        let (mut s, t0) = session(Wire::V0);
        let changes = s.advance(t0 + Duration::from_secs(10_000));
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn delete_and_extend() {
        let (mut s, t0) = session(Wire::V1);
        assert!(
            s.delete(t0).is_none(),
            "no notification for a session never available"
        );
        assert_eq!(s.status_info, Some(StatusInfo::DeleteRequested));

        let (mut s, t0) = session(Wire::V1);
        s.advance(t0 + Duration::from_secs(2));
        s.extend(t0 + Duration::from_secs(100), 1_000, 1_200);
        assert_eq!(s.duration, 1_200, "capped at the profile maximum");
        let (mut s, t0) = session(Wire::V0);
        s.advance(t0 + Duration::from_secs(2));
        s.extend(t0 + Duration::from_secs(2), 90_000, 86_400);
        assert_eq!(s.expires_at, Some(t0 + Duration::from_secs(2 + 86_400)));
        assert!(s.delete(t0 + Duration::from_secs(10)).is_some());
    }
}
