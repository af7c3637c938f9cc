//! Counters of what the sandbox saw, for tests, load runs and benchmarks.

use std::collections::{HashMap, VecDeque};

use crate::auth::caller::ClientId;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the sandbox's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SandboxStats {
    /// TCP connections accepted.
    pub connections: u64,
    /// Accepts that failed (e.g. out of file descriptors); each is
    /// followed by a pause, so that the server never spins.
    pub accept_errors: u64,
    /// HTTP requests received.
    pub requests: u64,
    /// Token requests received (any token endpoint, and OpenID's
    /// `bc-authorize`).
    pub token_requests: u64,
    /// Sessions created.
    pub sessions_created: u64,
    /// Answers with a 5xx status that no fault injection asked for.
    pub server_errors: u64,
    /// Faults injected (429, 503, dropped connections).
    pub faults_injected: u64,
    /// Notifications delivered (2xx from the receiver).
    pub notifications_delivered: u64,
    /// Notifications that failed.
    pub notifications_failed: u64,
}

/// What one client created, extended and deleted: requests the sandbox
/// answered with success (2xx), as
/// [`Sandbox::lifecycle_counts`](crate::Sandbox::lifecycle_counts) reports
/// them. A refused request (4xx, an injected fault) is not counted; a
/// delete of a session already ended, answered 204, is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LifecycleCounts {
    /// Sessions created (201), under either version.
    pub session_creates: u64,
    /// Sessions extended (200).
    pub session_extends: u64,
    /// Sessions deleted (204).
    pub session_deletes: u64,
    /// QoS assignments created (201).
    pub assignment_creates: u64,
    /// QoS assignments revoked (204, or 202 for an asynchronous revoke).
    pub assignment_revokes: u64,
}

/// A lifecycle request a client made, to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lifecycle {
    SessionCreate,
    SessionExtend,
    SessionDelete,
    AssignmentCreate,
    AssignmentRevoke,
}

impl LifecycleCounts {
    fn bump(&mut self, what: Lifecycle) {
        let counter = match what {
            Lifecycle::SessionCreate => &mut self.session_creates,
            Lifecycle::SessionExtend => &mut self.session_extends,
            Lifecycle::SessionDelete => &mut self.session_deletes,
            Lifecycle::AssignmentCreate => &mut self.assignment_creates,
            Lifecycle::AssignmentRevoke => &mut self.assignment_revokes,
        };
        *counter = counter.saturating_add(1);
    }

    /// These and `other`, added.
    pub(crate) fn add(&mut self, other: &LifecycleCounts) {
        self.session_creates += other.session_creates;
        self.session_extends += other.session_extends;
        self.session_deletes += other.session_deletes;
        self.assignment_creates += other.assignment_creates;
        self.assignment_revokes += other.assignment_revokes;
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) connections: AtomicU64,
    pub(crate) accept_errors: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) token_requests: AtomicU64,
    pub(crate) sessions_created: AtomicU64,
    pub(crate) server_errors: AtomicU64,
    pub(crate) faults_injected: AtomicU64,
    pub(crate) notifications_delivered: AtomicU64,
    pub(crate) notifications_failed: AtomicU64,
    /// `POST /sessions` requests per x-correlator that the sandbox did not
    /// refuse with 429: each may have created a session.
    create_receipts: Mutex<Receipts>,
    /// Per client: its creates, extends and deletes answered with success.
    lifecycle: Mutex<HashMap<ClientId, LifecycleCounts>>,
}

/// How many correlators [`Counters::create_receipts`] remembers: a replayed
/// create comes within seconds, and memory stays bounded.
const RECEIPTS_KEPT: usize = 65_536;

/// Counts per correlator, the oldest forgotten first.
#[derive(Debug, Default)]
struct Receipts {
    counts: HashMap<String, u32>,
    order: VecDeque<String>,
}

impl Receipts {
    fn record(&mut self, correlator: &str) {
        if let Some(count) = self.counts.get_mut(correlator) {
            *count += 1;
            return;
        }
        if self.order.len() >= RECEIPTS_KEPT
            && let Some(oldest) = self.order.pop_front()
        {
            self.counts.remove(&oldest);
        }
        self.order.push_back(correlator.to_owned());
        self.counts.insert(correlator.to_owned(), 1);
    }
}

pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    pub(crate) fn snapshot(&self) -> SandboxStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        SandboxStats {
            connections: get(&self.connections),
            accept_errors: get(&self.accept_errors),
            requests: get(&self.requests),
            token_requests: get(&self.token_requests),
            sessions_created: get(&self.sessions_created),
            server_errors: get(&self.server_errors),
            faults_injected: get(&self.faults_injected),
            notifications_delivered: get(&self.notifications_delivered),
            notifications_failed: get(&self.notifications_failed),
        }
    }

    pub(crate) fn record_create(&self, correlator: Option<&str>) {
        if let Some(correlator) = correlator {
            let mut receipts = self
                .create_receipts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            receipts.record(correlator);
        }
    }

    /// Counts a lifecycle request of `client` answered with success.
    pub(crate) fn record_lifecycle(&self, client: ClientId, what: Lifecycle) {
        self.lifecycle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(client)
            .or_default()
            .bump(what);
    }

    /// The lifecycle counts of every client that made a lifecycle request.
    pub(crate) fn lifecycle(&self) -> HashMap<ClientId, LifecycleCounts> {
        self.lifecycle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn create_receipts(&self) -> HashMap<String, u32> {
        self.create_receipts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .counts
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_requests_are_counted_per_client() {
        let counters = Counters::default();
        counters.record_lifecycle(ClientId(1), Lifecycle::SessionCreate);
        counters.record_lifecycle(ClientId(1), Lifecycle::SessionCreate);
        counters.record_lifecycle(ClientId(1), Lifecycle::SessionExtend);
        counters.record_lifecycle(ClientId(2), Lifecycle::AssignmentRevoke);
        let counts = counters.lifecycle();
        assert_eq!(counts[&ClientId(1)].session_creates, 2);
        assert_eq!(counts[&ClientId(1)].session_extends, 1);
        assert_eq!(counts[&ClientId(1)].assignment_revokes, 0);
        assert_eq!(counts[&ClientId(2)].assignment_revokes, 1);
        let mut sum = counts[&ClientId(1)];
        sum.add(&counts[&ClientId(2)]);
        assert_eq!((sum.session_creates, sum.assignment_revokes), (2, 1));
    }

    #[test]
    fn receipts_are_bounded() {
        let mut receipts = Receipts::default();
        receipts.record("a");
        receipts.record("a");
        for n in 0..RECEIPTS_KEPT {
            receipts.record(&n.to_string());
        }
        assert_eq!(receipts.counts.len(), RECEIPTS_KEPT);
        assert!(!receipts.counts.contains_key("a"), "the oldest went first");
        assert_eq!(receipts.counts["1"], 1);
    }
}
