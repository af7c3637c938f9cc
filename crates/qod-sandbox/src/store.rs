//! All sessions, the rule against overlapping sessions for one device, and
//! the notifications their changes produce.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use qod_models::{
    Device, EventType, QosStatusChangedData, QosStatusChangedEvent, SessionId, Timestamp,
};

use crate::lifecycle::{Session, Transition, Wire};

/// An event to POST, and where.
#[derive(Debug, Clone)]
pub(crate) struct Notification {
    pub(crate) url: String,
    pub(crate) token: Option<String>,
    pub(crate) event: QosStatusChangedEvent,
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    sessions: HashMap<SessionId, Session>,
    base_url: String,
}

/// Whether two devices share an identifier.
pub(crate) fn same_device(a: &Device, b: &Device) -> bool {
    let phone = |d: &Device| {
        d.phone_number
            .as_ref()
            .map(|p| p.as_str().trim_start_matches('+').to_owned())
    };
    (phone(a).is_some() && phone(a) == phone(b))
        || (a.network_access_identifier.is_some()
            && a.network_access_identifier == b.network_access_identifier)
        || (a.ipv6_address.is_some() && a.ipv6_address == b.ipv6_address)
        || match (&a.ipv4_address, &b.ipv4_address) {
            (Some(x), Some(y)) => {
                x.public_address == y.public_address
                    && ((x.public_port.is_some() && x.public_port == y.public_port)
                        || (x.private_address.is_some() && x.private_address == y.private_address))
            }
            _ => false,
        }
}

impl Store {
    pub(crate) fn new(base_url: String) -> Self {
        Store {
            sessions: HashMap::new(),
            base_url,
        }
    }

    /// Advances every session to `now`, forgets long-ended ones, and returns
    /// the notifications due.
    pub(crate) fn tick(&mut self, now: SystemTime, retain: Duration) -> Vec<Notification> {
        let mut due = Vec::new();
        for session in self.sessions.values_mut() {
            for change in session.advance(now) {
                due.extend(notification(&self.base_url, session, &change, now));
            }
        }
        self.sessions.retain(|_, s| !s.is_expired(now, retain));
        due
    }

    /// The active session that blocks a new one for `device`, if any.
    pub(crate) fn conflict(&self, device: &Device) -> Option<SessionId> {
        self.sessions
            .values()
            .filter(|s| s.is_active())
            .find(|s| {
                s.request
                    .device
                    .as_ref()
                    .is_some_and(|d| same_device(d, device))
            })
            .map(|s| s.id)
    }

    pub(crate) fn insert(&mut self, session: Session) {
        self.sessions.insert(session.id, session);
    }

    pub(crate) fn get(&self, id: &SessionId) -> Option<&Session> {
        self.sessions.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &SessionId) -> Option<&mut Session> {
        self.sessions.get_mut(id)
    }

    /// Deletes a session, returning the notification when one is due.
    pub(crate) fn delete(
        &mut self,
        id: &SessionId,
        now: SystemTime,
    ) -> Option<Option<Notification>> {
        let session = self.sessions.get_mut(id)?;
        let change = session.delete(now);
        Some(change.and_then(|c| notification(&self.base_url, session, &c, now)))
    }

    /// The sessions of `device` created in `wire`.
    pub(crate) fn for_device(&self, device: &Device, wire: Wire) -> Vec<&Session> {
        let mut found: Vec<&Session> = self
            .sessions
            .values()
            .filter(|s| {
                s.wire == wire
                    && s.request
                        .device
                        .as_ref()
                        .is_some_and(|d| same_device(d, device))
            })
            .collect();
        found.sort_by_key(|s| s.created_at);
        found
    }

    pub(crate) fn len(&self) -> usize {
        self.sessions.len()
    }
}

fn notification(
    base_url: &str,
    session: &Session,
    change: &Transition,
    now: SystemTime,
) -> Option<Notification> {
    let (url, token, event_type, path) = match session.wire {
        Wire::V0 => {
            let webhook = session.request.webhook.as_ref()?;
            (
                webhook.notification_url.as_str().to_owned(),
                webhook
                    .notification_auth_token
                    .as_ref()
                    .map(|t| t.expose().to_owned()),
                EventType::QodV0StatusChanged,
                "/qod/v0",
            )
        }
        Wire::V1 => (
            session.request.sink.as_ref()?.as_str().to_owned(),
            session
                .request
                .sink_credential
                .as_ref()
                .and_then(|c| c.access_token.as_ref())
                .map(|t| t.expose().to_owned()),
            EventType::QualityOnDemandV1StatusChanged,
            "/quality-on-demand/v1",
        ),
    };
    Some(Notification {
        url,
        token,
        event: QosStatusChangedEvent {
            id: uuid::Uuid::new_v4().to_string(),
            source: format!("{base_url}{path}/sessions/{}", session.id),
            specversion: "1.0".to_owned(),
            event_type,
            time: Timestamp::from_datetime(now.into()),
            datacontenttype: Some("application/json".to_owned()),
            data: QosStatusChangedData {
                session_id: session.id,
                qos_status: change.status.clone(),
                status_info: change.info.clone(),
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use qod_models::{DeviceIpv4Address, PhoneNumber};

    #[test]
    fn devices_match_on_any_shared_identifier() {
        let plus = Device::with_phone_number(PhoneNumber::parse("+14255550100").unwrap());
        let bare = Device::with_phone_number(PhoneNumber::parse("14255550100").unwrap());
        assert!(same_device(&plus, &bare));
        let ip = |port| {
            Device::with_ipv4(DeviceIpv4Address::with_port(
                "203.0.113.9".parse().unwrap(),
                port,
            ))
        };
        assert!(same_device(&ip(1000), &ip(1000)));
        assert!(!same_device(&ip(1000), &ip(1001)));
        assert!(!same_device(&plus, &ip(1000)));
    }
}
