//! A time-ordered index: what is due first, without looking at the rest.

use std::collections::BTreeSet;
use std::time::SystemTime;

/// Keys scheduled at instants; each key is expected at most once.
#[derive(Debug)]
pub(crate) struct Timeline<K> {
    due: BTreeSet<(SystemTime, K)>,
}

impl<K: Ord + Clone> Default for Timeline<K> {
    fn default() -> Self {
        Timeline {
            due: BTreeSet::new(),
        }
    }
}

impl<K: Ord + Clone> Timeline<K> {
    pub(crate) fn schedule(&mut self, at: SystemTime, key: K) {
        self.due.insert((at, key));
    }

    pub(crate) fn cancel(&mut self, at: SystemTime, key: &K) {
        self.due.remove(&(at, key.clone()));
    }

    /// The earliest entry due at or before `now`, taken out.
    pub(crate) fn pop_due(&mut self, now: SystemTime) -> Option<(SystemTime, K)> {
        if self.due.first().is_some_and(|(at, _)| *at <= now) {
            self.due.pop_first()
        } else {
            None
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.due.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn earliest_first_and_only_when_due() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let mut timeline = Timeline::default();
        timeline.schedule(t0 + Duration::from_secs(2), 'b');
        timeline.schedule(t0 + Duration::from_secs(1), 'a');
        timeline.schedule(t0 + Duration::from_secs(3), 'c');
        timeline.cancel(t0 + Duration::from_secs(3), &'c');
        assert_eq!(timeline.pop_due(t0), None);
        assert_eq!(
            timeline.pop_due(t0 + Duration::from_secs(5)),
            Some((t0 + Duration::from_secs(1), 'a'))
        );
        assert_eq!(
            timeline.pop_due(t0 + Duration::from_secs(5)),
            Some((t0 + Duration::from_secs(2), 'b'))
        );
        assert_eq!(timeline.pop_due(t0 + Duration::from_secs(5)), None);
        assert_eq!(timeline.len(), 0);
    }
}
