//! The QoD operations: sessions (0.10.1 and 1.1.0) and QoS profiles, each
//! checked by the sandbox's own reading of the spec ([`crate::rules`]).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use crate::auth::caller::{Caller, Scope};
use crate::config::SandboxConfig;
use crate::notifier::{Notification, Notifier};
use crate::profiles::catalogue::Catalogue;
use crate::provisioning::lifecycle::Assignment;
use crate::reply::Reply;
use crate::sessions::lifecycle::Session;
use crate::stats::Counters;
use crate::store::{Resource, Store};
use crate::wire::Wire;

/// What a request asks for: the operations the API offers, which
/// [`crate::http::routes`] finds for a method and a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation<'a> {
    TaapToken,
    OAuthToken,
    Create(Wire),
    Get(Wire, &'a str),
    Delete(Wire, &'a str),
    Extend(Wire, &'a str),
    RetrieveSessions,
    Profile(&'a str),
    ListProfilesV0,
    RetrieveProfiles,
    CreateAssignment,
    GetAssignment(&'a str),
    RevokeAssignment(&'a str),
    RetrieveAssignment,
}

impl Operation<'_> {
    /// Whether it reads a JSON body (the token endpoints read none, or a form).
    pub(crate) fn reads_json_body(self) -> bool {
        matches!(
            self,
            Operation::Create(_)
                | Operation::Extend(..)
                | Operation::RetrieveSessions
                | Operation::RetrieveProfiles
                | Operation::CreateAssignment
                | Operation::RetrieveAssignment
        )
    }

    /// The scope a token needs for it; `None` for the token endpoints.
    pub(crate) fn scope(self) -> Option<Scope> {
        Some(match self {
            Operation::TaapToken | Operation::OAuthToken => return None,
            Operation::Create(_) => Scope::SessionsCreate,
            Operation::Get(..) => Scope::SessionsRead,
            Operation::Delete(..) => Scope::SessionsDelete,
            Operation::Extend(..) => Scope::SessionsUpdate,
            Operation::RetrieveSessions => Scope::SessionsRetrieveByDevice,
            Operation::Profile(_) | Operation::ListProfilesV0 | Operation::RetrieveProfiles => {
                Scope::ProfilesRead
            }
            Operation::CreateAssignment => Scope::AssignmentsCreate,
            Operation::GetAssignment(_) => Scope::AssignmentsRead,
            Operation::RevokeAssignment(_) => Scope::AssignmentsDelete,
            Operation::RetrieveAssignment => Scope::AssignmentsReadByDevice,
        })
    }
}

pub(crate) struct Api {
    pub(crate) config: SandboxConfig,
    pub(crate) counters: Arc<Counters>,
    sessions: Mutex<Store<Session>>,
    /// QoS Provisioning's assignments ([`crate::provisioning`]).
    assignments: Mutex<Store<Assignment>>,
    pub(crate) catalogue: Catalogue,
    notifier: Notifier,
}

impl Api {
    pub(crate) fn new(config: SandboxConfig, counters: Arc<Counters>, base_url: String) -> Self {
        let notifier = Notifier::start(counters.clone());
        let sessions = Store::new(base_url.clone(), config.retain_ended_for);
        let assignments = Store::new(base_url, config.retain_ended_for);
        Api {
            config,
            counters,
            sessions: Mutex::new(sessions),
            assignments: Mutex::new(assignments),
            catalogue: Catalogue::default(),
            notifier,
        }
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.config.clock.now()
    }

    /// Locks the sessions with every one due brought up to now, sending
    /// what changed.
    pub(crate) fn sessions(&self) -> MutexGuard<'_, Store<Session>> {
        self.up_to_date(&self.sessions)
    }

    /// Locks the assignments with every one due brought up to now, sending
    /// what changed.
    pub(crate) fn assignments(&self) -> MutexGuard<'_, Store<Assignment>> {
        self.up_to_date(&self.assignments)
    }

    fn up_to_date<'a, R: Resource>(&self, store: &'a Mutex<Store<R>>) -> MutexGuard<'a, Store<R>> {
        let mut store = store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let due = store.advance(self.now());
        self.notify(due);
        store
    }

    pub(crate) fn notify(&self, due: impl IntoIterator<Item = Notification>) {
        self.notifier.send(due);
    }

    /// Advances the sessions due (called by the ticker, so that
    /// notifications go out on time).
    pub(crate) fn tick(&self) {
        drop(self.sessions());
        drop(self.assignments());
    }
}

impl Api {
    /// Runs an operation for an authenticated caller.
    pub(crate) fn dispatch(
        &self,
        operation: Operation<'_>,
        caller: Caller,
        query: Option<&str>,
        body: &[u8],
    ) -> Reply {
        match operation {
            Operation::Create(wire) => self.create_session(wire, caller, body),
            Operation::Get(wire, id) => self.get_session(wire, caller, id),
            Operation::Delete(wire, id) => self.delete_session(wire, caller, id),
            Operation::Extend(wire, id) => self.extend_session(wire, caller, id, body),
            Operation::RetrieveSessions => self.retrieve_sessions(caller, body),
            Operation::Profile(name) => self.profile(name),
            Operation::ListProfilesV0 => self.list_profiles_v0(query),
            Operation::RetrieveProfiles => self.retrieve_profiles(body),
            Operation::CreateAssignment => self.create_assignment(caller, body),
            Operation::GetAssignment(id) => self.get_assignment(caller, id),
            Operation::RevokeAssignment(id) => self.revoke_assignment(caller, id),
            Operation::RetrieveAssignment => self.retrieve_assignment(caller, body),
            Operation::TaapToken | Operation::OAuthToken => {
                Reply::not_found("The specified resource is not found.")
            }
        }
    }
}
