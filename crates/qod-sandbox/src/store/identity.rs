//! When two device objects name the same device: they share an identity
//! key. Keys are what the device index is keyed by, so that conflicts and
//! retrieve-by-device never scan the stored sessions.

use std::net::{Ipv4Addr, Ipv6Addr};

/// One way a request can name a device.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum IdentityKey {
    /// A phone number's digits (with or without the `+`, the same number),
    /// and how many there are, so that leading zeros count.
    Phone { digits: u64, len: u8 },
    /// A network access identifier, as given.
    Nai(Box<str>),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
    /// A public IPv4 address and port.
    Ipv4Port(Ipv4Addr, u16),
    /// A public and a private IPv4 address.
    Ipv4Private(Ipv4Addr, Ipv4Addr),
}

impl IdentityKey {
    /// The key of a phone number that follows either version's pattern
    /// (`^\+?[0-9]{5,15}$` at most).
    pub(crate) fn phone(number: &str) -> Option<IdentityKey> {
        let digits = number.strip_prefix('+').unwrap_or(number);
        if digits.is_empty() || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(IdentityKey::Phone {
            digits: digits.parse().ok()?,
            len: u8::try_from(digits.len()).ok()?,
        })
    }
}

/// All the keys of one device object; two devices are the same device when
/// they share one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Identity {
    pub(crate) keys: Vec<IdentityKey>,
}

impl Identity {
    /// Whether `other` names the same device: they share a key.
    pub(crate) fn shares_key(&self, other: &Identity) -> bool {
        self.keys.iter().any(|key| other.keys.contains(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_with_and_without_plus_are_one_device() {
        assert_eq!(
            IdentityKey::phone("+14255550100"),
            IdentityKey::phone("14255550100")
        );
        assert_ne!(IdentityKey::phone("0012345"), IdentityKey::phone("012345"));
        assert_eq!(IdentityKey::phone("+"), None);
        assert_eq!(IdentityKey::phone("12a45"), None);
        let one = |n: &str| Identity {
            keys: vec![IdentityKey::phone(n).unwrap()],
        };
        assert!(one("+14255550100").shares_key(&one("14255550100")));
        assert!(!one("+14255550100").shares_key(&one("+14255550101")));
        assert!(!Identity::default().shares_key(&Identity::default()));
    }
}
