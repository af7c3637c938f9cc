//! The device, application server and webhook as a server echoes them: read
//! by the response schemas, which type as plain strings what qod checks
//! strictly before sending.

use std::net::Ipv6Addr;

use serde::{Deserialize, Serialize};

use crate::{
    ApplicationServer, Device, DeviceIpv4Address, Ipv4Network, Ipv6Network,
    NetworkAccessIdentifier, NotificationToken, PhoneNumber, ValidationError, Webhook,
};

/// The device of a [`SessionInfo`](crate::SessionInfo), as the server echoes it.
///
/// Unlike [`Device`], the network access identifier is any string, as the
/// spec types it; [`DeviceInfo::to_device`] checks it for reuse in a request.
///
/// ```
/// use qod_models::DeviceInfo;
/// let device: DeviceInfo = serde_json::from_str(r#"{"networkAccessIdentifier": "opaque-id"}"#).unwrap();
/// assert_eq!(device.network_access_identifier.as_deref(), Some("opaque-id"));
/// assert!(device.to_device().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    /// The phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<PhoneNumber>,
    /// The network access identifier, as the server wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_access_identifier: Option<String>,
    /// The IPv4 identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_address: Option<DeviceIpv4Address>,
    /// The IPv6 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<Ipv6Addr>,
}

impl DeviceInfo {
    /// The device as a request would send it, with its identifiers checked.
    pub fn to_device(&self) -> Result<Device, ValidationError> {
        let network_access_identifier = self
            .network_access_identifier
            .as_deref()
            .map(NetworkAccessIdentifier::parse)
            .transpose()?;
        Ok(Device {
            phone_number: self.phone_number.clone(),
            network_access_identifier,
            ipv4_address: self.ipv4_address.clone(),
            ipv6_address: self.ipv6_address,
        })
    }
}

impl From<Device> for DeviceInfo {
    fn from(device: Device) -> Self {
        DeviceInfo {
            phone_number: device.phone_number,
            network_access_identifier: device.network_access_identifier.map(|n| n.into_string()),
            ipv4_address: device.ipv4_address,
            ipv6_address: device.ipv6_address,
        }
    }
}

/// The application server of a [`SessionInfo`](crate::SessionInfo), as the
/// server echoes it: each address is any string, as the spec types it.
///
/// ```
/// use qod_models::ApplicationServerInfo;
/// let server: ApplicationServerInfo =
///     serde_json::from_str(r#"{"ipv4Address": "198.51.100.0/24", "ipv6Address": "somewhere"}"#).unwrap();
/// assert_eq!(server.ipv4_network().unwrap().unwrap().prefix(), Some(24));
/// assert!(server.ipv6_network().unwrap().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationServerInfo {
    /// The IPv4 address or network, as the server wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_address: Option<String>,
    /// The IPv6 address or network, as the server wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<String>,
}

impl ApplicationServerInfo {
    /// The IPv4 address read by the rules a request follows; `None` when absent.
    pub fn ipv4_network(&self) -> Option<Result<Ipv4Network, ValidationError>> {
        self.ipv4_address.as_deref().map(str::parse)
    }

    /// The IPv6 address read by the rules a request follows; `None` when absent.
    pub fn ipv6_network(&self) -> Option<Result<Ipv6Network, ValidationError>> {
        self.ipv6_address.as_deref().map(str::parse)
    }
}

impl From<ApplicationServer> for ApplicationServerInfo {
    fn from(server: ApplicationServer) -> Self {
        ApplicationServerInfo {
            ipv4_address: server.ipv4_address.map(|a| a.to_string()),
            ipv6_address: server.ipv6_address.map(|a| a.to_string()),
        }
    }
}

/// The 0.10.1 webhook of a [`SessionInfo`](crate::SessionInfo), as the
/// server echoes it: the URL is any string (the spec's `format: uri` allows
/// any scheme); check it with [`NotificationUrl::parse`](crate::NotificationUrl::parse).
/// The token stays a secret.
///
/// ```
/// use qod_models::WebhookInfo;
/// let webhook: WebhookInfo = serde_json::from_str(
///     r#"{"notificationUrl": "urn:example:callback", "notificationAuthToken": "c8974e592c2fa383d4a3960714"}"#,
/// ).unwrap();
/// assert_eq!(webhook.notification_url, "urn:example:callback");
/// assert!(!format!("{webhook:?}").contains("c8974e"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookInfo {
    /// Where events are POSTed, as the server wrote it.
    pub notification_url: String,
    /// The bearer token the server puts on each event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_auth_token: Option<NotificationToken>,
}

impl From<Webhook> for WebhookInfo {
    fn from(webhook: Webhook) -> Self {
        WebhookInfo {
            notification_url: webhook.notification_url.into_string(),
            notification_auth_token: webhook.notification_auth_token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_forms_convert_and_read_back() {
        let device = Device {
            network_access_identifier: Some(NetworkAccessIdentifier::parse("a@b.c").unwrap()),
            ..Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap())
        };
        let info = DeviceInfo::from(device.clone());
        assert_eq!(info.to_device().unwrap(), device);
        assert_eq!(
            serde_json::to_value(&info).unwrap(),
            serde_json::to_value(&device).unwrap()
        );
        let server = ApplicationServer::ipv4("198.51.100.0/24".parse().unwrap());
        let info = ApplicationServerInfo::from(server.clone());
        assert_eq!(info.ipv4_network(), Some(Ok(server.ipv4_address.unwrap())));
        assert_eq!(info.ipv6_network(), None);
    }
}
