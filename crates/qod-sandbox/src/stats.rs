//! Counters of what the sandbox saw, for tests, load runs and benchmarks.

use std::collections::{HashMap, VecDeque};
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
