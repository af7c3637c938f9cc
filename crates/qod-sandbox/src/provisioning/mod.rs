//! QoS Provisioning 0.3.0 under `/qos-provisioning/v0.3`: a QoS profile
//! assigned to a device with no duration, until revoked. One assignment per
//! device (409 `CONFLICT`); REQUESTED, then AVAILABLE after
//! [`SandboxConfig::available_after`](crate::SandboxConfig::available_after);
//! a revoke is done at once (204) and leaves the assignment UNAVAILABLE
//! with `DELETE_REQUESTED` (or, with
//! [`SandboxConfig::async_revoke_after`](crate::SandboxConfig::async_revoke_after),
//! is answered 202 and done that much later), readable for
//! [`SandboxConfig::retain_ended_for`](crate::SandboxConfig::retain_ended_for),
//! then 404.

pub(crate) mod events;
pub(crate) mod lifecycle;
pub(crate) mod render;
pub(crate) mod rules;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use http::StatusCode;

use crate::auth::caller::Caller;
use crate::config::SandboxConfig;
use crate::notifier::Notifier;
use crate::profiles::catalogue::{Catalogue, Unusable};
use crate::reply::{Reply, code};
use crate::rules::device::{known_v1_device, missing_device, target};
use crate::rules::session_id;
use crate::store::{Store, lock_up_to_date};
use crate::test_assets::KnownDevice;
use crate::wire::Wire;
use lifecycle::{Assignment, AssignmentPlan};
use render::assignment_info;

/// The API's base path.
pub(crate) const BASE_PATH: &str = "/qos-provisioning/v0.3";

fn not_found() -> Reply {
    Reply::not_found("The specified resource is not found.")
}

fn not_yours() -> Reply {
    Reply::forbidden(
        "Client does not have sufficient permissions to perform this action: the QoS assignment was created by another client.",
    )
}

fn not_the_tokens() -> Reply {
    Reply::forbidden(
        "Client does not have sufficient permissions to perform this action: the QoS assignment is for another device than the access token's.",
    )
}

/// The QoS assignments, and what their operations read and report to.
pub(crate) struct Assignments {
    config: Arc<SandboxConfig>,
    catalogue: Arc<Catalogue>,
    notifier: Notifier,
    store: Mutex<Store<Assignment>>,
}

impl Assignments {
    pub(crate) fn new(
        config: Arc<SandboxConfig>,
        catalogue: Arc<Catalogue>,
        notifier: Notifier,
        base_url: String,
    ) -> Self {
        let store = Mutex::new(Store::new(base_url, config.retain_ended_for));
        Assignments {
            config,
            catalogue,
            notifier,
            store,
        }
    }

    fn now(&self) -> SystemTime {
        self.config.clock.now()
    }

    /// Locks the assignments with every one due brought up to now, sending
    /// what changed.
    fn store(&self) -> MutexGuard<'_, Store<Assignment>> {
        lock_up_to_date(&self.store, self.now(), &self.notifier)
    }

    /// Brings the assignments due up to now (the ticker calls it, so that
    /// notifications go out on time).
    pub(crate) fn tick(&self) {
        drop(self.store());
    }

    /// How many assignments are stored.
    pub(crate) fn count(&self) -> usize {
        self.store().len()
    }

    /// `POST /qos-assignments`.
    pub(crate) fn create(&self, caller: &Caller, body: &[u8]) -> Reply {
        match self.try_create(caller, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_create(&self, caller: &Caller, body: &[u8]) -> Result<Reply, Reply> {
        let request = rules::create(body)?;
        let target = target(request.device.as_ref(), caller.device.as_deref())?
            .ok_or_else(missing_device)?;
        let device = target.ids();
        let known = known_v1_device(device)?;
        let name = &request.qos_profile;
        self.catalogue.usable(name, known).map_err(|why| match why {
            Unusable::Unknown => {
                Reply::schema("qosProfile", &format!("unknown QoS profile {name}"))
            }
            Unusable::NotActive(status) => Reply::unprocessable(
                code::PROVISIONING_QOS_PROFILE_NOT_APPLICABLE,
                &format!(
                    "The requested QoS profile is currently not available for QoS assignment ({status})."
                ),
            ),
            Unusable::NotForDevice => Reply::unprocessable(
                code::SERVICE_NOT_APPLICABLE,
                &format!("The QoS profile {name} is not available for the provided device."),
            ),
        })?;
        let identity = device.identity(Wire::V1);
        let now = self.now();
        let mut store = self.store();
        store.admit(&identity, self.config.max_sessions)?;
        let assignment = Assignment::new(AssignmentPlan {
            owner: caller.client,
            profile: request.qos_profile.into(),
            identity,
            device_echo: target.echo(),
            sink: request.sink.map(Into::into),
            notify: request.notify,
            now,
            available_at: now + self.config.available_after,
            refused: known == KnownDevice::NetworkTerminated,
        });
        let reply = Reply::json(StatusCode::CREATED, &assignment_info(&assignment));
        store.insert(assignment, &[], now);
        Ok(reply)
    }

    /// The assignment `id` of `caller`; a three-legged token reaches only
    /// the assignments of its device.
    fn owned<'s>(
        store: &'s Store<Assignment>,
        caller: &Caller,
        id: &uuid::Uuid,
    ) -> Result<&'s Assignment, Reply> {
        let assignment = store.get(id).ok_or_else(not_found)?;
        if assignment.owner != caller.client {
            return Err(not_yours());
        }
        if let Some(device) = &caller.device
            && !assignment.identity.shares_key(&device.identity(Wire::V1))
        {
            return Err(not_the_tokens());
        }
        Ok(assignment)
    }

    /// `GET /qos-assignments/{assignmentId}`.
    pub(crate) fn get(&self, caller: &Caller, id: &str) -> Reply {
        let result = assignment_id(id).and_then(|id| {
            let store = self.store();
            Self::owned(&store, caller, &id)
                .map(|assignment| Reply::json(StatusCode::OK, &assignment_info(assignment)))
        });
        match result {
            Ok(reply) | Err(reply) => reply,
        }
    }

    /// `DELETE /qos-assignments/{assignmentId}`: revoked at once, 204; or,
    /// when revokes are asynchronous and it is AVAILABLE, 202 and revoked
    /// later, by [`Assignments::store`] bringing it up to date.
    pub(crate) fn revoke(&self, caller: &Caller, id: &str) -> Reply {
        let id = match assignment_id(id) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        let now = self.now();
        let mut store = self.store();
        if let Err(reply) = Self::owned(&store, caller, &id) {
            return reply;
        }
        if let Some(delay) = self.config.async_revoke_after {
            store.update(&id, now, |a| (a.revoke_after(now + delay), None));
            if let Some(pending) = store.get(&id).filter(|a| a.revoke_pending()) {
                return Reply::json(StatusCode::ACCEPTED, &assignment_info(pending));
            }
        }
        let notification = store
            .update(&id, now, |a| ((), a.revoke(now)))
            .and_then(|(_, notification)| notification);
        drop(store);
        self.notifier.send(notification);
        Reply::empty(StatusCode::NO_CONTENT)
    }

    /// Ends the live assignment `id` as the network would, notifying it;
    /// `false` when no live assignment has the id.
    pub(crate) fn terminate(&self, id: &str) -> bool {
        let Ok(id) = assignment_id(id) else {
            return false;
        };
        let now = self.now();
        let mut store = self.store();
        let Some((ended, notification)) = store.update(&id, now, |assignment| {
            let change = assignment.terminate(now);
            (change.is_some(), change)
        }) else {
            return false;
        };
        drop(store);
        self.notifier.send(notification);
        ended
    }

    /// `POST /retrieve-qos-assignment`: the assignment of the device (the
    /// request's or the access token's), 404 when it has none, 403 when
    /// another client's.
    pub(crate) fn retrieve(&self, caller: &Caller, body: &[u8]) -> Reply {
        match self.try_retrieve(caller, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_retrieve(&self, caller: &Caller, body: &[u8]) -> Result<Reply, Reply> {
        let named = rules::retrieve(body)?;
        let device = target(named.as_ref(), caller.device.as_deref())?
            .ok_or_else(missing_device)?
            .ids();
        known_v1_device(device)?;
        let store = self.store();
        let identity = device.identity(Wire::V1);
        // The one that holds the device; else the newest of those that
        // linger after their revoke.
        let found = store
            .holder(&identity)
            .or_else(|| store.for_device(&identity).last().copied());
        Ok(match found {
            None => Reply::not_found("No QoS assignment found for the device."),
            Some(a) if a.owner != caller.client => not_yours(),
            Some(a) => Reply::json(StatusCode::OK, &assignment_info(a)),
        })
    }
}

/// An `assignmentId` path parameter: a UUID.
fn assignment_id(text: &str) -> Result<uuid::Uuid, Reply> {
    session_id(text).map_err(|_| Reply::schema("assignmentId", "must be a UUID"))
}
