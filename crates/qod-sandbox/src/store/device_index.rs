//! Which stored resources name a device, by identity key.

use std::collections::HashMap;

use crate::store::identity::{Identity, IdentityKey};

/// Resources by the identity keys of their device.
#[derive(Debug)]
pub(crate) struct DeviceIndex<K> {
    by_key: HashMap<IdentityKey, Vec<K>>,
}

impl<K> Default for DeviceIndex<K> {
    fn default() -> Self {
        DeviceIndex {
            by_key: HashMap::new(),
        }
    }
}

impl<K: Copy + Eq> DeviceIndex<K> {
    pub(crate) fn add(&mut self, identity: &Identity, id: K) {
        for key in &identity.keys {
            self.by_key.entry(key.clone()).or_default().push(id);
        }
    }

    pub(crate) fn remove(&mut self, identity: &Identity, id: K) {
        for key in &identity.keys {
            if let Some(ids) = self.by_key.get_mut(key) {
                ids.retain(|other| *other != id);
                if ids.is_empty() {
                    self.by_key.remove(key);
                }
            }
        }
    }

    /// Every resource whose device shares a key with `identity`, once each.
    pub(crate) fn matching(&self, identity: &Identity) -> Vec<K> {
        let mut found: Vec<K> = Vec::new();
        for key in &identity.keys {
            for id in self.by_key.get(key).into_iter().flatten() {
                if !found.contains(id) {
                    found.push(*id);
                }
            }
        }
        found
    }

    /// How many keys are indexed.
    #[cfg(test)]
    pub(crate) fn key_count(&self) -> usize {
        self.by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(keys: &[&str]) -> Identity {
        Identity {
            keys: keys
                .iter()
                .map(|n| IdentityKey::phone(n).unwrap())
                .collect(),
        }
    }

    #[test]
    fn add_match_remove() {
        let mut index = DeviceIndex::default();
        index.add(&identity(&["+14255550100", "+14255550101"]), 1);
        index.add(&identity(&["+14255550101"]), 2);
        assert_eq!(
            index.matching(&identity(&["14255550101", "+14255550100"])),
            [1, 2]
        );
        assert_eq!(
            index.matching(&identity(&["+14255550199"])),
            Vec::<i32>::new()
        );
        index.remove(&identity(&["+14255550100", "+14255550101"]), 1);
        assert_eq!(
            index.matching(&identity(&["+14255550100", "+14255550101"])),
            [2]
        );
        index.remove(&identity(&["+14255550101"]), 2);
        assert_eq!(index.key_count(), 0, "no empty entries left behind");
    }
}
