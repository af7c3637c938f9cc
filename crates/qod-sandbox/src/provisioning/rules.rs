//! `CreateAssignment` and `RetrieveAssignmentByDevice` as QoS Provisioning
//! 0.3.0 defines them: the device is the 1.x `Device`; `sink` and
//! `sinkCredential` follow the 1.x rules.

use crate::profiles::rules::profile_name;
use crate::reply::Reply;
use crate::rules::device::{DeviceIds, device};
use crate::rules::json::{object_body, present, required, string};
use crate::rules::sink::{NotifyTarget, sink, sink_credential};
use crate::wire::Wire;

/// A create request that follows the schema.
#[derive(Debug, Clone)]
pub(crate) struct CreateAssignmentRequest {
    pub(crate) device: Option<DeviceIds>,
    pub(crate) qos_profile: String,
    pub(crate) notify: Option<NotifyTarget>,
    /// The sink as sent.
    pub(crate) sink: Option<String>,
}

/// Reads a create body.
pub(crate) fn create(body: &[u8]) -> Result<CreateAssignmentRequest, Reply> {
    let map = object_body(body)?;
    let qos_profile = profile_name(
        string(required(&map, "qosProfile", "")?, "qosProfile")?,
        "qosProfile",
    )?
    .to_owned();
    let device = present(&map, "device")
        .map(|v| device(v, "device", Wire::V1))
        .transpose()?;
    let sink = present(&map, "sink").map(sink).transpose()?;
    let token = present(&map, "sinkCredential")
        .map(sink_credential)
        .transpose()?
        .flatten();
    Ok(CreateAssignmentRequest {
        device,
        qos_profile,
        notify: sink.clone().map(|url| NotifyTarget { url, token }),
        sink,
    })
}

/// Reads a retrieve body: the device, if given.
pub(crate) fn retrieve(body: &[u8]) -> Result<Option<DeviceIds>, Reply> {
    let map = object_body(body)?;
    present(&map, "device")
        .map(|v| device(v, "device", Wire::V1))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(reply: Reply) -> (u16, String) {
        let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        (
            reply.status.as_u16(),
            body["code"].as_str().unwrap().to_owned(),
        )
    }

    #[test]
    fn creates() {
        let ok = create(br#"{"device":{"phoneNumber":"+14255550100"},"qosProfile":"QOS_L","sink":"https://a.example/n"}"#).unwrap();
        assert_eq!(ok.qos_profile, "QOS_L");
        assert_eq!(ok.sink.as_deref(), Some("https://a.example/n"));
        assert!(
            create(br#"{"qosProfile":"QOS_L"}"#)
                .unwrap()
                .device
                .is_none()
        );
        for (body, expected) in [
            (&br#"{}"#[..], (400, "INVALID_ARGUMENT")),
            (b"", (400, "INVALID_ARGUMENT")),
            (br#"{"qosProfile":"Q"}"#, (400, "INVALID_ARGUMENT")),
            (
                br#"{"qosProfile":"QOS_L","device":{}}"#,
                (400, "INVALID_ARGUMENT"),
            ),
            (
                br#"{"qosProfile":"QOS_L","sink":"http://a.example"}"#,
                (400, "INVALID_SINK"),
            ),
        ] {
            let (status, c) = code(create(body).unwrap_err());
            assert_eq!(
                (status, c.as_str()),
                expected,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
