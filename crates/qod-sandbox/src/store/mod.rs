//! Every stored session, or every stored assignment, indexed so that no
//! request costs more with more of them: a time-ordered index of when each
//! is due to change (or to be forgotten), and a device index for the rule
//! of one at a time per device and for retrieve-by-device.

pub(crate) mod device_index;
pub(crate) mod identity;
mod timeline;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use http::StatusCode;
use uuid::Uuid;

use crate::life::{Life, Transition};
use crate::notifier::{Notification, Notifier};
use crate::reply::{Reply, code};
use device_index::DeviceIndex;
use identity::Identity;
pub(crate) use timeline::Timeline;

/// What the store needs of a kind of resource.
pub(crate) trait Resource {
    /// The 409's message when another holds the device.
    const CONFLICT: &'static str;

    /// The 429's message when `capacity` are stored; ended ones count until
    /// `retain` after they end.
    fn quota_exceeded(capacity: usize, retain: Duration) -> String;

    fn id(&self) -> Uuid;
    fn identity(&self) -> &Identity;
    fn life(&self) -> &Life;
    /// Whether it keeps another of its kind from the same device.
    fn holds_device(&self) -> bool;
    /// When the store must look at it next, if ever.
    fn next_due(&self, retain: Duration) -> Option<SystemTime>;
    /// Brings it up to `now`: the changes, in order.
    fn advance(&mut self, now: SystemTime) -> Vec<Transition>;
    /// The notification of `change`, when it asked for notifications.
    fn notification(
        &self,
        base_url: &str,
        change: Transition,
        now: SystemTime,
    ) -> Option<Notification>;
}

/// Locks `store` with every item due brought up to `now`, handing what
/// changed to `notifier`: what every request and the ticker see first.
pub(crate) fn lock_up_to_date<'a, R: Resource>(
    store: &'a Mutex<Store<R>>,
    now: SystemTime,
    notifier: &Notifier,
) -> MutexGuard<'a, Store<R>> {
    let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
    let due = store.advance(now);
    notifier.send(due);
    store
}

#[derive(Debug)]
pub(crate) struct Store<R> {
    items: HashMap<Uuid, R>,
    /// Each stored item with something due, once, at its [`Resource::next_due`].
    timeline: Timeline<Uuid>,
    devices: DeviceIndex<Uuid>,
    base_url: String,
    /// How long an ended item stays readable.
    retain: Duration,
}

impl<R: Resource> Store<R> {
    pub(crate) fn new(base_url: String, retain: Duration) -> Self {
        Store {
            items: HashMap::new(),
            timeline: Timeline::default(),
            devices: DeviceIndex::default(),
            base_url,
            retain,
        }
    }

    /// Brings every item that is due up to `now`, forgets those ended
    /// longer than the retention, and returns the notifications due. Costs
    /// in proportion to the items that change, not to those stored.
    pub(crate) fn advance(&mut self, now: SystemTime) -> Vec<Notification> {
        let mut due = Vec::new();
        while let Some((_, id)) = self.timeline.pop_due(now) {
            let Some(item) = self.items.get_mut(&id) else {
                continue;
            };
            for change in item.advance(now) {
                due.extend(item.notification(&self.base_url, change, now));
            }
            if item.life().is_gone(now, self.retain) {
                if let Some(gone) = self.items.remove(&id) {
                    self.devices.remove(gone.identity(), id);
                }
            } else if let Some(at) = item.next_due(self.retain) {
                self.timeline.schedule(at, id);
            }
        }
        due
    }

    /// The 409 when another item holds the device, the 429 when the store
    /// is full: what a create is refused for, under the store's lock.
    pub(crate) fn admit(&self, identity: &Identity, capacity: usize) -> Result<(), Reply> {
        if self.holder(identity).is_some() {
            return Err(Reply::error(
                StatusCode::CONFLICT,
                code::CONFLICT,
                R::CONFLICT,
            ));
        }
        if self.items.len() >= capacity {
            return Err(Reply::error(
                StatusCode::TOO_MANY_REQUESTS,
                code::QUOTA_EXCEEDED,
                &R::quota_exceeded(capacity, self.retain),
            ));
        }
        Ok(())
    }

    /// The item that holds the device, if any.
    pub(crate) fn holder(&self, identity: &Identity) -> Option<&R> {
        self.for_device(identity)
            .into_iter()
            .find(|item| item.holds_device())
    }

    /// Stores a new item; `changes` are those it made at once.
    pub(crate) fn insert(
        &mut self,
        item: R,
        changes: &[Transition],
        now: SystemTime,
    ) -> Vec<Notification> {
        let id = item.id();
        let notifications = changes
            .iter()
            .filter_map(|change| item.notification(&self.base_url, *change, now))
            .collect();
        self.devices.add(item.identity(), id);
        if let Some(at) = item.next_due(self.retain) {
            self.timeline.schedule(at, id);
        }
        self.items.insert(id, item);
        notifications
    }

    pub(crate) fn get(&self, id: &Uuid) -> Option<&R> {
        self.items.get(id)
    }

    /// Changes an item with `change`, which returns what it wants
    /// notified, and keeps the item's place in the timeline right.
    pub(crate) fn update<T>(
        &mut self,
        id: &Uuid,
        now: SystemTime,
        change: impl FnOnce(&mut R) -> (T, Option<Transition>),
    ) -> Option<(T, Option<Notification>)> {
        let item = self.items.get_mut(id)?;
        let before = item.next_due(self.retain);
        let (result, transition) = change(item);
        let after = item.next_due(self.retain);
        if after != before {
            if let Some(at) = before {
                self.timeline.cancel(at, id);
            }
            if let Some(at) = after {
                self.timeline.schedule(at, *id);
            }
        }
        let notification = transition.and_then(|t| item.notification(&self.base_url, t, now));
        Some((result, notification))
    }

    /// The stored items that name the same device, oldest first.
    pub(crate) fn for_device(&self, identity: &Identity) -> Vec<&R> {
        let mut found: Vec<&R> = self
            .devices
            .matching(identity)
            .iter()
            .filter_map(|id| self.items.get(id))
            .collect();
        found.sort_by_key(|item| (item.life().created_at, item.id()));
        found
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the indexes hold each stored item and nothing else.
    #[cfg(test)]
    fn is_consistent(&self) -> bool {
        let scheduled = self
            .items
            .values()
            .filter(|item| item.next_due(self.retain).is_some())
            .count();
        self.timeline.len() == scheduled
            && self.items.values().all(|item| {
                self.devices.matching(item.identity()).contains(&item.id())
                    || item.identity().keys.is_empty()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::life::Status;
    use crate::provisioning::lifecycle::tests::plan as assignment_plan;
    use crate::provisioning::lifecycle::{Assignment, AssignmentPlan};
    use crate::sessions::lifecycle::tests::plan;
    use crate::sessions::lifecycle::{Plan, Session};
    use crate::store::identity::IdentityKey;
    use crate::wire::Wire;

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
        let mut store: Store<Session> = Store::new("http://sandbox".into(), RETAIN);
        let a = session("+14255550100", t0());
        let id = a.id;
        store.insert(a, &[], t0());
        assert_eq!(store.holder(&phone("14255550100")).map(|s| s.id), Some(id));
        store.advance(t0() + Duration::from_secs(2));
        assert_eq!(store.get(&id).unwrap().life.status, Status::Available);
        store.advance(t0() + Duration::from_secs(602));
        assert_eq!(store.get(&id).unwrap().life.status, Status::Unavailable);
        assert_eq!(
            store.holder(&phone("+14255550100")).map(|s| s.id),
            None,
            "ended"
        );
        assert_eq!(
            store.for_device(&phone("+14255550100")).len(),
            1,
            "still listed while retained"
        );
        assert!(store.is_consistent());
        store.advance(t0() + Duration::from_secs(602 + 359));
        assert_eq!(store.len(), 1);
        store.advance(t0() + Duration::from_secs(602 + 360));
        assert_eq!(store.len(), 0);
        assert!(store.for_device(&phone("+14255550100")).is_empty());
        assert!(store.is_consistent());
        assert_eq!(store.devices.key_count(), 0);
    }

    #[test]
    fn updates_move_the_session_in_the_timeline() {
        let mut store: Store<Session> = Store::new("http://sandbox".into(), RETAIN);
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
            store.get(&id).unwrap().life.status,
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
        let mut store: Store<Session> = Store::new("http://sandbox".into(), RETAIN);
        for n in 0..50_000 {
            store.insert(session(&format!("+1425{n:07}"), t0()), &[], t0());
        }
        // All of them change at t0 + 2 s; nothing is due before.
        let started = std::time::Instant::now();
        for _ in 0..10_000 {
            assert!(store.advance(t0() + Duration::from_secs(1)).is_empty());
            assert!(store.holder(&phone("+14259999999")).is_none());
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

    #[test]
    fn revoked_assignments_release_the_device_and_are_forgotten() {
        let retain = Duration::from_secs(360);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let phone = Identity {
            keys: vec![IdentityKey::phone("+14255550100").unwrap()],
        };
        let mut store: Store<Assignment> = Store::new("http://sandbox".into(), retain);
        let a = Assignment::new(AssignmentPlan {
            identity: phone.clone(),
            ..assignment_plan(t0)
        });
        let id = a.id;
        store.insert(a, &[], t0);
        store.advance(t0 + Duration::from_secs(2));
        assert_eq!(store.get(&id).unwrap().life.status, Status::Available);
        assert_eq!(store.holder(&phone).map(|a| a.id), Some(id));
        let t1 = t0 + Duration::from_secs(100_000);
        store.update(&id, t1, |a| ((), a.revoke(t1)));
        assert!(store.holder(&phone).is_none());
        assert_eq!(store.for_device(&phone).len(), 1, "kept while retained");
        store.advance(t1 + retain);
        assert_eq!(store.len(), 0);
        assert!(store.for_device(&phone).is_empty());
    }

    #[test]
    fn a_pending_revoke_is_done_when_due_and_then_forgotten() {
        let retain = Duration::from_secs(360);
        let delay = Duration::from_secs(3);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let phone = Identity {
            keys: vec![IdentityKey::phone("+14255550100").unwrap()],
        };
        let mut store: Store<Assignment> = Store::new("http://sandbox".into(), retain);
        let a = Assignment::new(AssignmentPlan {
            identity: phone.clone(),
            ..assignment_plan(t0)
        });
        let id = a.id;
        store.insert(a, &[], t0);
        store.advance(t0 + Duration::from_secs(2));
        let t1 = t0 + Duration::from_secs(10);
        store.update(&id, t1, |a| (a.revoke_after(t1 + delay), None));
        store.advance(t1 + delay - Duration::from_millis(1));
        assert!(store.get(&id).unwrap().revoke_pending());
        assert_eq!(store.holder(&phone).map(|a| a.id), Some(id));
        store.advance(t1 + delay);
        let done = store.get(&id).unwrap();
        assert_eq!(done.life.status, Status::Unavailable);
        assert!(store.holder(&phone).is_none());
        store.advance(t1 + delay + retain);
        assert_eq!(store.len(), 0);
    }
}
