//! `GET /_sandbox/stats`: the sandbox's counters as JSON, read-only, for
//! tests and benchmarks that run the sandbox in another process (the
//! Python package's tests count token requests this way). No auth: the
//! counters say how much traffic came, nothing about whose.

use http::request::Parts;
use http::{Method, StatusCode};

use crate::reply::Reply;
use crate::stats::Counters;

/// The path of the route.
pub(crate) const PATH: &str = "/_sandbox/stats";

/// The answer when `parts` asks for the stats; `None` for any other request.
pub(crate) fn answer(parts: &Parts, counters: &Counters) -> Option<Reply> {
    if parts.uri.path() != PATH || parts.method != Method::GET {
        return None;
    }
    let stats = counters.snapshot();
    let body = serde_json::json!({
        "connections": stats.connections,
        "requests": stats.requests,
        "token_requests": stats.token_requests,
        "sessions_created": stats.sessions_created,
        "server_errors": stats.server_errors,
        "faults_injected": stats.faults_injected,
    });
    Some(Reply::json(StatusCode::OK, &body))
}
