//! A stored session as each version's `SessionInfo` describes it. Request
//! data is echoed as it was sent.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::life::Status;
use crate::reply::json::{Instant, rfc3339, unix};
use crate::sessions::lifecycle::Session;
use crate::wire::Wire;

/// `SessionInfo`, in the order both versions list its fields; each version
/// leaves out what it does not have.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionInfo<'a> {
    session_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    device: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    application_server: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_ports: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    application_server_ports: Option<&'a Value>,
    qos_profile: &'a str,
    /// 0.10.1 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook: Option<&'a Value>,
    /// 1.x only. The sink credential is the caller's secret: never echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    sink: Option<&'a str>,
    duration: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<Instant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<Instant>,
    qos_status: &'static str,
    /// 1.x only.
    #[serde(skip_serializing_if = "Option::is_none")]
    status_info: Option<&'static str>,
}

/// The session's `SessionInfo`.
pub(crate) fn session_info(session: &Session) -> SessionInfo<'_> {
    let echoes = &session.echoes;
    let life = &session.life;
    let duration = i64::try_from(session.duration.min(i32::MAX as u64)).unwrap_or(i64::MAX);
    let (started_at, expires_at, status_info) = match session.wire {
        Wire::V0 => {
            // 0.10.1 requires both; while REQUESTED they give the planned window.
            let started = life.started_at.unwrap_or(life.created_at);
            let expires = session
                .expires_at
                .unwrap_or(life.created_at + Duration::from_secs(session.duration));
            (
                Some(Instant::Seconds(unix(started))),
                Some(Instant::Seconds(unix(expires))),
                None,
            )
        }
        Wire::V1 => (
            life.started_at.map(|at| Instant::Text(rfc3339(at))),
            session
                .expires_at
                .filter(|_| life.status != Status::Requested)
                .map(|at| Instant::Text(rfc3339(at))),
            life.reason.map(|reason| reason.as_str()),
        ),
    };
    SessionInfo {
        session_id: session.id,
        device: echoes.device.as_ref(),
        application_server: echoes.application_server.as_ref(),
        device_ports: echoes.device_ports.as_ref(),
        application_server_ports: echoes.application_server_ports.as_ref(),
        qos_profile: &session.profile,
        webhook: echoes.webhook.as_ref().filter(|_| session.wire == Wire::V0),
        sink: echoes.sink.as_deref().filter(|_| session.wire == Wire::V1),
        duration,
        started_at,
        expires_at,
        qos_status: life.status.as_str(),
        status_info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::lifecycle::tests::plan;
    use crate::sessions::lifecycle::{Echoes, Plan};
    use serde_json::{Value, json};
    use std::time::SystemTime;

    #[test]
    fn both_versions() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let echoes = Echoes {
            device: Some(json!({"phoneNumber": "+14255550100"})),
            sink: Some("https://example.com/a\"b".into()),
            ..Echoes::default()
        };
        let mut v1 = Session::new(Plan {
            echoes: echoes.clone(),
            ..plan(Wire::V1, t0)
        });
        let requested: Value = serde_json::to_value(session_info(&v1)).unwrap();
        assert_eq!(requested["qosStatus"], "REQUESTED");
        assert!(requested.get("startedAt").is_none());
        assert!(requested.get("expiresAt").is_none());
        assert_eq!(requested["sink"], "https://example.com/a\"b");
        assert_eq!(requested["device"], json!({"phoneNumber": "+14255550100"}));
        v1.advance(t0 + Duration::from_secs(2));
        let available: Value = serde_json::to_value(session_info(&v1)).unwrap();
        assert_eq!(available["startedAt"], "2023-11-14T22:13:22Z");
        assert_eq!(available["expiresAt"], "2023-11-14T22:23:22Z");
        v1.delete(t0 + Duration::from_secs(62));
        let ended: Value = serde_json::to_value(session_info(&v1)).unwrap();
        assert_eq!(ended["statusInfo"], "DELETE_REQUESTED");
        assert_eq!(ended["duration"], 60);

        let v0 = Session::new(Plan {
            echoes,
            ..plan(Wire::V0, t0)
        });
        let v0: Value = serde_json::to_value(session_info(&v0)).unwrap();
        assert_eq!(v0["startedAt"], 1_700_000_000);
        assert_eq!(v0["expiresAt"], 1_700_000_600);
        assert!(v0.get("sink").is_none());
        assert!(v0.get("statusInfo").is_none());
    }
}
