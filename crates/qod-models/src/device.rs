//! The device a QoS session is for, and the application server it talks to.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::validated_string::validated_string;
use crate::{Ipv4Network, Ipv6Network, Port, ValidationError};

fn check_phone_number(value: &str) -> Result<(), String> {
    let digits = value.strip_prefix('+').unwrap_or(value);
    if (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("must match ^\\+?[0-9]{5,15}$ (E.164, optionally prefixed with '+')".to_owned())
    }
}

validated_string! {
    /// A phone number (MSISDN): `^\+?[0-9]{5,15}$`, the 0.10.1 rule that T-Mobile
    /// follows. QoD 1.x is stricter (`^\+[1-9][0-9]{4,14}$`); see
    /// [`PhoneNumber::is_strict_e164`].
    ///
    /// ```
    /// use qod_models::PhoneNumber;
    /// assert!(PhoneNumber::parse("+14250000000").is_ok());
    /// assert!(PhoneNumber::parse("14250000000").is_ok());
    /// assert!(!PhoneNumber::parse("14250000000").unwrap().is_strict_e164());
    /// assert!(PhoneNumber::parse("+1-425").is_err());
    /// ```
    pub struct PhoneNumber;
    field = "phoneNumber";
    check = check_phone_number;
}

impl PhoneNumber {
    /// Whether the number also meets QoD 1.x's rule `^\+[1-9][0-9]{4,14}$`.
    pub fn is_strict_e164(&self) -> bool {
        self.0
            .strip_prefix('+')
            .is_some_and(|digits| (5..=15).contains(&digits.len()) && !digits.starts_with('0'))
    }
}

fn check_network_access_identifier(value: &str) -> Result<(), String> {
    match value.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !value.chars().any(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err("must be of the form local-identifier@domain".to_owned()),
    }
}

validated_string! {
    /// A network access identifier (GPSI external identifier), `local@domain`.
    ///
    /// ```
    /// use qod_models::NetworkAccessIdentifier;
    /// assert!(NetworkAccessIdentifier::parse("123456789@domain.com").is_ok());
    /// assert!(NetworkAccessIdentifier::parse("domain.com").is_err());
    /// ```
    pub struct NetworkAccessIdentifier;
    field = "networkAccessIdentifier";
    check = check_network_access_identifier;
}

/// A device's IPv4 identity: the public (observed) address plus its private
/// address or its public port (at least one of the two).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceIpv4Address {
    /// The address seen by the application server.
    pub public_address: Ipv4Addr,
    /// The address allocated to the device, behind NAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_address: Option<Ipv4Addr>,
    /// The public port seen by the application server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_port: Option<Port>,
}

impl DeviceIpv4Address {
    /// A public address and port.
    pub fn with_port(public_address: Ipv4Addr, public_port: u16) -> Self {
        DeviceIpv4Address {
            public_address,
            private_address: None,
            public_port: Some(Port::new(public_port)),
        }
    }

    /// A public and a private address.
    pub fn with_private(public_address: Ipv4Addr, private_address: Ipv4Addr) -> Self {
        DeviceIpv4Address {
            public_address,
            private_address: Some(private_address),
            public_port: None,
        }
    }

    /// Checks that `privateAddress` or `publicPort` accompanies
    /// `publicAddress`, and that a public port is a real one (not 0).
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.private_address.is_none() && self.public_port.is_none() {
            return Err(ValidationError::new(
                "",
                "publicAddress must come with privateAddress or publicPort",
            ));
        }
        if self.public_port.is_some_and(|port| port.get() == 0) {
            return Err(ValidationError::new(
                "publicPort",
                "must be 1..=65535: port 0 is not a port a device is seen on",
            ));
        }
        Ok(())
    }
}

/// The device: at least one identifier. Several identifiers must name the same device.
///
/// ```
/// use qod_models::{Device, PhoneNumber};
/// let device = Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap());
/// assert_eq!(
///     serde_json::to_string(&device).unwrap(),
///     r#"{"phoneNumber":"+14250000000"}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// The phone number (MSISDN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<PhoneNumber>,
    /// The network access identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_access_identifier: Option<NetworkAccessIdentifier>,
    /// The IPv4 identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_address: Option<DeviceIpv4Address>,
    /// The IPv6 address (any single address of the device's subnet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<Ipv6Addr>,
}

impl Device {
    /// A device known by its phone number.
    pub fn with_phone_number(phone_number: PhoneNumber) -> Self {
        Device {
            phone_number: Some(phone_number),
            ..Device::default()
        }
    }

    /// A device known by its IPv4 identity.
    pub fn with_ipv4(address: DeviceIpv4Address) -> Self {
        Device {
            ipv4_address: Some(address),
            ..Device::default()
        }
    }

    /// A device known by its IPv6 address.
    pub fn with_ipv6(address: Ipv6Addr) -> Self {
        Device {
            ipv6_address: Some(address),
            ..Device::default()
        }
    }

    /// How many identifiers are given.
    pub fn identifier_count(&self) -> usize {
        usize::from(self.phone_number.is_some())
            + usize::from(self.network_access_identifier.is_some())
            + usize::from(self.ipv4_address.is_some())
            + usize::from(self.ipv6_address.is_some())
    }

    /// Checks the rules both versions share: at least one identifier, and a
    /// complete IPv4 identity.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.identifier_count() == 0 {
            return Err(ValidationError::new(
                "",
                "must contain at least one of phoneNumber, networkAccessIdentifier, ipv4Address, ipv6Address",
            ));
        }
        if let Some(ipv4) = &self.ipv4_address {
            ipv4.validate().map_err(|e| e.under("ipv4Address"))?;
        }
        Ok(())
    }
}

/// The application server: an IPv4 and/or IPv6 address, each optionally with a mask.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationServer {
    /// IPv4 address or network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_address: Option<Ipv4Network>,
    /// IPv6 address or network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<Ipv6Network>,
}

impl ApplicationServer {
    /// An application server known by its IPv4 address or network.
    pub fn ipv4(address: Ipv4Network) -> Self {
        ApplicationServer {
            ipv4_address: Some(address),
            ipv6_address: None,
        }
    }

    /// An application server known by its IPv6 address or network.
    pub fn ipv6(address: Ipv6Network) -> Self {
        ApplicationServer {
            ipv4_address: None,
            ipv6_address: Some(address),
        }
    }

    /// Checks that at least one address is given, and that a network has
    /// no bits set past its mask.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.ipv4_address.is_none() && self.ipv6_address.is_none() {
            return Err(ValidationError::new(
                "",
                "must contain ipv4Address or ipv6Address",
            ));
        }
        if let Some(network) = &self.ipv4_address {
            network.validate()?;
        }
        if let Some(network) = &self.ipv6_address {
            network.validate()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        for good in ["+12345", "12345", "+123456789012345", "000000"] {
            assert!(PhoneNumber::parse(good).is_ok(), "{good}");
        }
        for bad in ["+1234", "1234567890123456", "+12 345", "++12345", "", "+"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
        assert!(PhoneNumber::parse("+123456789").unwrap().is_strict_e164());
        assert!(!PhoneNumber::parse("+0123456789").unwrap().is_strict_e164());
    }

    #[test]
    fn device_rules() {
        assert!(Device::default().validate().is_err());
        let lonely = Device::with_ipv4(DeviceIpv4Address {
            public_address: Ipv4Addr::new(203, 0, 113, 1),
            private_address: None,
            public_port: None,
        });
        assert_eq!(lonely.validate().unwrap_err().field(), "ipv4Address");
        let port_zero = Device::with_ipv4(DeviceIpv4Address::with_port(
            Ipv4Addr::new(203, 0, 113, 1),
            0,
        ));
        assert_eq!(
            port_zero.validate().unwrap_err().field(),
            "ipv4Address.publicPort"
        );
        assert!(ApplicationServer::default().validate().is_err());
        let host_bits = ApplicationServer::ipv4("198.51.100.7/24".parse().unwrap());
        let error = host_bits.validate().unwrap_err();
        assert_eq!(error.field(), "ipv4Address");
        assert!(error.rule().contains("198.51.100.0/24"), "{error}");
        assert!(NetworkAccessIdentifier::parse("a@b@c").is_err());
        assert!(NetworkAccessIdentifier::parse("a b@c").is_err());
    }
}
