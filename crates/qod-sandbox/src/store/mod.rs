//! All sessions, indexed so that no request costs more with more of them:
//! a time-ordered index of when each is due to change (or to be forgotten),
//! and a device index for the rule against overlapping sessions and for
//! retrieve-by-device. A second resource kind gets a store of its own from
//! the same two parts.

pub(crate) mod device_index;
pub(crate) mod identity;
mod timeline;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use uuid::Uuid;

use crate::auth::caller::ClientId;
use crate::notifier::Notification;
use crate::sessions::events::notification;
use crate::sessions::lifecycle::{Session, Transition};
use crate::store::identity::Identity;
use crate::wire::Wire;
use device_index::DeviceIndex;
pub(crate) use timeline::Timeline;

#[derive(Debug)]
pub(crate) struct Store {
    sessions: HashMap<Uuid, Session>,
    /// Each stored session once, at its [`Session::next_due`].
    timeline: Timeline<Uuid>,
    devices: DeviceIndex<Uuid>,
    base_url: String,
    /// How long an ended session stays readable.
    retain: Duration,
}

impl Store {
    pub(crate) fn new(base_url: String, retain: Duration) -> Self {
        Store {
            sessions: HashMap::new(),
            timeline: Timeline::default(),
            devices: DeviceIndex::default(),
            base_url,
            retain,
        }
    }

    /// Brings every session that is due up to `now`, forgets those ended
    /// longer than the retention, and returns the notifications due. Costs
    /// in proportion to the sessions that change, not to those stored.
    pub(crate) fn advance(&mut self, now: SystemTime) -> Vec<Notification> {
        let mut due = Vec::new();
        while let Some((_, id)) = self.timeline.pop_due(now) {
            let Some(session) = self.sessions.get_mut(&id) else {
                continue;
            };
            for change in session.advance(now) {
                due.extend(notification(&self.base_url, session, change, now));
            }
            if session.is_gone(now, self.retain) {
                if let Some(gone) = self.sessions.remove(&id) {
                    self.devices.remove(&gone.identity, id);
                }
            } else {
                self.timeline.schedule(session.next_due(self.retain), id);
            }
        }
        due
    }

    /// The active session of the same device, if any.
    pub(crate) fn conflict(&self, identity: &Identity) -> Option<Uuid> {
        self.devices
            .matching(identity)
            .into_iter()
            .find(|id| self.sessions.get(id).is_some_and(Session::is_active))
    }

    /// Stores a new session; `changes` are those it made at once.
    pub(crate) fn insert(
        &mut self,
        session: Session,
        changes: &[Transition],
        now: SystemTime,
    ) -> Vec<Notification> {
        let id = session.id;
        let notifications = changes
            .iter()
            .filter_map(|change| notification(&self.base_url, &session, *change, now))
            .collect();
        self.devices.add(&session.identity, id);
        self.timeline.schedule(session.next_due(self.retain), id);
        self.sessions.insert(id, session);
        notifications
    }

    pub(crate) fn get(&self, id: &Uuid) -> Option<&Session> {
        self.sessions.get(id)
    }

    /// Changes a session with `change`, which returns what it wants
    /// notified, and keeps the session's place in the timeline right.
    pub(crate) fn update<R>(
        &mut self,
        id: &Uuid,
        now: SystemTime,
        change: impl FnOnce(&mut Session) -> (R, Option<Transition>),
    ) -> Option<(R, Option<Notification>)> {
        let session = self.sessions.get_mut(id)?;
        let before = session.next_due(self.retain);
        let (result, transition) = change(session);
        let after = session.next_due(self.retain);
        if after != before {
            self.timeline.cancel(before, id);
            self.timeline.schedule(after, *id);
        }
        let notification = transition.and_then(|t| notification(&self.base_url, session, t, now));
        Some((result, notification))
    }

    /// The sessions of `owner` for the device, created in `wire`, oldest first.
    pub(crate) fn for_device(
        &self,
        identity: &Identity,
        wire: Wire,
        owner: ClientId,
    ) -> Vec<&Session> {
        let mut found: Vec<&Session> = self
            .devices
            .matching(identity)
            .iter()
            .filter_map(|id| self.sessions.get(id))
            .filter(|s| s.wire == wire && s.owner == owner)
            .collect();
        found.sort_by_key(|s| (s.created_at, s.id));
        found
    }

    pub(crate) fn len(&self) -> usize {
        self.sessions.len()
    }

    /// Whether the indexes hold each stored session and nothing else.
    #[cfg(test)]
    fn is_consistent(&self) -> bool {
        self.timeline.len() == self.sessions.len()
            && self.sessions.values().all(|s| {
                self.devices.matching(&s.identity).contains(&s.id) || s.identity.keys.is_empty()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::lifecycle::tests::plan;
    use crate::sessions::lifecycle::{Plan, Status};
    use crate::store::identity::IdentityKey;

    const RETAIN: Duration = Duration::from_secs(360);

    fn t0() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000)
    }

    fn phone(number: &str) -> Identity {
        Identity {
            keys: vec![IdentityKey::phone(number).unwrap()],
        }
    }

    fn session(number: &str, now: SystemTime) -> Session {
        Session::new(Plan {
            identity: phone(number),
            ..plan(Wire::V1, now)
        })
    }

    #[test]
    fn sessions_change_on_time_and_are_forgotten_after_the_retention() {
        let mut store = Store::new("http://sandbox".into(), RETAIN);
        let a = session("+14255550100", t0());
        let id = a.id;
        store.insert(a, &[], t0());
        assert_eq!(store.conflict(&phone("14255550100")), Some(id));
        store.advance(t0() + Duration::from_secs(2));
        assert_eq!(store.get(&id).unwrap().status, Status::Available);
        store.advance(t0() + Duration::from_secs(602));
        assert_eq!(store.get(&id).unwrap().status, Status::Unavailable);
        assert_eq!(store.conflict(&phone("+14255550100")), None, "ended");
        assert_eq!(
            store
                .for_device(&phone("+14255550100"), Wire::V1, ClientId::ANYONE)
                .len(),
            1,
            "still listed while retained"
        );
        assert!(store.is_consistent());
        store.advance(t0() + Duration::from_secs(602 + 359));
        assert_eq!(store.len(), 1);
        store.advance(t0() + Duration::from_secs(602 + 360));
        assert_eq!(store.len(), 0);
        assert!(
            store
                .for_device(&phone("+14255550100"), Wire::V1, ClientId::ANYONE)
                .is_empty()
        );
        assert!(store.is_consistent());
        assert_eq!(store.devices.key_count(), 0);
    }

    #[test]
    fn updates_move_the_session_in_the_timeline() {
        let mut store = Store::new("http://sandbox".into(), RETAIN);
        let a = session("+14255550100", t0());
        let id = a.id;
        store.insert(a, &[], t0());
        store.advance(t0() + Duration::from_secs(2));
        store
            .update(&id, t0() + Duration::from_secs(10), |s| {
                (s.extend(t0() + Duration::from_secs(10), 600, 86_400), None)
            })
            .unwrap();
        store.advance(t0() + Duration::from_secs(602));
        assert_eq!(
            store.get(&id).unwrap().status,
            Status::Available,
            "extended"
        );
        store
            .update(&id, t0() + Duration::from_secs(700), |s| {
                ((), s.delete(t0() + Duration::from_secs(700)))
            })
            .unwrap();
        assert!(store.is_consistent());
        store.advance(t0() + Duration::from_secs(700 + 360));
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn the_work_of_a_request_does_not_grow_with_the_sessions_stored() {
        let mut store = Store::new("http://sandbox".into(), RETAIN);
        for n in 0..50_000 {
            store.insert(session(&format!("+1425{n:07}"), t0()), &[], t0());
        }
        // All of them change at t0 + 2 s; nothing is due before.
        let started = std::time::Instant::now();
        for _ in 0..10_000 {
            assert!(store.advance(t0() + Duration::from_secs(1)).is_empty());
            assert!(store.conflict(&phone("+14259999999")).is_none());
        }
        // A scan of 50 000 sessions per call would take seconds; the bound
        // only proves that nothing scans them.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(store.timeline.len(), 50_000);
    }
}
