//! The steps every request passes, in order; each may answer early:
//! the head (one `Host`), the body (413, 408, 400), the correlator (400),
//! the sandbox's control routes ([`control`](super::control)),
//! the route (404, 405 with `Allow`), the token endpoints (and OpenID's
//! others), fault injection
//! (429, 503, a dropped connection), authentication, the content type
//! (415), and then the operation itself.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;

use crate::api::Operation;
use crate::http::control::{self, ControlRoute};
use crate::http::faults::{Fault, draw};
use crate::http::routes::{Route, route};
use crate::http::server::Server;
use crate::reply::{Reply, code};
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

/// How a step ends the request early.
enum Halt {
    /// An answer, with the request's correlator echoed.
    Reply(Reply),
    /// The refusal of the correlator itself, which is not echoed.
    BadCorrelator(Reply),
    /// An injected fault: an answer that is no server error of the
    /// sandbox's, or no answer at all.
    Fault(Option<Reply>),
}

impl From<Reply> for Halt {
    fn from(reply: Reply) -> Halt {
        Halt::Reply(reply)
    }
}

impl Server {
    /// Answers one request.
    pub(crate) async fn handle(
        self: Arc<Self>,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, DroppedConnection> {
        let counters = &self.api.counters;
        bump(&counters.requests);
        let (parts, body) = request.into_parts();
        let correlator = parts.headers.get("x-correlator").cloned();
        let (reply, echoed) = match self.answer(&parts, body, correlator.as_ref()).await {
            Ok(reply) | Err(Halt::Reply(reply)) => {
                if reply.status.is_server_error() {
                    bump(&counters.server_errors);
                }
                (reply, correlator.as_ref())
            }
            Err(Halt::BadCorrelator(reply)) => (reply, None),
            Err(Halt::Fault(Some(reply))) => (reply, correlator.as_ref()),
            Err(Halt::Fault(None)) => return Err(DroppedConnection),
        };
        Ok(into_response(reply, echoed))
    }

    async fn answer(
        &self,
        parts: &Parts,
        body: Incoming,
        correlator: Option<&HeaderValue>,
    ) -> Result<Reply, Halt> {
        check_host(parts)?;
        let body = self.read_body(body).await?;
        check_correlator(correlator)?;
        if let Some(control) = control::route(&parts.method, parts.uri.path()) {
            return Ok(match control {
                ControlRoute::Found(control) => self.control(control),
                ControlRoute::MethodNotAllowed(allow) => method_not_allowed(parts, allow),
                ControlRoute::NotFound => not_found(),
            });
        }
        let now = self.api.now();
        let operation = find(parts)?;
        let Some(scope) = operation.scope() else {
            return Ok(self.token_endpoint(operation, parts, &body, now));
        };
        self.inject_fault(operation, correlator).await?;
        let caller = self.auth.check_call(parts, &body, now, scope)?;
        check_content_type(operation, parts, &body)?;
        Ok(self
            .api
            .dispatch(operation, caller, parts.uri.query(), &body))
    }

    /// The body, read within the header-read timeout and the body limit.
    /// Every refusal closes the connection: the rest of its bytes cannot be
    /// framed.
    async fn read_body(&self, body: Incoming) -> Result<Bytes, Halt> {
        let config = &self.api.config;
        let limit = config.max_body_bytes;
        // A Content-Length over the limit is refused before any of it is read.
        let announced = hyper::body::Body::size_hint(&body).lower();
        if usize::try_from(announced).ok().is_none_or(|n| n > limit) {
            return Err(closing(too_large(limit)));
        }
        let read = tokio::time::timeout(
            config.header_read_timeout,
            Limited::new(body, limit).collect(),
        )
        .await;
        match read {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            // Only a body really over the limit is 413; a body whose
            // framing is broken (a bad chunk) is the client's syntax error.
            Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
                Err(closing(too_large(limit)))
            }
            Ok(Err(error)) => Err(closing(Reply::invalid(&format!(
                "The request body is malformed: {error}"
            )))),
            Err(_) => Err(closing(Reply::error(
                StatusCode::REQUEST_TIMEOUT,
                code::REQUEST_TIMEOUT,
                "The request body did not arrive in time",
            ))),
        }
    }

    fn token_endpoint(
        &self,
        operation: Operation<'_>,
        parts: &Parts,
        body: &[u8],
        now: SystemTime,
    ) -> Reply {
        match operation {
            Operation::TaapToken => {
                bump(&self.api.counters.token_requests);
                self.auth.taap_token(parts, body, now)
            }
            Operation::OAuthToken => {
                bump(&self.api.counters.token_requests);
                self.auth.oauth_token(parts, body, now)
            }
            Operation::OpenIdToken | Operation::BcAuthorize => {
                bump(&self.api.counters.token_requests);
                self.openid_endpoint(operation, parts, body, now)
            }
            _ => self.openid_endpoint(operation, parts, body, now),
        }
    }

    /// The OpenID mode's endpoints: discovery, the key set, CIBA's
    /// backchannel authentication, the token endpoint and the
    /// authorization endpoint; 404 in the other modes.
    fn openid_endpoint(
        &self,
        operation: Operation<'_>,
        parts: &Parts,
        body: &[u8],
        now: SystemTime,
    ) -> Reply {
        let Some(openid) = self.auth.openid() else {
            return Reply::not_found("OpenID is not configured on this sandbox");
        };
        match operation {
            Operation::OpenIdDiscovery => openid.discovery(parts),
            Operation::Jwks => openid.jwks(),
            Operation::BcAuthorize => openid.bc_authorize(parts, body, now),
            Operation::OpenIdToken => openid.token(parts, body, now),
            Operation::Authorize => openid.authorize(parts, body, now),
            _ => Reply::not_found("The specified resource is not found."),
        }
    }

    /// The configured latency, then a fault drawn at the configured rates.
    /// A create that is not refused with 429 counts as received: it may
    /// have created a session.
    async fn inject_fault(
        &self,
        operation: Operation<'_>,
        correlator: Option<&HeaderValue>,
    ) -> Result<(), Halt> {
        let counters = &self.api.counters;
        let faults = self.api.config.faults;
        if !faults.latency.is_zero() {
            tokio::time::sleep(faults.latency).await;
        }
        let fault = draw(&faults);
        if !matches!(fault, Fault::TooManyRequests) && matches!(operation, Operation::Create(_)) {
            counters.record_create(correlator.and_then(|c| c.to_str().ok()));
        }
        let answer = match fault {
            Fault::None => return Ok(()),
            Fault::Drop => None,
            Fault::TooManyRequests => Some(
                Reply::error(
                    StatusCode::TOO_MANY_REQUESTS,
                    code::TOO_MANY_REQUESTS,
                    "Rate limit reached.",
                )
                .with_header("retry-after", faults.retry_after_seconds.to_string()),
            ),
            Fault::Unavailable => Some(Reply::error(
                StatusCode::SERVICE_UNAVAILABLE,
                code::UNAVAILABLE,
                "Service unavailable",
            )),
        };
        bump(&counters.faults_injected);
        Err(Halt::Fault(answer))
    }
}

/// RFC 9112 3.2: an HTTP/1.1 request has exactly one Host (1.0 may have none).
fn check_host(parts: &Parts) -> Result<(), Halt> {
    let hosts = parts.headers.get_all(HOST).iter().count();
    if hosts > 1 || (hosts == 0 && parts.version == Version::HTTP_11) {
        return Err(closing(Reply::invalid(&format!(
            "An HTTP/1.1 request must have exactly one Host header (RFC 9112 3.2); this one has {hosts}"
        ))));
    }
    Ok(())
}

fn check_correlator(correlator: Option<&HeaderValue>) -> Result<(), Halt> {
    match correlator {
        Some(value) if !rules::x_correlator(value.as_bytes()) => {
            Err(Halt::BadCorrelator(Reply::schema(
                "x-correlator",
                "must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$",
            )))
        }
        _ => Ok(()),
    }
}

/// The operation the method and path name: 404 for no resource, 405 with
/// `Allow` for a known resource and another method.
fn find(parts: &Parts) -> Result<Operation<'_>, Reply> {
    match route(&parts.method, parts.uri.path()) {
        Route::Found(operation) => Ok(operation),
        Route::NotFound => Err(not_found()),
        Route::MethodNotAllowed(allow) => Err(method_not_allowed(parts, allow)),
    }
}

/// 404 for a path that names no resource.
fn not_found() -> Reply {
    Reply::not_found("The specified resource is not found.")
}

/// 405 with `Allow` for a known resource and another method.
fn method_not_allowed(parts: &Parts, allow: &'static str) -> Reply {
    Reply::error(
        StatusCode::METHOD_NOT_ALLOWED,
        code::METHOD_NOT_ALLOWED,
        &format!(
            "The method {} is not allowed on this resource (allowed: {allow})",
            parts.method
        ),
    )
    .with_header("allow", allow.to_owned())
}

/// 415 for a JSON route's body that does not say it is JSON, once.
fn check_content_type(operation: Operation<'_>, parts: &Parts, body: &[u8]) -> Result<(), Reply> {
    if operation.reads_json_body() && !json_typed(&parts.headers, body) {
        return Err(Reply::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::UNSUPPORTED_MEDIA_TYPE,
            "The request body must be JSON: Content-Type application/json (or application/*+json)",
        ));
    }
    Ok(())
}

/// Whether a body, when there is one, says it is JSON, once.
fn json_typed(headers: &HeaderMap, body: &[u8]) -> bool {
    let mut types = headers.get_all(CONTENT_TYPE).iter();
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

/// An answer after which the connection closes.
fn closing(reply: Reply) -> Halt {
    Halt::Reply(reply.with_header("connection", "close".to_owned()))
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
