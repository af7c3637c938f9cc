//! A stored session as each version's `SessionInfo` describes it. Request
//! data is echoed as the JSON that was sent.

use std::time::Duration;

use crate::http::json::{Object, rfc3339, unix};
use crate::life::Status;
use crate::sessions::lifecycle::Session;
use crate::wire::Wire;

/// The session's `SessionInfo`, as JSON.
pub(crate) fn session_info(session: &Session) -> String {
    let echoes = &session.echoes;
    let mut out = Object::new();
    out.string("sessionId", &session.id.to_string());
    out.raw("device", echoes.device.as_deref());
    out.raw("applicationServer", echoes.application_server.as_deref());
    out.raw("devicePorts", echoes.device_ports.as_deref());
    out.raw(
        "applicationServerPorts",
        echoes.application_server_ports.as_deref(),
    );
    out.string("qosProfile", &session.profile);
    let duration = i64::try_from(session.duration.min(i32::MAX as u64)).unwrap_or(i64::MAX);
    match session.wire {
        Wire::V0 => {
            out.raw("webhook", echoes.webhook.as_deref());
            out.number("duration", duration);
            // 0.10.1 requires both; while REQUESTED they give the planned window.
            let started = session.life.started_at.unwrap_or(session.life.created_at);
            let expires = session
                .expires_at
                .unwrap_or(session.life.created_at + Duration::from_secs(session.duration));
            out.number("startedAt", unix(started));
            out.number("expiresAt", unix(expires));
            out.string("qosStatus", session.life.status.as_str());
        }
        Wire::V1 => {
            if let Some(sink) = echoes.sink.as_deref() {
                out.string("sink", sink);
            }
            // The sink credential is the caller's secret: never echoed.
            out.number("duration", duration);
            if let Some(started) = session.life.started_at {
                out.string("startedAt", &rfc3339(started));
            }
            if session.life.status != Status::Requested
                && let Some(expires) = session.expires_at
            {
                out.string("expiresAt", &rfc3339(expires));
            }
            out.string("qosStatus", session.life.status.as_str());
            if let Some(reason) = session.life.reason {
                out.string("statusInfo", reason.as_str());
            }
        }
    }
    out.finish()
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
            device: Some(r#"{"phoneNumber":"+14255550100"}"#.into()),
            sink: Some("https://example.com/a\"b".into()),
            ..Echoes::default()
        };
        let mut v1 = Session::new(Plan {
            echoes: echoes.clone(),
            ..plan(Wire::V1, t0)
        });
        let requested: Value = serde_json::from_str(&session_info(&v1)).unwrap();
        assert_eq!(requested["qosStatus"], "REQUESTED");
        assert!(requested.get("startedAt").is_none());
        assert!(requested.get("expiresAt").is_none());
        assert_eq!(requested["sink"], "https://example.com/a\"b");
        assert_eq!(requested["device"], json!({"phoneNumber": "+14255550100"}));
        v1.advance(t0 + Duration::from_secs(2));
        let available: Value = serde_json::from_str(&session_info(&v1)).unwrap();
        assert_eq!(available["startedAt"], "2023-11-14T22:13:22Z");
        assert_eq!(available["expiresAt"], "2023-11-14T22:23:22Z");
        v1.delete(t0 + Duration::from_secs(62));
        let ended: Value = serde_json::from_str(&session_info(&v1)).unwrap();
        assert_eq!(ended["statusInfo"], "DELETE_REQUESTED");
        assert_eq!(ended["duration"], 60);

        let v0 = Session::new(Plan {
            echoes,
            ..plan(Wire::V0, t0)
        });
        let v0: Value = serde_json::from_str(&session_info(&v0)).unwrap();
        assert_eq!(v0["startedAt"], 1_700_000_000);
        assert_eq!(v0["expiresAt"], 1_700_000_600);
        assert!(v0.get("sink").is_none());
        assert!(v0.get("statusInfo").is_none());
    }
}
