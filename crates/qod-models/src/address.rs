//! Application-server addresses: an IP address with an optional prefix length.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ValidationError;

macro_rules! address_with_mask {
    ($(#[$meta:meta])* $name:ident, $addr:ty, $bits:ty, $max:literal, $field:literal, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            address: $addr,
            prefix: Option<u8>,
        }

        impl $name {
            /// A single address (written without a mask).
            pub fn host(address: $addr) -> Self {
                $name { address, prefix: None }
            }

            /// An address with a mask width, refused when the width is too large.
            pub fn with_prefix(address: $addr, prefix: u8) -> Result<Self, ValidationError> {
                if prefix > $max {
                    return Err(ValidationError::new(
                        $field,
                        format!("mask width must be 0..={}, got {prefix}", $max),
                    ));
                }
                Ok($name { address, prefix: Some(prefix) })
            }

            /// The address.
            pub fn address(&self) -> $addr {
                self.address
            }

            /// The mask width, when one was given.
            pub fn prefix(&self) -> Option<u8> {
                self.prefix
            }

            /// The network this address lies in: the address with every bit
            /// past the mask cleared (the address itself without a mask).
            pub fn network(&self) -> Self {
                let Some(prefix) = self.prefix else { return *self };
                let mask = <$bits>::MAX
                    .checked_shl(u32::from($max - prefix))
                    .unwrap_or(0);
                $name {
                    address: <$addr>::from(<$bits>::from(self.address) & mask),
                    prefix: self.prefix,
                }
            }

            /// Checks the rule for a network qod sends: no bits set past
            /// the mask, so that the network meant is not a guess. Parsing
            /// accepts such a value, as a server may echo one.
            pub fn validate(&self) -> Result<(), ValidationError> {
                let network = self.network();
                if network.address != self.address {
                    return Err(ValidationError::new(
                        $field,
                        format!(
                            "{self} has bits set past its mask: use the network address {network}"
                        ),
                    ));
                }
                Ok(())
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(text: &str) -> Result<Self, ValidationError> {
                let (address, prefix) = match text.split_once('/') {
                    Some((address, prefix)) => (address, Some(prefix)),
                    None => (text, None),
                };
                let address: $addr = address.parse().map_err(|_| {
                    ValidationError::new(
                        $field,
                        format!(concat!("must be ", $what, " or ", $what, "/mask, got {:?}"), text),
                    )
                })?;
                match prefix {
                    None => Ok($name::host(address)),
                    Some(prefix) => match prefix.parse::<u8>() {
                        // `/024` or `/+4` are refused rather than read as 24 or 4.
                        Ok(width) if width.to_string() == prefix => $name::with_prefix(address, width),
                        _ => Err(ValidationError::new(
                            $field,
                            format!("mask width must be a number 0..={}, got {:?}", $max, prefix),
                        )),
                    },
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.prefix {
                    Some(prefix) => write!(f, "{}/{prefix}", self.address),
                    None => write!(f, "{}", self.address),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

address_with_mask!(
    /// An application server's IPv4 address, `1.2.3.4` or `1.2.3.0/24`.
    ///
    /// ```
    /// use qod_models::Ipv4Network;
    /// let net: Ipv4Network = "198.51.100.0/24".parse().unwrap();
    /// assert_eq!(net.prefix(), Some(24));
    /// assert!("198.51.100.0/33".parse::<Ipv4Network>().is_err());
    /// ```
    Ipv4Network, Ipv4Addr, u32, 32, "ipv4Address", "an IPv4 address"
);

address_with_mask!(
    /// An application server's IPv6 address, `2001:db8::1` or `2001:db8::/64`.
    ///
    /// ```
    /// use qod_models::Ipv6Network;
    /// assert!("2001:db8:85a3:8d3::/64".parse::<Ipv6Network>().is_ok());
    /// assert!("2001:db8::/129".parse::<Ipv6Network>().is_err());
    /// ```
    Ipv6Network, Ipv6Addr, u128, 128, "ipv6Address", "an IPv6 address"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert!("1.2.3.4".parse::<Ipv4Network>().is_ok());
        assert!("1.2.3.4/0".parse::<Ipv4Network>().is_ok());
        assert!("1.2.3.4/32".parse::<Ipv4Network>().is_ok());
        assert!("1.2.3.4/".parse::<Ipv4Network>().is_err());
        assert!("1.2.3.4/024".parse::<Ipv4Network>().is_err());
        assert!("1.2.3.4/+4".parse::<Ipv4Network>().is_err());
        assert!("1.2.3/24".parse::<Ipv4Network>().is_err());
        assert!("256.1.1.1".parse::<Ipv4Network>().is_err());
        assert!("::1/128".parse::<Ipv6Network>().is_ok());
        assert!("::1/-1".parse::<Ipv6Network>().is_err());
        assert_eq!(
            "1.2.3.4/24".parse::<Ipv4Network>().map(|n| n.to_string()),
            Ok("1.2.3.4/24".to_owned())
        );
    }

    #[test]
    fn host_bits_past_the_mask() {
        for good in [
            "1.2.3.0/24",
            "1.2.3.4",
            "1.2.3.4/32",
            "0.0.0.0/0",
            "10.0.0.0/8",
        ] {
            assert!(
                good.parse::<Ipv4Network>().unwrap().validate().is_ok(),
                "{good}"
            );
        }
        let error = "1.2.3.4/24"
            .parse::<Ipv4Network>()
            .unwrap()
            .validate()
            .unwrap_err();
        assert_eq!(error.field(), "ipv4Address");
        assert!(error.rule().contains("1.2.3.0/24"), "{error}");
        assert!(
            "1.2.3.4/0"
                .parse::<Ipv4Network>()
                .unwrap()
                .validate()
                .is_err()
        );
        for good in ["2001:db8::/64", "::1/128", "::/0", "2001:db8::1"] {
            assert!(
                good.parse::<Ipv6Network>().unwrap().validate().is_ok(),
                "{good}"
            );
        }
        let error = "2001:db8::1/64"
            .parse::<Ipv6Network>()
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(error.rule().contains("2001:db8::/64"), "{error}");
    }
}
