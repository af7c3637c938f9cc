//! One QoS assignment: a [`Life`] with no duration, AVAILABLE until
//! revoked (or refused by the network), then UNAVAILABLE and kept readable
//! for the retention before it is gone. An asynchronous revoke of an
//! AVAILABLE assignment leaves it AVAILABLE with `DELETE_REQUESTED` until
//! the revoke is done.

use std::time::{Duration, SystemTime};

use serde_json::Value;
use uuid::Uuid;

use crate::auth::caller::ClientId;
use crate::life::{EndReason, Life, Status, Transition};
use crate::notifier::Notification;
use crate::provisioning::events::notification;
use crate::rules::sink::NotifyTarget;
use crate::store::Resource;
use crate::store::identity::Identity;

/// What a new assignment is made of.
#[derive(Debug, Clone)]
pub(crate) struct AssignmentPlan {
    pub(crate) owner: ClientId,
    pub(crate) profile: Box<str>,
    pub(crate) identity: Identity,
    /// The device as the assignment echoes it.
    pub(crate) device_echo: Option<Value>,
    /// The sink as sent.
    pub(crate) sink: Option<Box<str>>,
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
    pub(crate) device_echo: Option<Value>,
    pub(crate) sink: Option<Box<str>>,
    pub(crate) notify: Option<NotifyTarget>,
    pub(crate) life: Life,
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
            sink: plan.sink,
            notify: plan.notify,
            life: Life::new(plan.now, plan.available_at, plan.refused),
            revoke_at: None,
        }
    }

    /// Whether it still holds the device: until its revoke is done, even
    /// once the network ended it (the spec asks for an explicit revoke
    /// first).
    pub(crate) fn holds_device(&self) -> bool {
        self.life.reason != Some(EndReason::DeleteRequested) || self.revoke_pending()
    }

    /// Whether an asynchronous revoke has been asked for and is not done yet.
    pub(crate) fn revoke_pending(&self) -> bool {
        self.life.status == Status::Available && self.revoke_at.is_some()
    }

    /// When something happens to it next: it becomes AVAILABLE (or is
    /// refused), its pending revoke is done, or, once ended and kept for
    /// `retain`, it is gone. An AVAILABLE assignment otherwise has no end.
    pub(crate) fn next_due(&self, retain: Duration) -> Option<SystemTime> {
        self.life.next_due(retain, self.revoke_at)
    }

    /// Brings the status up to `now`: the change, if any.
    pub(crate) fn advance(&mut self, now: SystemTime) -> Option<Transition> {
        match self.revoke_at {
            Some(at) if self.revoke_pending() && now >= at => {
                Some(self.life.end(at, EndReason::DeleteRequested))
            }
            _ => self.life.answer(now),
        }
    }

    /// Asks for an AVAILABLE assignment to be revoked at `at` (the sandbox
    /// answers 202): until then it stays AVAILABLE with `DELETE_REQUESTED`
    /// and still holds its device. A second ask changes nothing. Any other
    /// assignment has no service to take down and is left as it is, for
    /// [`revoke`](Self::revoke).
    pub(crate) fn revoke_after(&mut self, at: SystemTime) {
        if self.life.status == Status::Available && self.revoke_at.is_none() {
            self.life.reason = Some(EndReason::DeleteRequested);
            self.revoke_at = Some(at);
        }
    }

    /// Ends a live (REQUESTED or AVAILABLE) assignment as the network
    /// would: UNAVAILABLE with `NETWORK_TERMINATED`, the change to notify;
    /// `None` for one already ended. As for a refused assignment, it still
    /// holds its device until it is revoked.
    pub(crate) fn terminate(&mut self, now: SystemTime) -> Option<Transition> {
        self.life
            .is_active()
            .then(|| self.life.end(now, EndReason::NetworkTerminated))
    }

    /// Revokes it, at once (the sandbox answers 204). Notifies only when it
    /// was AVAILABLE. A network-ended assignment is released: it no longer
    /// holds its device, and is kept for the retention counted from now.
    pub(crate) fn revoke(&mut self, now: SystemTime) -> Option<Transition> {
        let was_available = self.life.status == Status::Available;
        if self.life.is_active() || self.holds_device() {
            self.life.end(now, EndReason::DeleteRequested);
        }
        was_available.then_some(Transition::ended(EndReason::DeleteRequested))
    }
}

impl Resource for Assignment {
    const CONFLICT: &'static str =
        "There is another existing QoS assignment for the same device: revoke it first.";

    fn quota_exceeded(capacity: usize, _retain: Duration) -> String {
        format!("Out of resource quota: this sandbox holds at most {capacity} assignments.")
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn identity(&self) -> &Identity {
        &self.identity
    }

    fn life(&self) -> &Life {
        &self.life
    }

    fn holds_device(&self) -> bool {
        Assignment::holds_device(self)
    }

    fn next_due(&self, retain: Duration) -> Option<SystemTime> {
        Assignment::next_due(self, retain)
    }

    fn advance(&mut self, now: SystemTime) -> Vec<Transition> {
        Assignment::advance(self, now).into_iter().collect()
    }

    fn notification(
        &self,
        base_url: &str,
        change: Transition,
        now: SystemTime,
    ) -> Option<Notification> {
        notification(base_url, self, change, now)
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
            sink: None,
            notify: None,
            now,
            available_at: now + Duration::from_secs(2),
            refused: false,
        }
    }

    #[test]
    fn the_network_ends_a_live_assignment_which_holds_its_device_until_revoked() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut a = Assignment::new(plan(t0));
        a.advance(t0 + Duration::from_secs(2));
        assert_eq!(
            a.terminate(t0 + Duration::from_secs(3)),
            Some(Transition::ended(EndReason::NetworkTerminated))
        );
        assert_eq!(a.terminate(t0 + Duration::from_secs(4)), None, "once");
        assert!(a.holds_device(), "until revoked");
        assert_eq!(a.revoke(t0 + Duration::from_secs(5)), None);
        assert!(!a.holds_device());
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
        assert_eq!(a.life.reason, Some(EndReason::DeleteRequested));
        assert!(!a.holds_device());
        assert_eq!(a.next_due(retain), Some(t1 + retain));
        assert!(a.revoke(t1).is_none(), "a second revoke changes nothing");
        assert!(!a.life.is_gone(t1 + retain - Duration::from_secs(1), retain));
        assert!(a.life.is_gone(t1 + retain, retain));
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
        assert_eq!(a.life.reason, None);
        assert!(a.advance(t0 + Duration::from_secs(2)).is_some());
        let started = a.life.started_at;
        let t1 = t0 + Duration::from_secs(100);
        a.revoke_after(t1 + delay);
        assert!(a.revoke_pending());
        assert_eq!(a.life.status, Status::Available);
        assert_eq!(a.life.reason, Some(EndReason::DeleteRequested));
        assert_eq!(a.life.started_at, started, "startedAt kept");
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
            a.life.ended_at,
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
