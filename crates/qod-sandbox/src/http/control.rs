//! The sandbox's own control routes under `/_sandbox/`, for a test in
//! another process (a Python test, a CLI test against `qod sandbox`) to do
//! what [`Sandbox`](crate::Sandbox)'s methods do in this one:
//!
//! - `GET /_sandbox/stats`: the counters and the lifecycle counts per
//!   client, as JSON;
//! - `POST /_sandbox/sessions/{id}/terminate`: ends a live session as the
//!   network would (`NETWORK_TERMINATED`), 204, or 404 when no live session
//!   has the id;
//! - `POST /_sandbox/assignments/{id}/terminate`: the same for a QoS
//!   assignment.
//!
//! They need no credentials and no fault is injected into them (they are
//! the test's door, not the API); they count as requests. Another method on
//! one of them gets 405 with `Allow`, any other path under `/_sandbox/` 404,
//! as the API's routes do.

use std::collections::BTreeMap;

use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::http::server::Server;
use crate::reply::Reply;
use crate::stats::{LifecycleCounts, SandboxStats};

/// Where the control routes live.
const PREFIX: &str = "/_sandbox/";

/// A control operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control<'a> {
    Stats,
    TerminateSession(&'a str),
    TerminateAssignment(&'a str),
}

/// Where a control request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ControlRoute<'a> {
    Found(Control<'a>),
    /// A known control path, another method: the methods it allows.
    MethodNotAllowed(&'static str),
    NotFound,
}

/// Routes `method` on `path` when the path is under `/_sandbox/`; `None`
/// for any other path (the API's).
pub(crate) fn route<'a>(method: &Method, path: &'a str) -> Option<ControlRoute<'a>> {
    let rest = path.strip_prefix(PREFIX)?;
    let segments: Vec<&str> = rest.split('/').collect();
    let (control, allowed) = match segments.as_slice() {
        ["stats"] => (Control::Stats, Method::GET),
        ["sessions", id, "terminate"] if !id.is_empty() => {
            (Control::TerminateSession(id), Method::POST)
        }
        ["assignments", id, "terminate"] if !id.is_empty() => {
            (Control::TerminateAssignment(id), Method::POST)
        }
        _ => return Some(ControlRoute::NotFound),
    };
    Some(if *method == allowed {
        ControlRoute::Found(control)
    } else if allowed == Method::GET {
        ControlRoute::MethodNotAllowed("GET")
    } else {
        ControlRoute::MethodNotAllowed("POST")
    })
}

impl Server {
    /// Runs a control operation.
    pub(crate) fn control(&self, control: Control<'_>) -> Reply {
        match control {
            Control::Stats => Reply::json(
                StatusCode::OK,
                &stats_json(&self.api.counters.snapshot(), &self.lifecycle_counts()),
            ),
            Control::TerminateSession(id) => terminated(self.api.terminate_session(id), "session"),
            Control::TerminateAssignment(id) => {
                terminated(self.api.terminate_assignment(id), "QoS assignment")
            }
        }
    }

    /// The lifecycle counts per client, by the name each client goes by
    /// (clients of the same name added up).
    pub(crate) fn lifecycle_counts(&self) -> BTreeMap<String, LifecycleCounts> {
        let mut named: BTreeMap<String, LifecycleCounts> = BTreeMap::new();
        for (client, counts) in self.api.counters.lifecycle() {
            named
                .entry(self.auth.client_name(client))
                .or_default()
                .add(&counts);
        }
        named
    }
}

/// 204 when it was ended, else 404.
fn terminated(ended: bool, what: &str) -> Reply {
    if ended {
        Reply::empty(StatusCode::NO_CONTENT)
    } else {
        Reply::not_found(&format!("No live {what} has this id."))
    }
}

/// `GET /_sandbox/stats`'s body: every counter in camelCase, and `clients`.
fn stats_json(stats: &SandboxStats, clients: &BTreeMap<String, LifecycleCounts>) -> Value {
    let clients: Map<String, Value> = clients
        .iter()
        .map(|(name, counts)| {
            (
                name.clone(),
                json!({
                    "sessionCreates": counts.session_creates,
                    "sessionExtends": counts.session_extends,
                    "sessionDeletes": counts.session_deletes,
                    "assignmentCreates": counts.assignment_creates,
                    "assignmentRevokes": counts.assignment_revokes,
                }),
            )
        })
        .collect();
    json!({
        "connections": stats.connections,
        "acceptErrors": stats.accept_errors,
        "requests": stats.requests,
        "tokenRequests": stats.token_requests,
        "sessionsCreated": stats.sessions_created,
        "serverErrors": stats.server_errors,
        "faultsInjected": stats.faults_injected,
        "notificationsDelivered": stats.notifications_delivered,
        "notificationsFailed": stats.notifications_failed,
        "clients": clients,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_routes() {
        let id = "123e4567-e89b-12d3-a456-426614174000";
        let terminate = format!("/_sandbox/sessions/{id}/terminate");
        assert_eq!(
            route(&Method::POST, &terminate),
            Some(ControlRoute::Found(Control::TerminateSession(id)))
        );
        assert_eq!(
            route(
                &Method::POST,
                &format!("/_sandbox/assignments/{id}/terminate")
            ),
            Some(ControlRoute::Found(Control::TerminateAssignment(id)))
        );
        assert_eq!(
            route(&Method::GET, "/_sandbox/stats"),
            Some(ControlRoute::Found(Control::Stats))
        );
        assert_eq!(
            route(&Method::DELETE, &terminate),
            Some(ControlRoute::MethodNotAllowed("POST"))
        );
        assert_eq!(
            route(&Method::POST, "/_sandbox/stats"),
            Some(ControlRoute::MethodNotAllowed("GET"))
        );
        for path in [
            "/_sandbox/",
            "/_sandbox/nope",
            "/_sandbox/stats/",
            "/_sandbox/sessions//terminate",
            "/_sandbox/sessions/x/end",
        ] {
            assert_eq!(
                route(&Method::GET, path),
                Some(ControlRoute::NotFound),
                "{path}"
            );
        }
        assert_eq!(route(&Method::GET, "/qod/v0/sessions"), None);
        assert_eq!(route(&Method::GET, "/_sandbox"), None, "the API's 404");
    }

    #[test]
    fn stats_are_camel_case_with_clients() {
        let mut clients = BTreeMap::new();
        clients.insert(
            "app".to_owned(),
            LifecycleCounts {
                session_creates: 2,
                ..LifecycleCounts::default()
            },
        );
        let stats = SandboxStats {
            token_requests: 3,
            ..SandboxStats::default()
        };
        let body = stats_json(&stats, &clients);
        assert_eq!(body["tokenRequests"], 3);
        assert_eq!(body["notificationsFailed"], 0);
        assert_eq!(body["clients"]["app"]["sessionCreates"], 2);
        assert_eq!(body["clients"]["app"]["assignmentRevokes"], 0);
    }
}
