//! Sessions of QoD 0.10.1 (under `/qod/v0`, T-Mobile's rules) and 1.1.0
//! (under `/quality-on-demand/v1`): create, read, delete, extend and
//! retrieve by device, each checked by the sandbox's own reading of the
//! spec ([`rules`]).

pub(crate) mod events;
pub(crate) mod lifecycle;
pub(crate) mod render;
pub(crate) mod rules;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use http::StatusCode;
use qod_models::QosProfile;

use crate::auth::caller::Caller;
use crate::config::SandboxConfig;
use crate::life::Status;
use crate::notifier::Notifier;
use crate::profiles::catalogue::{Catalogue, Unusable};
use crate::reply::{Reply, code};
use crate::rules::device::{DeviceIds, device, known_v1_device, missing_device, target};
use crate::rules::json::{object_body, present};
use crate::rules::session_id;
use crate::stats::{Counters, bump};
use crate::store::{Store, lock_up_to_date};
use crate::test_assets::{KnownDevice, known_device};
use crate::wire::Wire;
use lifecycle::{Echoes, Plan, Session};
use render::session_info;
use rules::MAX_DURATION_V0;

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

fn not_the_tokens() -> Reply {
    Reply::forbidden(
        "Client does not have sufficient permissions to perform this action: the session is for another device than the access token's.",
    )
}

/// What the test assets make of a create's device. 1.x answers an unknown
/// or unsuitable one with 404 or 422; 0.10.1 has no answer for them and
/// serves them as any device.
fn device_fate(wire: Wire, device: &DeviceIds) -> Result<KnownDevice, Reply> {
    Ok(match wire {
        Wire::V1 => known_v1_device(device)?,
        Wire::V0 => match known_device(device.phone.as_deref()) {
            known @ (KnownDevice::NetworkTerminated | KnownDevice::Partner) => known,
            _ => KnownDevice::Ordinary,
        },
    })
}

/// The seconds a create asks for (0.10.1's default when it names none),
/// when within the profile's limits.
fn granted_duration(
    wire: Wire,
    requested: Option<u32>,
    profile: &QosProfile,
) -> Result<u64, Reply> {
    let duration = u64::from(requested.unwrap_or(MAX_DURATION_V0));
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
    Ok(duration)
}

/// The sessions, and what their operations read and report to.
pub(crate) struct Sessions {
    config: Arc<SandboxConfig>,
    catalogue: Arc<Catalogue>,
    counters: Arc<Counters>,
    notifier: Notifier,
    store: Mutex<Store<Session>>,
}

impl Sessions {
    pub(crate) fn new(
        config: Arc<SandboxConfig>,
        catalogue: Arc<Catalogue>,
        counters: Arc<Counters>,
        notifier: Notifier,
        base_url: String,
    ) -> Self {
        let store = Mutex::new(Store::new(base_url, config.retain_ended_for));
        Sessions {
            config,
            catalogue,
            counters,
            notifier,
            store,
        }
    }

    fn now(&self) -> SystemTime {
        self.config.clock.now()
    }

    /// Locks the sessions with every one due brought up to now, sending
    /// what changed.
    fn store(&self) -> MutexGuard<'_, Store<Session>> {
        lock_up_to_date(&self.store, self.now(), &self.notifier)
    }

    /// Brings the sessions due up to now (the ticker calls it, so that
    /// notifications go out on time).
    pub(crate) fn tick(&self) {
        drop(self.store());
    }

    /// How many sessions are stored.
    pub(crate) fn count(&self) -> usize {
        self.store().len()
    }

    pub(crate) fn create(&self, wire: Wire, caller: &Caller, body: &[u8]) -> Reply {
        match self.try_create(wire, caller, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_create(&self, wire: Wire, caller: &Caller, body: &[u8]) -> Result<Reply, Reply> {
        let request = rules::create(wire, body)?;
        // 0.10.1 predates the device from the access token: its body names it.
        let (device, echo) = match wire {
            Wire::V1 => {
                let target = target(request.device.as_ref(), caller.device.as_deref())?
                    .ok_or_else(missing_device)?;
                (target.ids(), target.echo())
            }
            Wire::V0 => {
                let device = request.device.as_ref().ok_or_else(missing_device)?;
                (device, Some(device.echo(wire)))
            }
        };
        let known = device_fate(wire, device)?;
        let profile = self.usable_profile(wire, &request.qos_profile, known)?;
        let duration = granted_duration(wire, request.duration, profile)?;
        let now = self.now();
        // T-Mobile answers a create with AVAILABLE; CAMARA 1.x with REQUESTED.
        let at_once = wire == Wire::V0 && !self.config.v0_requested_phase;
        let delay = if at_once {
            Duration::ZERO
        } else {
            self.config.available_after
        };
        let plan = Plan {
            id: uuid::Uuid::new_v4(),
            wire,
            owner: caller.client,
            profile: request.qos_profile.into(),
            identity: device.identity(wire),
            echoes: Echoes {
                device: echo,
                application_server: request.application_server,
                device_ports: request.device_ports,
                application_server_ports: request.application_server_ports,
                webhook: request.webhook,
                sink: request.sink.map(Into::into),
            },
            notify: request.notify,
            duration,
            now,
            available_at: now + delay,
            refused: known == KnownDevice::NetworkTerminated,
        };
        self.admit(plan, at_once)
    }

    /// The profile a create names, or the answer when it may not use it.
    fn usable_profile(
        &self,
        wire: Wire,
        name: &str,
        known: KnownDevice,
    ) -> Result<&QosProfile, Reply> {
        self.catalogue.usable(name, known).map_err(|why| match why {
            Unusable::Unknown => {
                Reply::schema("qosProfile", &format!("unknown QoS profile {name}"))
            }
            Unusable::NotActive(status) => {
                let message = format!(
                    "The requested QoS Profile is currently not available for session creation ({status})."
                );
                match wire {
                    Wire::V1 => Reply::unprocessable(code::QOS_PROFILE_NOT_APPLICABLE, &message),
                    Wire::V0 => Reply::invalid(&message),
                }
            }
            Unusable::NotForDevice => {
                let message =
                    format!("The QoS profile {name} is not available for the provided device.");
                match wire {
                    Wire::V1 => Reply::unprocessable(code::SERVICE_NOT_APPLICABLE, &message),
                    Wire::V0 => Reply::invalid(&message),
                }
            }
        })
    }

    /// Stores the planned session, unless another holds its device (409)
    /// or the store is full (429): the 201 with the session. `at_once`
    /// answers it before the reply, as T-Mobile does.
    fn admit(&self, plan: Plan, at_once: bool) -> Result<Reply, Reply> {
        let now = plan.now;
        let mut store = self.store();
        store.admit(&plan.identity, self.config.max_sessions)?;
        let mut session = Session::new(plan);
        let changes = if at_once {
            session.advance(now)
        } else {
            Vec::new()
        };
        let reply = Reply::json(StatusCode::CREATED, &session_info(&session));
        let notifications = store.insert(session, &changes, now);
        drop(store);
        self.notifier.send(notifications);
        bump(&self.counters.sessions_created);
        Ok(reply)
    }

    /// The session `id` of `caller` in `wire`, under the store's lock; a
    /// three-legged token reaches only the 1.x sessions of its device.
    fn owned<'s>(
        store: &'s Store<Session>,
        wire: Wire,
        caller: &Caller,
        id: &uuid::Uuid,
    ) -> Result<&'s Session, Reply> {
        let session = store
            .get(id)
            .filter(|s| s.wire == wire)
            .ok_or_else(|| not_found(wire))?;
        if session.owner != caller.client {
            return Err(not_yours());
        }
        if let Some(device) = &caller.device
            && wire == Wire::V1
            && !session.identity.shares_key(&device.identity(wire))
        {
            return Err(not_the_tokens());
        }
        Ok(session)
    }

    pub(crate) fn get(&self, wire: Wire, caller: &Caller, id: &str) -> Reply {
        let result = session_id(id).and_then(|id| {
            let store = self.store();
            Self::owned(&store, wire, caller, &id)
                .map(|session| Reply::json(StatusCode::OK, &session_info(session)))
        });
        match result {
            Ok(reply) | Err(reply) => reply,
        }
    }

    pub(crate) fn delete(&self, wire: Wire, caller: &Caller, id: &str) -> Reply {
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
        self.notifier.send(notification);
        Reply::empty(StatusCode::NO_CONTENT)
    }

    pub(crate) fn extend(&self, wire: Wire, caller: &Caller, id: &str, body: &[u8]) -> Reply {
        match self.try_extend(wire, caller, id, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_extend(
        &self,
        wire: Wire,
        caller: &Caller,
        id: &str,
        body: &[u8],
    ) -> Result<Reply, Reply> {
        let id = session_id(id)?;
        let additional = rules::extend(wire, body)?;
        let now = self.now();
        let mut store = self.store();
        let session = Self::owned(&store, wire, caller, &id)?;
        if session.life.status != Status::Available {
            return Err(match wire {
                Wire::V0 => Reply::invalid("The target session is inactive"),
                Wire::V1 => Reply::error(
                    StatusCode::CONFLICT,
                    code::SESSION_EXTENSION_NOT_ALLOWED,
                    &format!(
                        "Extending the session duration is not allowed in the current state ({}). The session must be in the AVAILABLE state.",
                        session.life.status.as_str()
                    ),
                ),
            });
        }
        let profile_max = self
            .catalogue
            .get(&session.profile)
            .map_or(u64::from(MAX_DURATION_V0), |p| Catalogue::limits(p).1);
        store
            .update(&id, now, |session| {
                session.extend(now, u64::from(additional), profile_max);
                (Reply::json(StatusCode::OK, &session_info(session)), None)
            })
            .map(|(reply, _)| reply)
            .ok_or_else(|| not_found(wire))
    }

    /// Ends the live session `id` (of either version) as the network
    /// would, notifying it; `false` when no live session has the id.
    pub(crate) fn terminate(&self, id: &str) -> bool {
        let Ok(id) = session_id(id) else {
            return false;
        };
        let now = self.now();
        let mut store = self.store();
        let Some((ended, notification)) = store.update(&id, now, |session| {
            let change = session.terminate(now);
            (change.is_some(), change)
        }) else {
            return false;
        };
        drop(store);
        self.notifier.send(notification);
        ended
    }

    /// 1.x `POST /retrieve-sessions`: the caller's sessions for a device,
    /// the request's or the access token's.
    pub(crate) fn retrieve(&self, caller: &Caller, body: &[u8]) -> Reply {
        match self.try_retrieve(caller, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_retrieve(&self, caller: &Caller, body: &[u8]) -> Result<Reply, Reply> {
        let named = object_body(body).and_then(|map| {
            present(&map, "device")
                .map(|v| device(v, "device", Wire::V1))
                .transpose()
        })?;
        let device = target(named.as_ref(), caller.device.as_deref())?
            .ok_or_else(missing_device)?
            .ids();
        known_v1_device(device)?;
        let store = self.store();
        let sessions: Vec<_> = store
            .for_device(&device.identity(Wire::V1))
            .into_iter()
            .filter(|s| s.wire == Wire::V1 && s.owner == caller.client)
            .map(session_info)
            .collect();
        Ok(Reply::json(StatusCode::OK, &sessions))
    }
}
