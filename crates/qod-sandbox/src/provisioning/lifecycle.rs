//! One QoS assignment's life: REQUESTED, AVAILABLE until revoked (or
//! refused by the network), then UNAVAILABLE and kept readable for the
//! retention before it is gone. An asynchronous revoke of an AVAILABLE
//! assignment leaves it AVAILABLE with `DELETE_REQUESTED` until the revoke
//! is done.

use std::time::{Duration, SystemTime};

use uuid::Uuid;

use crate::auth::caller::ClientId;
use crate::rules::sink::NotifyTarget;
use crate::sessions::lifecycle::{EndReason, Status, Transition};
use crate::store::identity::Identity;

/// What a new assignment is made of.
#[derive(Debug, Clone)]
pub(crate) struct AssignmentPlan {
    pub(crate) owner: ClientId,
    pub(crate) profile: Box<str>,
    pub(crate) identity: Identity,
    /// The device as the assignment echoes it, as JSON.
    pub(crate) device_echo: Option<Box<str>>,
    /// The sink as sent, as JSON.
    pub(crate) sink_echo: Option<Box<str>>,
    pub(crate) notify: Option<NotifyTarget>,
    pub(crate) now: SystemTime,
    /// When the network answers the request.
    pub(crate) available_at: SystemTime,
    /// Whether the network then refuses it (`NETWORK_TERMINATED`).
    pub(crate) refused: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Assignment {
    pub(crate) id: Uuid,
    pub(crate) owner: ClientId,
    pub(crate) profile: Box<str>,
    pub(crate) identity: Identity,
    pub(crate) device_echo: Option<Box<str>>,
    pub(crate) sink_echo: Option<Box<str>>,
    pub(crate) notify: Option<NotifyTarget>,
    pub(crate) created_at: SystemTime,
    available_at: SystemTime,
    refused: bool,
    pub(crate) status: Status,
    pub(crate) reason: Option<EndReason>,
    pub(crate) started_at: Option<SystemTime>,
    pub(crate) ended_at: Option<SystemTime>,
    /// When a pending (asynchronous) revoke is done.
    revoke_at: Option<SystemTime>,
}

impl Assignment {
    pub(crate) fn new(plan: AssignmentPlan) -> Self {
        Assignment {
            id: Uuid::new_v4(),
            owner: plan.owner,
            profile: plan.profile,
            identity: plan.identity,
            device_echo: plan.device_echo,
            sink_echo: plan.sink_echo,
            notify: plan.notify,
            created_at: plan.now,
            available_at: plan.available_at,
            refused: plan.refused,
            status: Status::Requested,
            reason: None,
            started_at: None,
            ended_at: None,
            revoke_at: None,
        }
    }

    /// Whether it still holds the device: until its revoke is done, even
    /// once the network ended it (the spec asks for an explicit revoke
    /// first).
    pub(crate) fn holds_device(&self) -> bool {
        self.reason != Some(EndReason::DeleteRequested) || self.revoke_pending()
    }

    /// Whether an asynchronous revoke has been asked for and is not done yet.
    pub(crate) fn revoke_pending(&self) -> bool {
        self.status == Status::Available && self.revoke_at.is_some()
    }

    /// When something happens to it next: it becomes AVAILABLE (or is
    /// refused), its pending revoke is done, or, once ended and kept for
    /// `retain`, it is gone. An AVAILABLE assignment otherwise has no end.
    pub(crate) fn next_due(&self, retain: Duration) -> Option<SystemTime> {
        match self.status {
            Status::Requested => Some(self.available_at),
            Status::Available => self.revoke_at,
            Status::Unavailable => Some(self.ended_at.unwrap_or(self.created_at) + retain),
        }
    }

    /// Whether an ended assignment has been kept long enough.
    pub(crate) fn is_gone(&self, now: SystemTime, retain: Duration) -> bool {
        self.ended_at.is_some_and(|ended| now >= ended + retain)
    }

    /// Brings the status up to `now`: the change, if any.
    pub(crate) fn advance(&mut self, now: SystemTime) -> Option<Transition> {
        if let Some(at) = self
            .revoke_at
            .filter(|at| self.revoke_pending() && now >= *at)
        {
            self.end(at, EndReason::DeleteRequested);
            return Some(Transition {
                status: Status::Unavailable,
                reason: Some(EndReason::DeleteRequested),
            });
        }
        if self.status != Status::Requested || now < self.available_at {
            return None;
        }
        if self.refused {
            self.end(self.available_at, EndReason::NetworkTerminated);
            return Some(Transition {
                status: Status::Unavailable,
                reason: Some(EndReason::NetworkTerminated),
            });
        }
        self.status = Status::Available;
        self.started_at = Some(self.available_at);
        Some(Transition {
            status: Status::Available,
            reason: None,
        })
    }

    fn end(&mut self, at: SystemTime, reason: EndReason) {
        self.status = Status::Unavailable;
        self.reason = Some(reason);
        self.ended_at = Some(at);
    }

    /// Asks for an AVAILABLE assignment to be revoked at `at` (the sandbox
    /// answers 202): until then it stays AVAILABLE with `DELETE_REQUESTED`
    /// and still holds its device. A second ask changes nothing. Any other
    /// assignment has no service to take down and is left as it is, for
    /// [`revoke`](Self::revoke).
    pub(crate) fn revoke_after(&mut self, at: SystemTime) {
        if self.status == Status::Available && self.revoke_at.is_none() {
            self.reason = Some(EndReason::DeleteRequested);
            self.revoke_at = Some(at);
        }
    }

    /// Revokes it, at once (the sandbox answers 204). Notifies only when it
    /// was AVAILABLE. A network-ended assignment is released: it no longer
    /// holds its device, and is kept for the retention counted from now.
    pub(crate) fn revoke(&mut self, now: SystemTime) -> Option<Transition> {
        let was_available = self.status == Status::Available;
        match self.status {
            Status::Requested | Status::Available => self.end(now, EndReason::DeleteRequested),
            Status::Unavailable if self.holds_device() => {
                self.end(now, EndReason::DeleteRequested);
            }
            Status::Unavailable => {}
        }
        was_available.then_some(Transition {
            status: Status::Unavailable,
            reason: Some(EndReason::DeleteRequested),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn plan(now: SystemTime) -> AssignmentPlan {
        AssignmentPlan {
            owner: ClientId::ANYONE,
            profile: "QOS_L".into(),
            identity: Identity::default(),
            device_echo: None,
            sink_echo: None,
            notify: None,
            now,
            available_at: now + Duration::from_secs(2),
            refused: false,
        }
    }

    #[test]
    fn requested_available_revoked_gone() {
        let retain = Duration::from_secs(360);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut a = Assignment::new(plan(t0));
        assert_eq!(a.advance(t0 + Duration::from_secs(1)), None);
        assert_eq!(
            a.advance(t0 + Duration::from_secs(2)).map(|t| t.status),
            Some(Status::Available)
        );
        assert_eq!(a.next_due(retain), None, "no duration: never expires");
        let t1 = t0 + Duration::from_secs(1_000);
        assert!(a.revoke(t1).is_some());
        assert_eq!(a.reason, Some(EndReason::DeleteRequested));
        assert!(!a.holds_device());
        assert_eq!(a.next_due(retain), Some(t1 + retain));
        assert!(a.revoke(t1).is_none(), "a second revoke changes nothing");
        assert!(!a.is_gone(t1 + retain - Duration::from_secs(1), retain));
        assert!(a.is_gone(t1 + retain, retain));
    }

    #[test]
    fn an_asynchronous_revoke_is_pending_then_done() {
        let retain = Duration::from_secs(360);
        let delay = Duration::from_secs(3);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut a = Assignment::new(plan(t0));
        // Not AVAILABLE yet: nothing to take down, left for a revoke at once.
        a.revoke_after(t0 + delay);
        assert!(!a.revoke_pending());
        assert_eq!(a.reason, None);
        assert!(a.advance(t0 + Duration::from_secs(2)).is_some());
        let started = a.started_at;
        let t1 = t0 + Duration::from_secs(100);
        a.revoke_after(t1 + delay);
        assert!(a.revoke_pending());
        assert_eq!(a.status, Status::Available);
        assert_eq!(a.reason, Some(EndReason::DeleteRequested));
        assert_eq!(a.started_at, started, "startedAt kept");
        assert!(a.holds_device(), "until the revoke is done");
        assert_eq!(a.next_due(retain), Some(t1 + delay));
        // A second ask does not move the end.
        a.revoke_after(t1 + delay + Duration::from_secs(1));
        assert_eq!(a.next_due(retain), Some(t1 + delay));
        assert_eq!(a.advance(t1 + delay - Duration::from_millis(1)), None);
        assert!(a.revoke_pending());
        let done = a.advance(t1 + delay + Duration::from_secs(5)).unwrap();
        assert_eq!(done.status, Status::Unavailable);
        assert_eq!(done.reason, Some(EndReason::DeleteRequested));
        assert!(!a.revoke_pending());
        assert!(!a.holds_device());
        assert_eq!(
            a.ended_at,
            Some(t1 + delay),
            "ended when due, not when seen"
        );
        assert_eq!(a.next_due(retain), Some(t1 + delay + retain));
        assert_eq!(a.advance(t1 + delay + Duration::from_secs(6)), None, "once");
        assert!(a.revoke(t1 + delay + Duration::from_secs(6)).is_none());
        a.revoke_after(t1 + delay + Duration::from_secs(60));
        assert!(!a.revoke_pending(), "nothing left to revoke");
    }

    #[test]
    fn a_refused_assignment_holds_its_device_until_revoked() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut a = Assignment::new(AssignmentPlan {
            refused: true,
            ..plan(t0)
        });
        let change = a.advance(t0 + Duration::from_secs(5)).unwrap();
        assert_eq!(change.reason, Some(EndReason::NetworkTerminated));
        assert!(a.holds_device());
        assert!(
            a.revoke(t0 + Duration::from_secs(6)).is_none(),
            "was not AVAILABLE"
        );
        assert!(!a.holds_device());
    }
}
