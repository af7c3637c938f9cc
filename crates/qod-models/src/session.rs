//! QoS sessions: what is sent to create, extend and find them, and what comes back.

use serde::{Deserialize, Serialize};

use crate::open_enum;
use crate::{
    ApplicationServer, ApplicationServerInfo, Device, DeviceInfo, Echoed, PortsSpec,
    QosProfileName, SessionId, SinkCredential, SinkUrl, Timestamp, Webhook, WebhookInfo,
};

open_enum! {
    /// The status of a QoS session (`qosStatus`) or of a QoS assignment
    /// (QoS Provisioning's `status`): both specs define the same three values.
    pub enum QosStatus {
        /// Requested; the network has not provided it yet.
        Requested = "REQUESTED",
        /// The network provides the requested QoS.
        Available = "AVAILABLE",
        /// The QoS is not (or no longer) provided; see [`StatusInfo`] or
        /// [`AssignmentStatusInfo`](crate::AssignmentStatusInfo).
        Unavailable = "UNAVAILABLE",
    }
}

open_enum! {
    /// Why a session became `UNAVAILABLE`.
    pub enum StatusInfo {
        /// The requested duration ran out.
        DurationExpired = "DURATION_EXPIRED",
        /// The network ended the session early.
        NetworkTerminated = "NETWORK_TERMINATED",
        /// The session was deleted on request.
        DeleteRequested = "DELETE_REQUESTED",
    }
}

open_enum! {
    /// The severity of a 0.10.1 session message.
    pub enum Severity {
        /// Information.
        Info = "INFO",
        /// A warning.
        Warning = "WARNING",
    }
}

/// A message attached to a 0.10.1 session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// How serious it is.
    pub severity: Severity,
    /// The text.
    pub description: String,
}

/// The body of `POST /sessions`, for both wire versions.
///
/// 0.10.1 servers take `webhook`; 1.x servers take `sink` and
/// `sinkCredential`. The core refuses the wrong one for the configured
/// version before anything is sent.
///
/// ```
/// use qod_models::{CreateSession, Device, PhoneNumber, QosProfileName};
/// let body = CreateSession::new(
///     Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
///     QosProfileName::parse("QOS_VC").unwrap(),
/// )
/// .with_duration(600);
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"device": {"phoneNumber": "+14250000000"}, "qosProfile": "QOS_VC", "duration": 600})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSession {
    /// The device. Optional in 1.x when a three-legged token identifies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Device>,
    /// The application server. Required by CAMARA, optional at T-Mobile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_server: Option<ApplicationServer>,
    /// Ports on the device the QoS applies to (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_ports: Option<PortsSpec>,
    /// Ports on the application server the QoS applies to (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_server_ports: Option<PortsSpec>,
    /// The QoS profile.
    pub qos_profile: QosProfileName,
    /// Requested duration in seconds. 0.10.1 defaults to 86 400; 1.x requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// 0.10.1 notification target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Webhook>,
    /// 1.x notification target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink: Option<SinkUrl>,
    /// 1.x credential for the sink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink_credential: Option<SinkCredential>,
}

impl CreateSession {
    /// A request for `device` with `qos_profile`; everything else unset.
    pub fn new(device: Device, qos_profile: QosProfileName) -> Self {
        CreateSession {
            device: Some(device),
            ..CreateSession::for_token_device(qos_profile)
        }
    }

    /// A request with `qos_profile` and no device, for a three-legged token
    /// (CIBA, JWT Bearer, authorization code), which names the device
    /// itself: QoD 1.x refuses a device beside it.
    ///
    /// ```
    /// use qod_models::{CreateSession, QosProfileName};
    /// let request = CreateSession::for_token_device(QosProfileName::parse("QOS_E")?)
    ///     .with_duration(600);
    /// assert!(request.device.is_none());
    /// # Ok::<(), qod_models::ValidationError>(())
    /// ```
    pub fn for_token_device(qos_profile: QosProfileName) -> Self {
        CreateSession {
            device: None,
            application_server: None,
            device_ports: None,
            application_server_ports: None,
            qos_profile,
            duration: None,
            webhook: None,
            sink: None,
            sink_credential: None,
        }
    }

    /// Sets the duration in seconds.
    #[must_use]
    pub fn with_duration(mut self, seconds: u32) -> Self {
        self.duration = Some(seconds);
        self
    }

    /// Sets the application server.
    #[must_use]
    pub fn with_application_server(mut self, server: ApplicationServer) -> Self {
        self.application_server = Some(server);
        self
    }

    /// Sets the device ports.
    #[must_use]
    pub fn with_device_ports(mut self, ports: PortsSpec) -> Self {
        self.device_ports = Some(ports);
        self
    }

    /// Sets the application-server ports.
    #[must_use]
    pub fn with_application_server_ports(mut self, ports: PortsSpec) -> Self {
        self.application_server_ports = Some(ports);
        self
    }

    /// Sets the 0.10.1 webhook.
    #[must_use]
    pub fn with_webhook(mut self, webhook: Webhook) -> Self {
        self.webhook = Some(webhook);
        self
    }

    /// Sets the 1.x sink and, optionally, its credential.
    #[must_use]
    pub fn with_sink(mut self, sink: SinkUrl, credential: Option<SinkCredential>) -> Self {
        self.sink = Some(sink);
        self.sink_credential = credential;
        self
    }
}

/// A QoS session as a server describes it, in either wire version.
///
/// Parsing follows the response schemas and is never stricter: unknown
/// fields are ignored, unknown enum values are kept, the id is read from
/// `sessionId` or (a T-Mobile quirk) `id`, and timestamps may be Unix
/// seconds (0.10.1, any `int64`) or RFC 3339 (1.x).
///
/// The fields that echo the request (`device`, `applicationServer`, the
/// ports, `webhook`, `sink`, `sinkCredential`) are [`Echoed`]: kept as
/// received, typed when they parse, and never a reason to refuse the
/// session. Only the session's own fields (id, status, profile, duration,
/// times) must parse.
///
/// ```
/// use qod_models::SessionInfo;
/// let info: SessionInfo = serde_json::from_str(r#"{
///     "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "qosProfile": "QOS_L",
///     "duration": 3600, "qosStatus": "REQUESTED",
///     "device": {"ipv4Address": {"publicAddress": "not an address"}},
///     "applicationServer": {"ipv4Address": "198.51.100.0/24"}
/// }"#).unwrap();
/// let device = info.device.as_ref().unwrap();
/// assert!(device.parsed().is_none());
/// assert_eq!(device.raw()["ipv4Address"]["publicAddress"], "not an address");
/// let server = info.application_server.as_ref().and_then(|s| s.parsed()).unwrap();
/// assert_eq!(server.ipv4_address.as_deref(), Some("198.51.100.0/24"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "SessionInfoWire")]
pub struct SessionInfo {
    /// The session id.
    pub session_id: SessionId,
    /// The device (1.x: only when given at creation; at most one identifier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Echoed<DeviceInfo>>,
    /// The application server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_server: Option<Echoed<ApplicationServerInfo>>,
    /// Device ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_ports: Option<Echoed<PortsSpec>>,
    /// Application-server ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_server_ports: Option<Echoed<PortsSpec>>,
    /// The QoS profile.
    pub qos_profile: QosProfileName,
    /// The 0.10.1 webhook. Its token is a secret: `Debug` hides it, and so
    /// does the `qod` command unless asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Echoed<WebhookInfo>>,
    /// The 1.x sink, as the server wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink: Option<Echoed<String>>,
    /// The 1.x sink credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink_credential: Option<Echoed<SinkCredential>>,
    /// The granted duration in seconds.
    pub duration: u32,
    /// When the session became available (absent while `REQUESTED` in 1.x).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// When it expires, or when it ended once `UNAVAILABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// The status.
    pub qos_status: QosStatus,
    /// Why it is `UNAVAILABLE` (1.x).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_info: Option<StatusInfo>,
    /// Messages (0.10.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<Message>>,
}

/// What is read off the wire before the id is chosen between `sessionId` and `id`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionInfoWire {
    #[serde(default)]
    session_id: Option<SessionId>,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    device: Option<Echoed<DeviceInfo>>,
    #[serde(default)]
    application_server: Option<Echoed<ApplicationServerInfo>>,
    #[serde(default)]
    device_ports: Option<Echoed<PortsSpec>>,
    #[serde(default)]
    application_server_ports: Option<Echoed<PortsSpec>>,
    qos_profile: QosProfileName,
    #[serde(default)]
    webhook: Option<Echoed<WebhookInfo>>,
    #[serde(default)]
    sink: Option<Echoed<String>>,
    #[serde(default)]
    sink_credential: Option<Echoed<SinkCredential>>,
    duration: u32,
    #[serde(default)]
    started_at: Option<Timestamp>,
    #[serde(default)]
    expires_at: Option<Timestamp>,
    qos_status: QosStatus,
    #[serde(default)]
    status_info: Option<StatusInfo>,
    #[serde(default)]
    messages: Option<Vec<Message>>,
}

impl TryFrom<SessionInfoWire> for SessionInfo {
    type Error = String;

    fn try_from(wire: SessionInfoWire) -> Result<Self, String> {
        let session_id = match (wire.session_id, wire.id) {
            (Some(id), _) => id,
            (None, Some(serde_json::Value::String(id))) => {
                SessionId::parse(&id).map_err(|e| format!("id: {e}"))?
            }
            (None, Some(_)) => return Err("id: must be a UUID string".to_owned()),
            (None, None) => return Err("missing field `sessionId`".to_owned()),
        };
        Ok(SessionInfo {
            session_id,
            device: wire.device,
            application_server: wire.application_server,
            device_ports: wire.device_ports,
            application_server_ports: wire.application_server_ports,
            qos_profile: wire.qos_profile,
            webhook: wire.webhook,
            sink: wire.sink,
            sink_credential: wire.sink_credential,
            duration: wire.duration,
            started_at: wire.started_at,
            expires_at: wire.expires_at,
            qos_status: wire.qos_status,
            status_info: wire.status_info,
            messages: wire.messages,
        })
    }
}

/// The body of `POST /sessions/{id}/extend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtendSessionDuration {
    /// Seconds to add (0.10.1: 1..=86 399; 1.x: at least 1).
    pub requested_additional_duration: u32,
}

/// The body of 1.x `POST /retrieve-sessions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetrieveSessionsInput {
    /// The device (omit with a three-legged token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Device>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_id_as_session_id() {
        let body = r#"{"id":"123e4567-e89b-12d3-a456-426614174000","qosProfile":"QOS_VC",
            "duration":86400,"startedAt":1639479600,"expiresAt":1639566000,"qosStatus":"AVAILABLE"}"#;
        let info: SessionInfo = serde_json::from_str(body).unwrap();
        assert_eq!(
            info.session_id.to_string(),
            "123e4567-e89b-12d3-a456-426614174000"
        );
        let missing = r#"{"qosProfile":"QOS_VC","duration":1,"qosStatus":"AVAILABLE"}"#;
        let err = serde_json::from_str::<SessionInfo>(missing).unwrap_err();
        assert!(err.to_string().contains("sessionId"));
    }

    #[test]
    fn keeps_unknown_status() {
        let body = r#"{"sessionId":"123e4567-e89b-12d3-a456-426614174000","qosProfile":"QOS_VC",
            "duration":60,"qosStatus":"PENDING","extra":{"nested":true}}"#;
        let info: SessionInfo = serde_json::from_str(body).unwrap();
        assert_eq!(info.qos_status, QosStatus::Unknown("PENDING".into()));
        let again = serde_json::to_value(&info).unwrap();
        assert_eq!(again["qosStatus"], "PENDING");
    }

    #[test]
    fn echoes_that_do_not_parse_keep_the_session() {
        let body = r#"{"sessionId":"123e4567-e89b-12d3-a456-426614174000","qosProfile":"QOS_VC",
            "duration":60,"qosStatus":"AVAILABLE","startedAt":253402300800,"expiresAt":-1,
            "device":{"ipv4Address":{"privateAddress":"10.0.0.1"}},
            "applicationServer":{"ipv4Address":"anything at all"},
            "devicePorts":{"ports":[70000]},"applicationServerPorts":"all of them",
            "webhook":{"notificationAuthToken":"CANARY-token-of-twenty-chars"},
            "sink":{"not":"a string"},"sinkCredential":{"credentialType":5}}"#;
        let info: SessionInfo = serde_json::from_str(body).unwrap();
        assert_eq!(info.qos_status, QosStatus::Available);
        assert_eq!(
            info.started_at.map(|t| t.unix_seconds()),
            Some(253_402_300_800)
        );
        let server = info.application_server.as_ref().and_then(Echoed::parsed);
        assert_eq!(
            server.and_then(|s| s.ipv4_address.as_deref()),
            Some("anything at all")
        );
        for (name, unparsed) in [
            ("device", info.device.as_ref().map(Echoed::parse_error)),
            (
                "devicePorts",
                info.device_ports.as_ref().map(Echoed::parse_error),
            ),
            (
                "applicationServerPorts",
                info.application_server_ports
                    .as_ref()
                    .map(Echoed::parse_error),
            ),
            ("webhook", info.webhook.as_ref().map(Echoed::parse_error)),
            ("sink", info.sink.as_ref().map(Echoed::parse_error)),
            (
                "sinkCredential",
                info.sink_credential.as_ref().map(Echoed::parse_error),
            ),
        ] {
            assert!(matches!(unparsed, Some(Some(_))), "{name} should not parse");
        }
        let again: serde_json::Value = serde_json::to_value(&info).unwrap();
        let sent: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(again, sent, "echoes are written back as received");
        assert!(!format!("{info:?}").contains("CANARY"));
    }
}
