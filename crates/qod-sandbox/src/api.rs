//! The QoD operations: sessions (0.10.1 and 1.1.0) and QoS profiles, each
//! checked by the sandbox's own reading of the spec ([`crate::rules`]).

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use http::StatusCode;

use crate::caller::Caller;
use crate::catalogue::{Audience, Catalogue};
use crate::config::SandboxConfig;
use crate::events::Notification;
use crate::lifecycle::{Echoes, Plan, Session, Status};
use crate::provisioning::store::AssignmentStore;
use crate::render::session_info;
use crate::reply::{Reply, code};
use crate::rules::device::{DeviceIds, device};
use crate::rules::json::{object_body, present};
use crate::rules::profiles::{profile_name, retrieve_query};
use crate::rules::session::{self as session_rules, MAX_DURATION_V0};
use crate::rules::session_id;
use crate::stats::{Counters, bump};
use crate::store::Store;
use crate::test_assets::{KnownDevice, known_device};
use crate::wire::Wire;

pub(crate) struct Api {
    pub(crate) config: SandboxConfig,
    pub(crate) counters: Arc<Counters>,
    store: Mutex<Store>,
    /// QoS Provisioning's assignments ([`crate::provisioning`]).
    pub(crate) assignments: Mutex<AssignmentStore>,
    pub(crate) catalogue: Catalogue,
    notifier: Mutex<Sender<Notification>>,
}

fn not_found(wire: Wire) -> Reply {
    Reply::not_found(match wire {
        Wire::V0 => "Session Id does not exist",
        Wire::V1 => "The specified resource is not found.",
    })
}

fn not_yours() -> Reply {
    Reply::forbidden(
        "Client does not have sufficient permissions to perform this action: the session was created by another client.",
    )
}

/// A 1.x device, as the sandbox's test assets know it, or the 404/422 it gets.
pub(crate) fn known_v1_device(device: &DeviceIds) -> Result<KnownDevice, Reply> {
    if !device.has_supported_identifier(Wire::V1) {
        return Err(Reply::unprocessable(
            code::UNSUPPORTED_IDENTIFIER,
            "The identifier provided is not supported.",
        ));
    }
    match known_device(device.phone.as_deref()) {
        KnownDevice::Unknown => Err(Reply::error(
            StatusCode::NOT_FOUND,
            code::IDENTIFIER_NOT_FOUND,
            "Device identifier not found.",
        )),
        KnownDevice::NotApplicable => Err(Reply::unprocessable(
            code::SERVICE_NOT_APPLICABLE,
            "The service is not available for the provided identifier.",
        )),
        known => Ok(known),
    }
}

pub(crate) fn missing_device() -> Reply {
    Reply::unprocessable(code::MISSING_IDENTIFIER, "The device cannot be identified.")
}

impl Api {
    pub(crate) fn new(config: SandboxConfig, counters: Arc<Counters>, base_url: String) -> Self {
        let notifier = crate::notifier::start(counters.clone());
        let store = Store::new(base_url.clone(), config.retain_ended_for);
        let assignments = AssignmentStore::new(base_url, config.retain_ended_for);
        Api {
            config,
            counters,
            store: Mutex::new(store),
            assignments: Mutex::new(assignments),
            catalogue: Catalogue::default(),
            notifier: Mutex::new(notifier),
        }
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.config.clock.now()
    }

    /// Locks the store with every session due brought up to now, sending
    /// what changed.
    fn store(&self) -> MutexGuard<'_, Store> {
        let mut store = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let due = store.advance(self.now());
        self.notify(due);
        store
    }

    pub(crate) fn notify(&self, due: impl IntoIterator<Item = Notification>) {
        let sender = self
            .notifier
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for notification in due {
            if sender.send(notification).is_err() {
                log::warn!("the notification thread is gone; dropping a notification");
            }
        }
    }

    /// Advances the sessions due (called by the ticker, so that
    /// notifications go out on time).
    pub(crate) fn tick(&self) {
        drop(self.store());
        drop(self.assignments());
    }

    /// How many sessions are stored.
    pub(crate) fn session_count(&self) -> usize {
        self.store().len()
    }

    pub(crate) fn create(&self, wire: Wire, caller: Caller, body: &[u8]) -> Reply {
        match self.try_create(wire, caller, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_create(&self, wire: Wire, caller: Caller, body: &[u8]) -> Result<Reply, Reply> {
        let request = session_rules::create(wire, body)?;
        let device = request.device.as_ref().ok_or_else(missing_device)?;
        let known = match wire {
            Wire::V1 => known_v1_device(device)?,
            // 0.10.1 has no answer for an unknown or unsuitable device.
            Wire::V0 => match known_device(device.phone.as_deref()) {
                known @ (KnownDevice::NetworkTerminated | KnownDevice::Partner) => known,
                _ => KnownDevice::Ordinary,
            },
        };
        let not_applicable = |message: &str| match wire {
            Wire::V1 => Reply::unprocessable(code::SERVICE_NOT_APPLICABLE, message),
            Wire::V0 => Reply::invalid(message),
        };
        let profile = self.catalogue.get(&request.qos_profile).ok_or_else(|| {
            Reply::schema(
                "qosProfile",
                &format!("unknown QoS profile {}", request.qos_profile),
            )
        })?;
        if profile.status.as_str() != "ACTIVE" {
            let message = format!(
                "The requested QoS Profile is currently not available for session creation ({}).",
                profile.status.as_str()
            );
            return Err(match wire {
                Wire::V1 => Reply::unprocessable(code::QOS_PROFILE_NOT_APPLICABLE, &message),
                Wire::V0 => Reply::invalid(&message),
            });
        }
        if !self.catalogue.available_to(&request.qos_profile, known) {
            return Err(not_applicable(&format!(
                "The QoS profile {} is not available for the provided device.",
                request.qos_profile
            )));
        }
        let duration = u64::from(request.duration.unwrap_or(MAX_DURATION_V0));
        let (min, max) = Catalogue::limits(profile);
        if duration < min || duration > max {
            let message = format!(
                "The requested duration is out of the allowed range for the specific QoS profile ({min} to {max} seconds)"
            );
            return Err(match wire {
                Wire::V0 => Reply::out_of_range(&message),
                Wire::V1 => Reply::error(
                    StatusCode::BAD_REQUEST,
                    code::DURATION_OUT_OF_RANGE,
                    &message,
                ),
            });
        }
        let identity = device.identity(wire);
        let now = self.now();
        let mut store = self.store();
        if store.conflict(&identity).is_some() {
            return Err(Reply::error(
                StatusCode::CONFLICT,
                code::CONFLICT,
                "Conflict with an existing session for the same device.",
            ));
        }
        if store.len() >= self.config.max_sessions {
            return Err(Reply::error(
                StatusCode::TOO_MANY_REQUESTS,
                code::QUOTA_EXCEEDED,
                &format!(
                    "Out of resource quota: this sandbox holds at most {} sessions, ended ones included until {} s after they end.",
                    self.config.max_sessions,
                    self.config.retain_ended_for.as_secs()
                ),
            ));
        }
        // T-Mobile answers a create with AVAILABLE; CAMARA 1.x with REQUESTED.
        let at_once = wire == Wire::V0 && !self.config.v0_requested_phase;
        let delay = if at_once {
            Duration::ZERO
        } else {
            self.config.available_after
        };
        let mut session = Session::new(Plan {
            id: uuid::Uuid::new_v4(),
            wire,
            owner: caller.client,
            profile: request.qos_profile.into(),
            identity,
            echoes: Echoes {
                device: Some(device.echo(wire).into()),
                application_server: request.application_server.map(Into::into),
                device_ports: request.device_ports.map(Into::into),
                application_server_ports: request.application_server_ports.map(Into::into),
                webhook: request.webhook.map(Into::into),
                sink: request.sink.map(Into::into),
            },
            notify: request.notify,
            duration,
            now,
            available_at: now + delay,
            refused: known == KnownDevice::NetworkTerminated,
        });
        let changes = if at_once {
            session.advance(now)
        } else {
            Vec::new()
        };
        let info = session_info(&session);
        let notifications = store.insert(session, &changes, now);
        drop(store);
        self.notify(notifications);
        bump(&self.counters.sessions_created);
        Ok(Reply::raw_json(StatusCode::CREATED, info.into_bytes()))
    }

    /// The session `id` of `caller` in `wire`, under the store's lock.
    fn owned<'s>(
        store: &'s Store,
        wire: Wire,
        caller: Caller,
        id: &uuid::Uuid,
    ) -> Result<&'s Session, Reply> {
        let session = store
            .get(id)
            .filter(|s| s.wire == wire)
            .ok_or_else(|| not_found(wire))?;
        if session.owner != caller.client {
            return Err(not_yours());
        }
        Ok(session)
    }

    pub(crate) fn get(&self, wire: Wire, caller: Caller, id: &str) -> Reply {
        let result = session_id(id).and_then(|id| {
            let store = self.store();
            Self::owned(&store, wire, caller, &id).map(session_info)
        });
        match result {
            Ok(info) => Reply::raw_json(StatusCode::OK, info.into_bytes()),
            Err(reply) => reply,
        }
    }

    pub(crate) fn delete(&self, wire: Wire, caller: Caller, id: &str) -> Reply {
        let id = match session_id(id) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        let now = self.now();
        let mut store = self.store();
        if let Err(reply) = Self::owned(&store, wire, caller, &id) {
            return reply;
        }
        let notification = store
            .update(&id, now, |session| ((), session.delete(now)))
            .and_then(|(_, notification)| notification);
        drop(store);
        self.notify(notification);
        Reply::empty(StatusCode::NO_CONTENT)
    }

    pub(crate) fn extend(&self, wire: Wire, caller: Caller, id: &str, body: &[u8]) -> Reply {
        match self.try_extend(wire, caller, id, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_extend(
        &self,
        wire: Wire,
        caller: Caller,
        id: &str,
        body: &[u8],
    ) -> Result<Reply, Reply> {
        let id = session_id(id)?;
        let additional = session_rules::extend(wire, body)?;
        let now = self.now();
        let mut store = self.store();
        let session = Self::owned(&store, wire, caller, &id)?;
        if session.status != Status::Available {
            return Err(match wire {
                Wire::V0 => Reply::invalid("The target session is inactive"),
                Wire::V1 => Reply::error(
                    StatusCode::CONFLICT,
                    code::SESSION_EXTENSION_NOT_ALLOWED,
                    &format!(
                        "Extending the session duration is not allowed in the current state ({}). The session must be in the AVAILABLE state.",
                        session.status.as_str()
                    ),
                ),
            });
        }
        let profile_max = self
            .catalogue
            .get(&session.profile)
            .map_or(u64::from(MAX_DURATION_V0), |p| Catalogue::limits(p).1);
        let info = store
            .update(&id, now, |session| {
                session.extend(now, u64::from(additional), profile_max);
                (session_info(session), None)
            })
            .map(|(info, _)| info)
            .ok_or_else(|| not_found(wire))?;
        Ok(Reply::raw_json(StatusCode::OK, info.into_bytes()))
    }

    /// 1.x `POST /retrieve-sessions`: the caller's sessions for a device.
    pub(crate) fn retrieve_sessions(&self, caller: Caller, body: &[u8]) -> Reply {
        let device = object_body(body).and_then(|map| {
            present(&map, "device")
                .map(|v| device(v, "device", Wire::V1))
                .transpose()
        });
        let device = match device {
            Ok(Some(device)) => device,
            Ok(None) => return missing_device(),
            Err(reply) => return reply,
        };
        if let Err(reply) = known_v1_device(&device) {
            return reply;
        }
        let store = self.store();
        let sessions = store.for_device(&device.identity(Wire::V1), Wire::V1, caller.client);
        let mut body = String::from("[");
        for (n, session) in sessions.into_iter().enumerate() {
            if n > 0 {
                body.push(',');
            }
            body.push_str(&session_info(session));
        }
        body.push(']');
        Reply::raw_json(StatusCode::OK, body.into_bytes())
    }

    /// `GET .../qos-profiles/{name}`.
    pub(crate) fn profile(&self, name: &str) -> Reply {
        if let Err(reply) = profile_name(name, "name") {
            return reply;
        }
        match self.catalogue.get(name) {
            Some(profile) => Reply::json(StatusCode::OK, profile),
            None => Reply::not_found("QosProfile Id does not exist"),
        }
    }

    /// 0.10.1 `GET /qos-profiles?name=&status=`: 404 when nothing matches.
    /// Both parameters are plain strings there, so a value that matches no
    /// profile is no error.
    pub(crate) fn list_profiles_v0(&self, query: Option<&str>) -> Reply {
        let mut name = None;
        let mut status = None;
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match key.as_ref() {
                "name" => name = Some(value.into_owned()),
                "status" => status = Some(value.into_owned()),
                _ => {}
            }
        }
        let found = self
            .catalogue
            .listed(Audience::Anyone, name.as_deref(), status.as_deref());
        if found.is_empty() {
            return Reply::not_found("No QoS Profiles found");
        }
        Reply::json(StatusCode::OK, &found)
    }

    /// QoS Profiles 1.1.0 `POST /retrieve-qos-profiles`.
    pub(crate) fn retrieve_profiles(&self, body: &[u8]) -> Reply {
        let query = match retrieve_query(body) {
            Ok(query) => query,
            Err(reply) => return reply,
        };
        let audience = match &query.device {
            None => Audience::Anyone,
            Some(device) => match known_v1_device(device) {
                Ok(known) => Audience::Device(known),
                Err(reply) => return reply,
            },
        };
        Reply::json(
            StatusCode::OK,
            &self
                .catalogue
                .listed(audience, query.name.as_deref(), query.status),
        )
    }
}
