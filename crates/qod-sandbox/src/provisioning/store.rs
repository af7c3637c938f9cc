//! All QoS assignments, from the same two parts as the session store: a
//! time-ordered index of what is due and a device index, so that no request
//! costs more with more assignments stored.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use uuid::Uuid;

use crate::notifier::Notification;
use crate::provisioning::events::notification;
use crate::provisioning::lifecycle::Assignment;
use crate::sessions::lifecycle::Transition;
use crate::store::Timeline;
use crate::store::device_index::DeviceIndex;
use crate::store::identity::Identity;

#[derive(Debug)]
pub(crate) struct AssignmentStore {
    assignments: HashMap<Uuid, Assignment>,
    /// Each assignment with something due, once, at its [`Assignment::next_due`].
    timeline: Timeline<Uuid>,
    devices: DeviceIndex<Uuid>,
    base_url: String,
    retain: Duration,
}

impl AssignmentStore {
    pub(crate) fn new(base_url: String, retain: Duration) -> Self {
        AssignmentStore {
            assignments: HashMap::new(),
            timeline: Timeline::default(),
            devices: DeviceIndex::default(),
            base_url,
            retain,
        }
    }

    /// Brings every assignment due up to `now`, forgets those kept long
    /// enough, and returns the notifications due.
    pub(crate) fn advance(&mut self, now: SystemTime) -> Vec<Notification> {
        let mut due = Vec::new();
        while let Some((_, id)) = self.timeline.pop_due(now) {
            let Some(assignment) = self.assignments.get_mut(&id) else {
                continue;
            };
            if let Some(change) = assignment.advance(now) {
                due.extend(notification(&self.base_url, assignment, change, now));
            }
            if assignment.is_gone(now, self.retain) {
                if let Some(gone) = self.assignments.remove(&id) {
                    self.devices.remove(&gone.identity, id);
                }
            } else if let Some(at) = assignment.next_due(self.retain) {
                self.timeline.schedule(at, id);
            }
        }
        due
    }

    /// The stored assignments that name the same device, oldest first.
    pub(crate) fn for_device(&self, identity: &Identity) -> Vec<&Assignment> {
        let mut found: Vec<&Assignment> = self
            .devices
            .matching(identity)
            .iter()
            .filter_map(|id| self.assignments.get(id))
            .collect();
        found.sort_by_key(|a| (a.created_at, a.id));
        found
    }

    /// The assignment that holds the device, if any.
    pub(crate) fn holder(&self, identity: &Identity) -> Option<&Assignment> {
        self.for_device(identity)
            .into_iter()
            .find(|a| a.holds_device())
    }

    pub(crate) fn insert(&mut self, assignment: Assignment) {
        let id = assignment.id;
        self.devices.add(&assignment.identity, id);
        if let Some(at) = assignment.next_due(self.retain) {
            self.timeline.schedule(at, id);
        }
        self.assignments.insert(id, assignment);
    }

    pub(crate) fn get(&self, id: &Uuid) -> Option<&Assignment> {
        self.assignments.get(id)
    }

    /// Changes an assignment with `change`, keeping its place in the
    /// timeline right, and returns the notification of what changed.
    pub(crate) fn update(
        &mut self,
        id: &Uuid,
        now: SystemTime,
        change: impl FnOnce(&mut Assignment) -> Option<Transition>,
    ) -> Option<Notification> {
        let assignment = self.assignments.get_mut(id)?;
        let before = assignment.next_due(self.retain);
        let transition = change(assignment);
        let after = assignment.next_due(self.retain);
        if after != before {
            if let Some(at) = before {
                self.timeline.cancel(at, id);
            }
            if let Some(at) = after {
                self.timeline.schedule(at, *id);
            }
        }
        transition.and_then(|t| notification(&self.base_url, assignment, t, now))
    }

    pub(crate) fn len(&self) -> usize {
        self.assignments.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provisioning::lifecycle::AssignmentPlan;
    use crate::provisioning::lifecycle::tests::plan;
    use crate::sessions::lifecycle::Status;
    use crate::store::identity::IdentityKey;

    #[test]
    fn revoked_assignments_release_the_device_and_are_forgotten() {
        let retain = Duration::from_secs(360);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let phone = Identity {
            keys: vec![IdentityKey::phone("+14255550100").unwrap()],
        };
        let mut store = AssignmentStore::new("http://sandbox".into(), retain);
        let a = Assignment::new(AssignmentPlan {
            identity: phone.clone(),
            ..plan(t0)
        });
        let id = a.id;
        store.insert(a);
        store.advance(t0 + Duration::from_secs(2));
        assert_eq!(store.get(&id).unwrap().status, Status::Available);
        assert_eq!(store.holder(&phone).map(|a| a.id), Some(id));
        let t1 = t0 + Duration::from_secs(100_000);
        store.update(&id, t1, |a| a.revoke(t1));
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
        let mut store = AssignmentStore::new("http://sandbox".into(), retain);
        let a = Assignment::new(AssignmentPlan {
            identity: phone.clone(),
            ..plan(t0)
        });
        let id = a.id;
        store.insert(a);
        store.advance(t0 + Duration::from_secs(2));
        let t1 = t0 + Duration::from_secs(10);
        store.update(&id, t1, |a| {
            a.revoke_after(t1 + delay);
            None
        });
        store.advance(t1 + delay - Duration::from_millis(1));
        assert!(store.get(&id).unwrap().revoke_pending());
        assert_eq!(store.holder(&phone).map(|a| a.id), Some(id));
        store.advance(t1 + delay);
        let done = store.get(&id).unwrap();
        assert_eq!(done.status, Status::Unavailable);
        assert!(store.holder(&phone).is_none());
        store.advance(t1 + delay + retain);
        assert_eq!(store.len(), 0);
    }
}
