//! The device flags, and the `Device` they name.

use std::net::{Ipv4Addr, Ipv6Addr};

use clap::Args;
use qod::models::{
    Device, DeviceIpv4Address, NetworkAccessIdentifier, PhoneNumber, Port, ValidationError,
};

/// The device flags, for messages that ask for one.
pub const DEVICE_FLAGS: &str = "--phone, --ipv4, --ipv6 or --nai";

/// Device identifiers.
#[derive(Debug, Args, Default)]
pub struct DeviceArgs {
    /// Phone number, e.g. +14255550100
    #[arg(long)]
    pub phone: Option<String>,
    /// Public IPv4 address, optionally with the public port: 203.0.113.7:5060
    #[arg(long)]
    pub ipv4: Option<String>,
    /// Private IPv4 address behind NAT (with --ipv4)
    #[arg(long)]
    pub ipv4_private: Option<Ipv4Addr>,
    /// IPv6 address
    #[arg(long)]
    pub ipv6: Option<Ipv6Addr>,
    /// Network access identifier, e.g. 123456789@domain.com
    #[arg(long)]
    pub nai: Option<String>,
}

impl DeviceArgs {
    /// Whether any identifier was given.
    pub fn is_empty(&self) -> bool {
        self.phone.is_none()
            && self.ipv4.is_none()
            && self.ipv4_private.is_none()
            && self.ipv6.is_none()
            && self.nai.is_none()
    }

    /// The flags given, by name.
    pub fn given_flags(&self) -> Vec<&'static str> {
        [
            ("--phone", self.phone.is_some()),
            ("--ipv4", self.ipv4.is_some()),
            ("--ipv4-private", self.ipv4_private.is_some()),
            ("--ipv6", self.ipv6.is_some()),
            ("--nai", self.nai.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    }

    /// The device when any identifier was given, with each flag checked.
    pub fn given_device(&self) -> Result<Option<Device>, ValidationError> {
        if self.is_empty() {
            return Ok(None);
        }
        self.to_device().map(Some)
    }

    /// The device, with each flag checked.
    pub fn to_device(&self) -> Result<Device, ValidationError> {
        let phone_number = self
            .phone
            .as_deref()
            .map(PhoneNumber::parse)
            .transpose()
            .map_err(|e| e.renamed("--phone"))?;
        let network_access_identifier = self
            .nai
            .as_deref()
            .map(NetworkAccessIdentifier::parse)
            .transpose()
            .map_err(|e| e.renamed("--nai"))?;
        let ipv4_address = match (&self.ipv4, self.ipv4_private) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(ValidationError::new(
                    "--ipv4-private",
                    "needs --ipv4 (the public address)",
                ));
            }
            (Some(text), private) => {
                let (address, port) = match text.rsplit_once(':') {
                    Some((address, port)) => (
                        address,
                        Some(port.parse::<Port>().map_err(|e| e.renamed("--ipv4"))?),
                    ),
                    None => (text.as_str(), None),
                };
                let public_address = address.parse().map_err(|_| {
                    ValidationError::new("--ipv4", format!("{address:?} is not an IPv4 address"))
                })?;
                let identity = DeviceIpv4Address {
                    public_address,
                    private_address: private,
                    public_port: port,
                };
                identity.validate().map_err(|e| e.renamed("--ipv4"))?;
                Some(identity)
            }
        };
        Ok(Device {
            phone_number,
            network_access_identifier,
            ipv4_address,
            ipv6_address: self.ipv6,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_a_device() {
        let args = DeviceArgs {
            ipv4: Some("203.0.113.7:5060".into()),
            ..DeviceArgs::default()
        };
        let device = args.to_device().unwrap();
        assert_eq!(
            device.ipv4_address.unwrap().public_port,
            Some(Port::new(5060))
        );
        let bad = DeviceArgs {
            ipv4: Some("203.0.113.7:99999".into()),
            ..DeviceArgs::default()
        };
        assert_eq!(bad.to_device().unwrap_err().field(), "--ipv4");
        let port_zero = DeviceArgs {
            ipv4: Some("203.0.113.7:0".into()),
            ..DeviceArgs::default()
        };
        let error = port_zero.to_device().unwrap_err();
        assert_eq!(error.field(), "--ipv4");
        assert!(error.rule().contains("1..=65535"), "{error}");
        let orphan = DeviceArgs {
            ipv4_private: Some("10.0.0.1".parse().unwrap()),
            ..DeviceArgs::default()
        };
        assert!(orphan.to_device().is_err());
        assert!(DeviceArgs::default().is_empty());
    }
}
