//! One session: what it was asked for and echoes, its [`Life`], and the
//! expiry only a session has (and its extension).

use std::time::{Duration, SystemTime};

use serde_json::Value;
use uuid::Uuid;

use crate::auth::caller::ClientId;
use crate::life::{EndReason, Life, Status, Transition};
use crate::notifier::Notification;
use crate::rules::sink::NotifyTarget;
use crate::sessions::events::notification;
use crate::store::Resource;
use crate::store::identity::Identity;
use crate::wire::Wire;

/// 0.10.1's limit on a session's remaining duration after an extend.
const MAX_REMAINING_V0: u64 = 86_400;

/// The request data a session gives back, as it was sent.
#[derive(Debug, Clone, Default)]
pub(crate) struct Echoes {
    pub(crate) device: Option<Value>,
    pub(crate) application_server: Option<Value>,
    pub(crate) device_ports: Option<Value>,
    pub(crate) application_server_ports: Option<Value>,
    pub(crate) webhook: Option<Value>,
    pub(crate) sink: Option<Box<str>>,
}

/// What a new session is made of.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) id: Uuid,
    pub(crate) wire: Wire,
    pub(crate) owner: ClientId,
    pub(crate) profile: Box<str>,
    pub(crate) identity: Identity,
    pub(crate) echoes: Echoes,
    pub(crate) notify: Option<NotifyTarget>,
    /// Granted seconds.
    pub(crate) duration: u64,
    pub(crate) now: SystemTime,
    /// When the network answers the request.
    pub(crate) available_at: SystemTime,
    /// Whether the network then refuses it (`NETWORK_TERMINATED`).
    pub(crate) refused: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) id: Uuid,
    pub(crate) wire: Wire,
    pub(crate) owner: ClientId,
    pub(crate) profile: Box<str>,
    pub(crate) identity: Identity,
    pub(crate) echoes: Echoes,
    pub(crate) notify: Option<NotifyTarget>,
    /// Seconds: granted while REQUESTED, overall once AVAILABLE, effective once ended.
    pub(crate) duration: u64,
    pub(crate) life: Life,
    pub(crate) expires_at: Option<SystemTime>,
}

impl Session {
    pub(crate) fn new(plan: Plan) -> Self {
        Session {
            id: plan.id,
            wire: plan.wire,
            owner: plan.owner,
            profile: plan.profile,
            identity: plan.identity,
            echoes: plan.echoes,
            notify: plan.notify,
            duration: plan.duration,
            life: Life::new(plan.now, plan.available_at, plan.refused),
            expires_at: None,
        }
    }

    /// When something happens to it next: it becomes AVAILABLE (or is
    /// refused), it expires, or, once ended and kept for `retain`, it is gone.
    pub(crate) fn next_due(&self, retain: Duration) -> Option<SystemTime> {
        self.life
            .next_due(retain, self.expires_at.or(self.life.started_at))
    }

    /// Brings the status up to `now`, returning the changes in order.
    pub(crate) fn advance(&mut self, now: SystemTime) -> Vec<Transition> {
        let mut changes = Vec::new();
        if let Some(answer) = self.life.answer(now) {
            changes.push(answer);
            // A refused session ends when it is refused; a started one runs its duration.
            self.expires_at = match self.life.started_at {
                Some(started) => Some(started + Duration::from_secs(self.duration)),
                None => self.life.ended_at,
            };
        }
        if self.life.status == Status::Available
            && let Some(expires_at) = self.expires_at
            && now >= expires_at
        {
            changes.push(self.end(expires_at, EndReason::DurationExpired));
        }
        changes
    }

    fn end(&mut self, at: SystemTime, reason: EndReason) -> Transition {
        if let Some(started) = self.life.started_at {
            self.duration = at
                .duration_since(started)
                .unwrap_or_default()
                .as_secs()
                .max(1);
        }
        self.expires_at = Some(at);
        self.life.end(at, reason)
    }

    /// Ends the session on request. Notifies only when it was AVAILABLE.
    pub(crate) fn delete(&mut self, now: SystemTime) -> Option<Transition> {
        let was_available = self.life.status == Status::Available;
        if self.life.is_active() {
            self.end(now, EndReason::DeleteRequested);
        }
        was_available.then_some(Transition::ended(EndReason::DeleteRequested))
    }

    /// Ends a live (REQUESTED or AVAILABLE) session as the network would:
    /// UNAVAILABLE with `NETWORK_TERMINATED`, the change to notify. `None`
    /// for a session already ended.
    pub(crate) fn terminate(&mut self, now: SystemTime) -> Option<Transition> {
        self.life
            .is_active()
            .then(|| self.end(now, EndReason::NetworkTerminated))
    }

    /// Extends an AVAILABLE session, by each version's rule. 1.x: the
    /// overall duration grows by `additional`, capped at the profile's
    /// maximum ("the new overall duration shall be capped to the maximum
    /// value allowed"). 0.10.1: the remaining duration (`expiresAt` less
    /// now) grows by `additional`, capped at 86 400 s, whatever the
    /// profile's maximum ("the new remaining duration of the QoS session
    /// shall not exceed the maximum remaining duration limit (currently
    /// fixed at 86,400 seconds)"; its example: 70 000 s remaining plus
    /// 20 000 s gives an overall 96 400 s).
    pub(crate) fn extend(&mut self, now: SystemTime, additional: u64, profile_max: u64) {
        let (Some(started), Some(expires)) = (self.life.started_at, self.expires_at) else {
            return;
        };
        let new_expiry = match self.wire {
            Wire::V0 => {
                let remaining = expires.duration_since(now).unwrap_or_default();
                now + (remaining + Duration::from_secs(additional))
                    .min(Duration::from_secs(MAX_REMAINING_V0))
            }
            Wire::V1 => {
                // Never shorter than it was (a maximum below the granted
                // duration cannot happen: creates are held to it).
                let overall = self
                    .duration
                    .saturating_add(additional)
                    .min(profile_max)
                    .max(self.duration);
                started + Duration::from_secs(overall)
            }
        };
        self.expires_at = Some(new_expiry.max(expires));
        self.duration = new_expiry
            .max(expires)
            .duration_since(started)
            .unwrap_or_default()
            .as_secs();
    }
}

impl Resource for Session {
    const CONFLICT: &'static str = "Conflict with an existing session for the same device.";

    fn quota_exceeded(capacity: usize, retain: Duration) -> String {
        format!(
            "Out of resource quota: this sandbox holds at most {capacity} sessions, ended ones included until {} s after they end.",
            retain.as_secs()
        )
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
        self.life.is_active()
    }

    fn next_due(&self, retain: Duration) -> Option<SystemTime> {
        Session::next_due(self, retain)
    }

    fn advance(&mut self, now: SystemTime) -> Vec<Transition> {
        Session::advance(self, now)
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

    pub(crate) fn plan(wire: Wire, now: SystemTime) -> Plan {
        Plan {
            id: Uuid::new_v4(),
            wire,
            owner: ClientId::ANYONE,
            profile: "QOS_E".into(),
            identity: Identity::default(),
            echoes: Echoes::default(),
            notify: None,
            duration: 600,
            now,
            available_at: now + Duration::from_secs(2),
            refused: false,
        }
    }

    fn session(wire: Wire) -> (Session, SystemTime) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        (Session::new(plan(wire, now)), now)
    }

    #[test]
    fn requested_available_expired() {
        let retain = Duration::from_secs(360);
        let (mut s, t0) = session(Wire::V1);
        assert_eq!(s.next_due(retain), Some(t0 + Duration::from_secs(2)));
        assert!(s.advance(t0 + Duration::from_secs(1)).is_empty());
        let changes = s.advance(t0 + Duration::from_secs(2));
        assert_eq!(changes[0].status, Status::Available);
        assert_eq!(s.next_due(retain), Some(t0 + Duration::from_secs(602)));
        let changes = s.advance(t0 + Duration::from_secs(700));
        assert_eq!(changes[0].reason, Some(EndReason::DurationExpired));
        assert_eq!(s.duration, 600);
        assert_eq!(
            s.next_due(retain),
            Some(t0 + Duration::from_secs(602 + 360))
        );
        assert!(!s.life.is_gone(t0 + Duration::from_secs(700), retain));
        assert!(s.life.is_gone(t0 + Duration::from_secs(602 + 360), retain));
    }

    #[test]
    fn both_transitions_at_once() {
        let (mut s, t0) = session(Wire::V0);
        let changes = s.advance(t0 + Duration::from_secs(10_000));
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn a_refused_session_never_starts() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut s = Session::new(Plan {
            refused: true,
            ..plan(Wire::V1, now)
        });
        let changes = s.advance(now + Duration::from_secs(5));
        assert_eq!(
            changes,
            [Transition {
                status: Status::Unavailable,
                reason: Some(EndReason::NetworkTerminated)
            }]
        );
        assert_eq!(s.life.started_at, None);
        assert_eq!(s.life.ended_at, Some(now + Duration::from_secs(2)));
        assert_eq!(s.duration, 600, "the granted duration, never started");
    }

    #[test]
    fn delete_and_extend() {
        let (mut s, t0) = session(Wire::V1);
        assert!(
            s.delete(t0).is_none(),
            "no notification for a session never available"
        );
        assert_eq!(s.life.reason, Some(EndReason::DeleteRequested));

        let (mut s, t0) = session(Wire::V1);
        s.advance(t0 + Duration::from_secs(2));
        s.extend(t0 + Duration::from_secs(100), 1_000, 1_200);
        assert_eq!(s.duration, 1_200, "capped at the profile maximum");
        assert_eq!(s.expires_at, Some(t0 + Duration::from_secs(2 + 1_200)));
        s.extend(t0 + Duration::from_secs(200), 100, 1_200);
        assert_eq!(s.duration, 1_200, "at the maximum, an extend adds nothing");
        let (mut s, t0) = session(Wire::V0);
        s.advance(t0 + Duration::from_secs(2));
        s.extend(t0 + Duration::from_secs(2), 90_000, 86_400);
        assert_eq!(s.expires_at, Some(t0 + Duration::from_secs(2 + 86_400)));
        assert!(s.delete(t0 + Duration::from_secs(10)).is_some());
    }

    #[test]
    fn a_small_profile_maximum_caps_1x_but_not_0_10_1() {
        let (mut s, t0) = session(Wire::V1);
        s.advance(t0 + Duration::from_secs(2));
        s.extend(t0 + Duration::from_secs(100), 100, 650);
        assert_eq!(s.duration, 650);
        assert_eq!(s.expires_at, Some(t0 + Duration::from_secs(2 + 650)));
        // 0.10.1 knows only the limit on the remaining duration.
        let (mut s, t0) = session(Wire::V0);
        s.advance(t0 + Duration::from_secs(2));
        s.extend(t0 + Duration::from_secs(100), 100, 650);
        assert_eq!(s.duration, 700);
    }

    #[test]
    fn the_network_ends_a_live_session() {
        let (mut s, t0) = session(Wire::V1);
        s.advance(t0 + Duration::from_secs(2));
        let change = s.terminate(t0 + Duration::from_secs(12));
        assert_eq!(
            change,
            Some(Transition::ended(EndReason::NetworkTerminated))
        );
        assert_eq!(s.duration, 10, "the effective duration");
        assert!(!s.life.is_active());
        assert_eq!(s.terminate(t0 + Duration::from_secs(13)), None, "once");

        let (mut requested, t0) = session(Wire::V0);
        assert!(requested.terminate(t0).is_some(), "a REQUESTED one too");
        assert!(requested.advance(t0 + Duration::from_secs(5)).is_empty());
        assert_eq!(requested.life.status, Status::Unavailable);
    }
}
