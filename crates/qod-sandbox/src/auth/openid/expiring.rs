//! Things kept until they expire, and no more of them than a bound: the
//! access and refresh tokens, the CIBA requests and authorization codes
//! the OpenID mode has issued, and the assertion ids it has seen. Expired
//! ones are forgotten first, in time order, without looking at the rest.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::store::Timeline;

/// Why an insert was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The key is held already.
    Taken,
    /// The bound is reached.
    Full,
}

/// Values by key, each until its instant.
#[derive(Debug)]
pub(crate) struct Expiring<V> {
    items: HashMap<String, (SystemTime, V)>,
    expiry: Timeline<String>,
    capacity: usize,
}

impl<V> Expiring<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Expiring {
            items: HashMap::new(),
            expiry: Timeline::default(),
            capacity,
        }
    }

    fn forget_expired(&mut self, now: SystemTime) {
        while let Some((_, key)) = self.expiry.pop_due(now) {
            self.items.remove(&key);
        }
    }

    /// Keeps `value` under `key` until `until`.
    pub(crate) fn insert(
        &mut self,
        key: String,
        until: SystemTime,
        value: V,
        now: SystemTime,
    ) -> Result<(), Refused> {
        self.forget_expired(now);
        if self.items.contains_key(&key) {
            return Err(Refused::Taken);
        }
        if self.items.len() >= self.capacity {
            return Err(Refused::Full);
        }
        self.expiry.schedule(until, key.clone());
        self.items.insert(key, (until, value));
        Ok(())
    }

    /// The value under `key`, while it has not expired.
    pub(crate) fn get_mut(&mut self, key: &str, now: SystemTime) -> Option<&mut V> {
        self.forget_expired(now);
        self.items.get_mut(key).map(|(_, value)| value)
    }

    /// Takes the value under `key` out, while it has not expired.
    pub(crate) fn remove(&mut self, key: &str, now: SystemTime) -> Option<V> {
        self.forget_expired(now);
        let (until, value) = self.items.remove(key)?;
        self.expiry.cancel(until, &key.to_owned());
        Some(value)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn kept_until_expiry_and_bounded() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let later = |s| t0 + Duration::from_secs(s);
        let mut kept = Expiring::new(2);
        kept.insert("a".into(), later(10), 1, t0).unwrap();
        assert_eq!(
            kept.insert("a".into(), later(20), 2, t0),
            Err(Refused::Taken)
        );
        kept.insert("b".into(), later(20), 2, t0).unwrap();
        assert_eq!(
            kept.insert("c".into(), later(20), 3, t0),
            Err(Refused::Full)
        );
        assert_eq!(kept.get_mut("a", later(9)).copied(), Some(1));
        assert_eq!(kept.get_mut("a", later(10)), None, "expired");
        kept.insert("c".into(), later(30), 3, later(10)).unwrap();
        assert_eq!(kept.remove("b", later(11)), Some(2));
        assert_eq!(kept.remove("b", later(11)), None);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept.expiry.len(), 1, "the removed one's expiry went too");
    }
}
