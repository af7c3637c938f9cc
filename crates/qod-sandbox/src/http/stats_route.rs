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

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use crate::{Sandbox, SandboxConfig};

    fn get(sandbox: &Sandbox, method: &str, path: &str) -> String {
        let mut stream = TcpStream::connect(sandbox.address()).unwrap_or_else(|e| panic!("{e}"));
        let request =
            format!("{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .unwrap_or_else(|e| panic!("{e}"));
        answer
    }

    #[test]
    fn the_stats_count_what_came_and_only_a_get_reads_them() {
        let sandbox = Sandbox::start(SandboxConfig {
            address: "127.0.0.1:0".to_owned(),
            ..SandboxConfig::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let _ = get(&sandbox, "GET", "/qod/v0/sessions/nope");
        let answer = get(&sandbox, "GET", super::PATH);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("\"requests\":2"), "{answer}");
        assert!(answer.contains("\"token_requests\":0"), "{answer}");
        let posted = get(&sandbox, "POST", super::PATH);
        assert!(posted.starts_with("HTTP/1.1 404"), "{posted}");
        sandbox.stop();
    }
}
