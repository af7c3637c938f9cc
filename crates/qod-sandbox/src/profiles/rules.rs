//! QoS Profiles: the profile name, and the body of `retrieve-qos-profiles`.

use crate::reply::Reply;
use crate::rules::device::{DeviceIds, device};
use crate::rules::json::{object_body, present, string};
use crate::wire::Wire;

/// The profile statuses.
pub(crate) const STATUSES: [&str; 3] = ["ACTIVE", "INACTIVE", "DEPRECATED"];

/// `QosProfileName`: 3 to 256 characters of `^[a-zA-Z0-9_.-]+$`.
pub(crate) fn profile_name<'a>(text: &'a str, path: &str) -> Result<&'a str, Reply> {
    if !(3..=256).contains(&text.len()) {
        return Err(Reply::schema(path, "must be 3 to 256 characters long"));
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(Reply::schema(path, "must match ^[a-zA-Z0-9_.-]+$"));
    }
    Ok(text)
}

/// A `QosProfileDeviceRequest`.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileQuery {
    pub(crate) device: Option<DeviceIds>,
    pub(crate) name: Option<String>,
    pub(crate) status: Option<&'static str>,
}

/// Reads the body of `POST /retrieve-qos-profiles`.
pub(crate) fn retrieve_query(body: &[u8]) -> Result<ProfileQuery, Reply> {
    let map = object_body(body)?;
    let device = present(&map, "device")
        .map(|v| device(v, "device", Wire::V1))
        .transpose()?;
    let name = present(&map, "name")
        .map(|v| profile_name(string(v, "name")?, "name").map(str::to_owned))
        .transpose()?;
    let status = present(&map, "status")
        .map(|v| {
            let text = string(v, "status")?;
            STATUSES
                .into_iter()
                .find(|s| *s == text)
                .ok_or_else(|| Reply::schema("status", "must be ACTIVE, INACTIVE or DEPRECATED"))
        })
        .transpose()?;
    Ok(ProfileQuery {
        device,
        name,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(profile_name("QOS_E", "name").is_ok());
        assert!(profile_name("a.b-c_9", "name").is_ok());
        for bad in ["ab", "QOS E", "QOS%20E", "Ä_QOS", &"x".repeat(257)] {
            assert!(profile_name(bad, "name").is_err(), "{bad}");
        }
        assert!(profile_name(&"x".repeat(256), "name").is_ok());
    }

    #[test]
    fn queries() {
        let query = retrieve_query(br#"{"name":"QOS_E","status":"ACTIVE"}"#).unwrap();
        assert_eq!(query.name.as_deref(), Some("QOS_E"));
        assert_eq!(query.status, Some("ACTIVE"));
        assert!(retrieve_query(b"{}").unwrap().device.is_none());
        for bad in [
            &br#"{"status":"GONE"}"#[..],
            br#"{"name":"ab"}"#,
            br#"{"name":7}"#,
            br#"{"device":{}}"#,
            br#"{"device":"+14255550100"}"#,
            b"[]",
            b"",
        ] {
            assert!(
                retrieve_query(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
