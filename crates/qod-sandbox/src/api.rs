//! The operations the API offers, and the state that runs them: each is
//! handed to its feature (sessions of 0.10.1 and 1.1.0, QoS profiles, QoS
//! assignments), which checks it by the sandbox's own reading of the spec
//! ([`crate::rules`]).

use std::sync::Arc;
use std::time::SystemTime;

use crate::auth::caller::{Caller, Scope};
use crate::config::SandboxConfig;
use crate::notifier::Notifier;
use crate::profiles::Profiles;
use crate::profiles::catalogue::Catalogue;
use crate::provisioning::Assignments;
use crate::reply::Reply;
use crate::sessions::Sessions;
use crate::stats::{Counters, Lifecycle};
use crate::wire::Wire;

/// What a request asks for: the operations the API offers, which
/// [`crate::http::routes`] finds for a method and a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation<'a> {
    TaapToken,
    OAuthToken,
    /// The OpenID mode's endpoints.
    OpenIdDiscovery,
    Jwks,
    BcAuthorize,
    OpenIdToken,
    Authorize,
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

    /// The scope a token needs for it; `None` for the token endpoints
    /// (and OpenID's others).
    pub(crate) fn scope(self) -> Option<Scope> {
        Some(match self {
            Operation::TaapToken
            | Operation::OAuthToken
            | Operation::OpenIdDiscovery
            | Operation::Jwks
            | Operation::BcAuthorize
            | Operation::OpenIdToken
            | Operation::Authorize => return None,
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

/// The API's state: the settings, the counters and the features, to which
/// it dispatches each operation.
pub(crate) struct Api {
    pub(crate) config: Arc<SandboxConfig>,
    pub(crate) counters: Arc<Counters>,
    sessions: Sessions,
    /// QoS Provisioning's assignments ([`crate::provisioning`]).
    assignments: Assignments,
    profiles: Profiles,
}

impl Api {
    pub(crate) fn new(
        config: SandboxConfig,
        catalogue: Catalogue,
        counters: Arc<Counters>,
        base_url: String,
    ) -> Self {
        let config = Arc::new(config);
        let notifier = Notifier::start(counters.clone());
        let catalogue = Arc::new(catalogue);
        Api {
            sessions: Sessions::new(
                config.clone(),
                catalogue.clone(),
                counters.clone(),
                notifier.clone(),
                base_url.clone(),
            ),
            assignments: Assignments::new(config.clone(), catalogue.clone(), notifier, base_url),
            profiles: Profiles::new(catalogue),
            config,
            counters,
        }
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.config.clock.now()
    }

    /// How many sessions are stored.
    pub(crate) fn session_count(&self) -> usize {
        self.sessions.count()
    }

    /// How many assignments are stored.
    pub(crate) fn assignment_count(&self) -> usize {
        self.assignments.count()
    }

    /// Advances the sessions and assignments due (called by the ticker, so
    /// that notifications go out on time).
    pub(crate) fn tick(&self) {
        self.sessions.tick();
        self.assignments.tick();
    }

    /// Ends the live session `id` as the network would (`NETWORK_TERMINATED`).
    pub(crate) fn terminate_session(&self, id: &str) -> bool {
        self.sessions.terminate(id)
    }

    /// Ends the live assignment `id` as the network would (`NETWORK_TERMINATED`).
    pub(crate) fn terminate_assignment(&self, id: &str) -> bool {
        self.assignments.terminate(id)
    }

    /// Runs an operation for an authenticated caller, counting the
    /// caller's creates, extends and deletes that succeed.
    pub(crate) fn dispatch(
        &self,
        operation: Operation<'_>,
        caller: Caller,
        query: Option<&str>,
        body: &[u8],
    ) -> Reply {
        let reply = self.run(operation, &caller, query, body);
        if reply.status.is_success()
            && let Some(what) = lifecycle(operation)
        {
            self.counters.record_lifecycle(caller.client, what);
        }
        reply
    }

    fn run(
        &self,
        operation: Operation<'_>,
        caller: &Caller,
        query: Option<&str>,
        body: &[u8],
    ) -> Reply {
        match operation {
            Operation::Create(wire) => self.sessions.create(wire, caller, body),
            Operation::Get(wire, id) => self.sessions.get(wire, caller, id),
            Operation::Delete(wire, id) => self.sessions.delete(wire, caller, id),
            Operation::Extend(wire, id) => self.sessions.extend(wire, caller, id, body),
            Operation::RetrieveSessions => self.sessions.retrieve(caller, body),
            Operation::Profile(name) => self.profiles.get(caller, name),
            Operation::ListProfilesV0 => self.profiles.list_v0(query),
            Operation::RetrieveProfiles => self.profiles.retrieve(caller, body),
            Operation::CreateAssignment => self.assignments.create(caller, body),
            Operation::GetAssignment(id) => self.assignments.get(caller, id),
            Operation::RevokeAssignment(id) => self.assignments.revoke(caller, id),
            Operation::RetrieveAssignment => self.assignments.retrieve(caller, body),
            Operation::TaapToken
            | Operation::OAuthToken
            | Operation::OpenIdDiscovery
            | Operation::Jwks
            | Operation::BcAuthorize
            | Operation::OpenIdToken
            | Operation::Authorize => Reply::not_found("The specified resource is not found."),
        }
    }
}

/// The lifecycle request an operation is, to count.
fn lifecycle(operation: Operation<'_>) -> Option<Lifecycle> {
    Some(match operation {
        Operation::Create(_) => Lifecycle::SessionCreate,
        Operation::Extend(..) => Lifecycle::SessionExtend,
        Operation::Delete(..) => Lifecycle::SessionDelete,
        Operation::CreateAssignment => Lifecycle::AssignmentCreate,
        Operation::RevokeAssignment(_) => Lifecycle::AssignmentRevoke,
        _ => return None,
    })
}
