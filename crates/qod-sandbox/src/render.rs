//! A stored session as each wire version describes it.

use std::time::{Duration, SystemTime};

use qod_models::{
    ApplicationServerInfo, Device, DeviceInfo, Echoed, SessionInfo, Timestamp, TimestampFormat,
    WebhookInfo,
};
use serde::Serialize;

use crate::lifecycle::{Session, Wire};

/// Whole seconds, in the version's format.
fn timestamp(at: SystemTime, wire: Wire) -> Option<Timestamp> {
    let seconds = at.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    let ts = Timestamp::from_unix(i64::try_from(seconds).ok()?)?;
    Some(match wire {
        Wire::V0 => ts,
        Wire::V1 => ts.with_format(TimestampFormat::Rfc3339),
    })
}

/// 1.x returns at most one identifier: the one the session applies to.
fn single_identifier(device: &Device) -> Device {
    if let Some(phone) = &device.phone_number {
        Device::with_phone_number(phone.clone())
    } else if let Some(nai) = &device.network_access_identifier {
        Device {
            network_access_identifier: Some(nai.clone()),
            ..Device::default()
        }
    } else if let Some(ipv4) = &device.ipv4_address {
        Device::with_ipv4(ipv4.clone())
    } else {
        Device {
            ipv6_address: device.ipv6_address,
            ..Device::default()
        }
    }
}

/// The request's value as the response echoes it.
fn echo<T: Serialize>(value: Option<T>) -> Option<Echoed<T>> {
    value.and_then(|v| Echoed::new(v).ok())
}

pub(crate) fn session_info(session: &Session) -> SessionInfo {
    let request = &session.request;
    let (started_at, expires_at) = match session.wire {
        // 0.10.1 requires both; while REQUESTED they describe the planned window.
        Wire::V0 => (
            Some(session.started_at.unwrap_or(session.created_at)),
            Some(
                session
                    .expires_at
                    .unwrap_or(session.created_at + Duration::from_secs(session.duration)),
            ),
        ),
        Wire::V1 => (session.started_at, session.expires_at),
    };
    SessionInfo {
        session_id: session.id,
        device: echo(
            match session.wire {
                Wire::V0 => request.device.clone(),
                Wire::V1 => request.device.as_ref().map(single_identifier),
            }
            .map(DeviceInfo::from),
        ),
        application_server: echo(
            request
                .application_server
                .clone()
                .map(ApplicationServerInfo::from),
        ),
        device_ports: echo(request.device_ports.clone()),
        application_server_ports: echo(request.application_server_ports.clone()),
        qos_profile: request.qos_profile.clone(),
        webhook: echo(request.webhook.clone().map(WebhookInfo::from)),
        sink: echo(request.sink.as_ref().map(|s| s.as_str().to_owned())),
        // The sink credential is a secret of the caller's: it is not echoed.
        sink_credential: None,
        duration: u32::try_from(session.duration).unwrap_or(u32::MAX),
        started_at: started_at.and_then(|at| timestamp(at, session.wire)),
        expires_at: expires_at.and_then(|at| timestamp(at, session.wire)),
        qos_status: session.status.clone(),
        status_info: match session.wire {
            Wire::V0 => None,
            Wire::V1 => session.status_info.clone(),
        },
        messages: None,
    }
}
