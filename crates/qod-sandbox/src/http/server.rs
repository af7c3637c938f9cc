//! HTTP serving with hyper: connections (with their timeouts), routing,
//! correlators, authentication and faults.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderValue, Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::time::Instant;

use crate::api::Api;
use crate::auth::AuthState;
use crate::auth::caller::Caller;
use crate::http::activity::{Activity, Tracked};
use crate::http::faults::{Fault, draw};
use crate::http::reply::{Reply, code};
use crate::http::routes::{Operation, Route, route};
use crate::rules;
use crate::stats::bump;

/// The error that makes hyper close the connection without an answer.
#[derive(Debug)]
pub(crate) struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DroppedConnection {}

pub(crate) struct Server {
    pub(crate) api: Api,
    pub(crate) auth: AuthState,
}

fn into_response(reply: Reply, correlator: Option<&HeaderValue>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    // Every answer says JSON, a 204 too (as CAMARA's test definitions expect).
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(correlator) = correlator {
        headers.insert("x-correlator", correlator.clone());
    }
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::try_from(value) {
            headers.insert(name, value);
        }
    }
    response
}

/// Whether a body, when there is one, says it is JSON, once.
fn json_typed(parts: &http::request::Parts, body: &[u8]) -> bool {
    let mut types = parts.headers.get_all(CONTENT_TYPE).iter();
    match (types.next(), types.next()) {
        // Nothing to judge by its type: the handler says what is missing.
        _ if body.is_empty() => true,
        (Some(value), None) => rules::json_media_type(value.as_bytes()),
        _ => false,
    }
}

/// 413 for a body over `limit` bytes.
fn too_large(limit: usize) -> Reply {
    Reply::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        code::INVALID_ARGUMENT,
        &format!("Request body too large: at most {limit} bytes"),
    )
}

impl Server {
    pub(crate) async fn handle(
        self: Arc<Self>,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, DroppedConnection> {
        let counters = &self.api.counters;
        bump(&counters.requests);
        let (parts, body) = request.into_parts();
        let correlator = parts.headers.get("x-correlator").cloned();
        let config = &self.api.config;
        // RFC 9112 3.2: an HTTP/1.1 request has exactly one Host (1.0 may have none).
        let hosts = parts.headers.get_all(HOST).iter().count();
        if hosts > 1 || (hosts == 0 && parts.version == Version::HTTP_11) {
            let reply = Reply::invalid(&format!(
                "An HTTP/1.1 request must have exactly one Host header (RFC 9112 3.2); this one has {hosts}"
            ))
            .with_header("connection", "close".to_owned());
            return Ok(into_response(reply, correlator.as_ref()));
        }
        // A Content-Length over the limit is refused before any of it is read.
        let announced = hyper::body::Body::size_hint(&body).lower();
        if usize::try_from(announced)
            .ok()
            .is_none_or(|n| n > config.max_body_bytes)
        {
            let reply =
                too_large(config.max_body_bytes).with_header("connection", "close".to_owned());
            return Ok(into_response(reply, correlator.as_ref()));
        }
        let read = tokio::time::timeout(
            config.header_read_timeout,
            Limited::new(body, config.max_body_bytes).collect(),
        )
        .await;
        let body = match read {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(error)) => {
                // Only a body really over the limit is 413; a body whose
                // framing is broken (a bad chunk) is the client's syntax error.
                let reply = if error.downcast_ref::<LengthLimitError>().is_some() {
                    too_large(config.max_body_bytes)
                } else {
                    Reply::invalid(&format!("The request body is malformed: {error}"))
                };
                // The rest of the connection's bytes cannot be framed.
                let reply = reply.with_header("connection", "close".to_owned());
                return Ok(into_response(reply, correlator.as_ref()));
            }
            Err(_) => {
                let reply = Reply::error(
                    StatusCode::REQUEST_TIMEOUT,
                    code::REQUEST_TIMEOUT,
                    "The request body did not arrive in time",
                )
                .with_header("connection", "close".to_owned());
                return Ok(into_response(reply, correlator.as_ref()));
            }
        };
        if let Some(value) = &correlator
            && !rules::x_correlator(value.as_bytes())
        {
            return Ok(into_response(
                Reply::schema(
                    "x-correlator",
                    "must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$",
                ),
                None,
            ));
        }
        let now = self.api.now();
        let operation = match route(&parts.method, parts.uri.path()) {
            Route::NotFound => {
                let reply = Reply::not_found("The specified resource is not found.");
                return Ok(into_response(reply, correlator.as_ref()));
            }
            Route::MethodNotAllowed(allow) => {
                let reply = Reply::error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    code::METHOD_NOT_ALLOWED,
                    &format!(
                        "The method {} is not allowed on this resource (allowed: {allow})",
                        parts.method
                    ),
                )
                .with_header("allow", allow.to_owned());
                return Ok(into_response(reply, correlator.as_ref()));
            }
            Route::Found(operation) => operation,
        };
        let reply = match operation.scope() {
            None => {
                bump(&counters.token_requests);
                match operation {
                    Operation::TaapToken => self.auth.taap_token(&parts, &body, now),
                    _ => self.auth.oauth_token(&parts, &body, now),
                }
            }
            Some(scope) => {
                let faults = config.faults;
                if !faults.latency.is_zero() {
                    tokio::time::sleep(faults.latency).await;
                }
                let fault = draw(&faults);
                if !matches!(fault, Fault::TooManyRequests)
                    && matches!(operation, Operation::Create(_))
                {
                    counters.record_create(correlator.as_ref().and_then(|c| c.to_str().ok()));
                }
                match fault {
                    Fault::Drop => {
                        bump(&counters.faults_injected);
                        return Err(DroppedConnection);
                    }
                    Fault::TooManyRequests => {
                        bump(&counters.faults_injected);
                        let reply = Reply::error(
                            StatusCode::TOO_MANY_REQUESTS,
                            code::TOO_MANY_REQUESTS,
                            "Rate limit reached.",
                        )
                        .with_header("retry-after", faults.retry_after_seconds.to_string());
                        return Ok(into_response(reply, correlator.as_ref()));
                    }
                    Fault::Unavailable => {
                        bump(&counters.faults_injected);
                        let reply = Reply::error(
                            StatusCode::SERVICE_UNAVAILABLE,
                            code::UNAVAILABLE,
                            "Service unavailable",
                        );
                        return Ok(into_response(reply, correlator.as_ref()));
                    }
                    Fault::None => {}
                }
                match self.auth.check_call(&parts, &body, now, scope) {
                    Err(reply) => reply,
                    Ok(_) if operation.reads_json_body() && !json_typed(&parts, &body) => {
                        Reply::error(
                            StatusCode::UNSUPPORTED_MEDIA_TYPE,
                            code::UNSUPPORTED_MEDIA_TYPE,
                            "The request body must be JSON: Content-Type application/json (or application/*+json)",
                        )
                    }
                    Ok(caller) => self.dispatch(operation, caller, parts.uri.query(), &body),
                }
            }
        };
        if reply.status.is_server_error() {
            bump(&counters.server_errors);
        }
        Ok(into_response(reply, correlator.as_ref()))
    }

    fn dispatch(
        &self,
        operation: Operation<'_>,
        caller: Caller,
        query: Option<&str>,
        body: &[u8],
    ) -> Reply {
        let api = &self.api;
        match operation {
            Operation::Create(wire) => api.create(wire, caller, body),
            Operation::Get(wire, id) => api.get(wire, caller, id),
            Operation::Delete(wire, id) => api.delete(wire, caller, id),
            Operation::Extend(wire, id) => api.extend(wire, caller, id, body),
            Operation::RetrieveSessions => api.retrieve_sessions(caller, body),
            Operation::Profile(name) => api.profile(name),
            Operation::ListProfilesV0 => api.list_profiles_v0(query),
            Operation::RetrieveProfiles => api.retrieve_profiles(body),
            Operation::CreateAssignment => api.create_assignment(caller, body),
            Operation::GetAssignment(id) => api.get_assignment(caller, id),
            Operation::RevokeAssignment(id) => api.revoke_assignment(caller, id),
            Operation::RetrieveAssignment => api.retrieve_assignment(caller, body),
            Operation::TaapToken | Operation::OAuthToken => {
                Reply::not_found("The specified resource is not found.")
            }
        }
    }
}

/// Pauses between failed accepts: when the process is out of file
/// descriptors, accepting again at once would spin.
#[derive(Debug)]
struct AcceptBackoff {
    next: Duration,
}

impl AcceptBackoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MOST: Duration = Duration::from_secs(1);

    fn new() -> AcceptBackoff {
        AcceptBackoff { next: Self::FIRST }
    }

    fn pause(&mut self) -> Duration {
        let pause = self.next;
        self.next = (self.next * 2).min(Self::MOST);
        pause
    }

    fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

/// Serves one connection until it ends, is idle mid-exchange for
/// `idle_timeout`, or takes longer than `header_read_timeout` for a head.
async fn connection(server: Arc<Server>, stream: tokio::net::TcpStream) {
    let (header_read_timeout, idle_timeout) = (
        server.api.config.header_read_timeout,
        server.api.config.idle_timeout,
    );
    let activity = Activity::new();
    let io = TokioIo::new(Tracked::new(stream, activity.clone()));
    let service = hyper::service::service_fn(move |request| server.clone().handle(request));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    loop {
        let deadline = activity.last() + idle_timeout;
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    log::debug!("connection ended: {e}");
                }
                return;
            }
            () = tokio::time::sleep_until(deadline) => {
                if activity.last() + idle_timeout <= Instant::now() {
                    log::debug!("closing a connection idle for {idle_timeout:?}");
                    return;
                }
            }
        }
    }
}

/// Serves `listener` until `shutdown` fires.
pub(crate) async fn serve(
    server: Arc<Server>,
    listener: tokio::net::TcpListener,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let ticker_server = server.clone();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_millis(100));
        loop {
            interval.tick().await;
            ticker_server.api.tick();
        }
    });
    let mut backoff = AcceptBackoff::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    backoff.reset();
                    bump(&server.api.counters.connections);
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(server.clone(), stream));
                }
                Err(e) => {
                    bump(&server.api.counters.accept_errors);
                    let pause = backoff.pause();
                    if pause == AcceptBackoff::FIRST {
                        log::warn!("cannot accept a connection ({e}); retrying with backoff");
                    } else {
                        log::debug!("cannot accept a connection ({e}); next try in {pause:?}");
                    }
                    tokio::select! {
                        _ = &mut shutdown => break,
                        () = tokio::time::sleep(pause) => {}
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_backoff_doubles_up_to_a_second_and_resets() {
        let mut backoff = AcceptBackoff::new();
        let pauses: Vec<Duration> = (0..10).map(|_| backoff.pause()).collect();
        assert_eq!(pauses[0], Duration::from_millis(5));
        assert_eq!(pauses[1], Duration::from_millis(10));
        assert_eq!(pauses[9], Duration::from_secs(1));
        backoff.reset();
        assert_eq!(backoff.pause(), Duration::from_millis(5));
    }
}
